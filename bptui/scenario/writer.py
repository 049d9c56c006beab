"""Writing a scenario back to TOML (issue 9, ``ctrl+s``): a lesson can start again mid-training.

No third-party TOML writer: the format is small, and what matters is exactness. Floats are written
with ``repr`` (the shortest text that reads back to the same float64), strings with TOML's escapes
(a title is someone else's data: quotes, backslashes, newlines and control characters included),
and every file written is read back with :func:`load_scenario` and compared bit for bit before it
takes its name, so a save that would not load the same is never left behind.

Decisions (README, "Files"):
- Every layer gets explicit ``weights`` (in the file's convention) and, if it has a bias,
  ``biases``; ``[init]`` is left out since nothing is drawn.
- Data goes inline, so a saved lesson is one self-contained file; only data larger than
  ``INLINE_DATA_LIMIT`` as text, read from a data file, is referenced instead (by its absolute
  path, or relative to the new file when both share a folder above the root), and only if it still
  reads back the same data.
- ``[[expect]]`` blocks are kept only when the parameters saved are exactly the scenario's starting
  ones: every checkpoint describes training from those, so after an update they would all fail.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tempfile
import tomllib
from pathlib import Path

import numpy as np

from bptui.engine.network import initial_params
from bptui.engine.spec import COLUMN, MINIBATCH, Expectation, LayerSpec, Scenario, TrainingSpec
from bptui.printable import is_unsafe, printable

from . import schema as s
from .loader import load_scenario
from .sameness import _same_bits, same_scenario

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SAFE_STEM = re.compile(r"[^A-Za-z0-9_.-]+")
_HANDLED_TOP = ("title", "description", "source")  # written first; network/init/data/training/expect are tables
_HANDLED_LAYER = ("units", "activation", "slope", "bias", "weights", "biases", "velocities", "bias_velocities")
_CORE_TRAINING = ("loss", "reduction", "learning_rate", "mode", "epochs")  # always written
_MINIBATCH_ONLY = ("batch_size", "shuffle", "first_epoch")
INLINE_DATA_LIMIT = 1 << 20  # bytes of inline data text above which a data file is referenced if there is one


class SaveError(Exception):
    """A save that cannot be done; the text says why in one line (nothing was written)."""


# --- TOML values ----------------------------------------------------------------------------------


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly ``text``; unsafe characters are escaped, never raw."""
    out: list[str] = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif is_unsafe(ch):
            code = ord(ch)
            if 0xD800 <= code <= 0xDFFF:
                raise SaveError(
                    f"the text {printable(text, 40)!r} holds a lone surrogate (U+{code:04X}), "
                    f"which a TOML file cannot hold; remove it"
                )
            out.append(f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_float(x: float) -> str:
    """``repr`` of the float64: the shortest text that reads back to the same bits (``-0.0`` too)."""
    x = float(x)
    if not math.isfinite(x):
        raise SaveError(f"{x!r} is not a finite number; a scenario holds finite numbers only")
    return repr(x)


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: object) -> str:
    """A TOML value for a bool, int, float, str, array (nested lists, tuples, ndarrays) or a flat dict."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return toml_float(float(value))
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return toml_float(value.item())
        return toml_value(value.tolist())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise SaveError(f"cannot write a {type(value).__name__} to a scenario file")


def _matrix(key: str, rows: np.ndarray) -> list[str]:
    """``key = [`` one row per line ``]``: long matrices stay readable and diffable."""
    lines = [f"{key} = ["]
    lines += [f"    [{', '.join(toml_float(x) for x in row.tolist())}]," for row in rows]
    lines.append("]")
    return lines


# --- the scenario to save -------------------------------------------------------------------------


def snapshot(
    scenario: Scenario,
    params: dict[str, np.ndarray | None],
    keep_expectations: bool | None = None,
    *,
    velocities: dict[str, np.ndarray | None] | None = None,
    epochs_done: int = 0,
) -> Scenario:
    """``scenario`` with every layer's parameters explicit: ``params`` maps ``W1``, ``b1``, … to arrays
    in the file's convention (as :meth:`Debugger.params_values` gives them; ``None`` for no bias).

    ``keep_expectations=None`` keeps the ``[[expect]]`` blocks only if ``params`` are bit for bit
    the scenario's starting parameters (see the module docstring). With momentum, ``velocities``
    (``vW1``, ``vb1``, … in the file's convention) are written too, and with a shuffled order
    ``first_epoch`` goes on after the ``epochs_done`` completed epochs: the saved lesson then
    trains on exactly as the original would have.
    """
    v = velocities or {}
    layers: list[LayerSpec] = []
    for l, layer in enumerate(scenario.layers, start=1):
        w = np.array(params[f"W{l}"], dtype=np.float64, order="C", copy=True)
        b = params.get(f"b{l}")
        biases = np.array(b, dtype=np.float64, copy=True) if layer.bias and b is not None else None
        if layer.bias and biases is None:
            biases = np.zeros(layer.units)
        vw, vb = v.get(f"vW{l}"), v.get(f"vb{l}")
        layers.append(
            dataclasses.replace(
                layer,
                weights=w,
                biases=biases,
                velocities=None if vw is None else np.array(vw, dtype=np.float64, order="C", copy=True),
                bias_velocities=None if vb is None or not layer.bias else np.array(vb, dtype=np.float64, copy=True),
            )
        )
    if keep_expectations is None:
        keep_expectations = same_as_start(scenario, params)
    training = scenario.training
    if training.mode == MINIBATCH and training.shuffle is not None and epochs_done:
        training = dataclasses.replace(training, first_epoch=training.first_epoch + epochs_done)
    return dataclasses.replace(
        scenario,
        layers=tuple(layers),
        training=training,
        expectations=scenario.expectations if keep_expectations else (),
    )


def same_as_start(scenario: Scenario, params: dict[str, np.ndarray | None]) -> bool:
    """Whether ``params`` are bit for bit the parameters ``scenario`` starts from."""
    start = initial_params(scenario)
    for l, (w, b) in enumerate(zip(start.W, start.b), start=1):
        w_file = w.T if scenario.convention == COLUMN else w
        if not _same_bits(w_file, params[f"W{l}"]):
            return False
        if b is not None and not _same_bits(b, params.get(f"b{l}")):
            return False
    return True


# --- the text -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DataFile:
    """A ``[data] file`` reference: the file, and ``target_columns`` for a .csv."""

    path: Path
    target_columns: int | None = None


def dumps(
    scenario: Scenario, *, data_file: DataFile | None = None, folder: Path | None = None, header: str = ""
) -> str:
    """The scenario as TOML text. Layers with explicit ``weights`` write them (use :func:`snapshot`);
    a layer without would be drawn from ``[init]``, which is then written too.

    ``data_file`` references a data file instead of writing the data inline, relative to ``folder``
    (the new file's folder) where possible. ``header`` becomes ``#`` comment lines at the top.
    """
    out: list[str] = [f"# {printable(line, 300)}" for line in header.splitlines()]
    out.append(f"title = {toml_string(scenario.title)}")
    if scenario.description:
        out.append(f"description = {toml_string(scenario.description)}")
    if scenario.source:
        out.append(f"source = {toml_string(scenario.source)}")
    out += _extra_fields(
        scenario, Scenario, s.TOP_KEYS, _HANDLED_TOP + ("network", "init", "data", "training", "expect")
    )
    out += ["", "[network]", f"inputs = {scenario.inputs}", f"convention = {toml_string(scenario.convention)}"]
    drawn = False
    for layer in scenario.layers:
        out += ["", "[[network.layers]]", f"units = {layer.units}", f"activation = {toml_string(layer.activation)}"]
        if layer.activation == "leaky_relu":
            out.append(f"slope = {toml_float(layer.slope)}")
        out.append(f"bias = {toml_value(layer.bias)}")
        out += _extra_fields(layer, LayerSpec, s.LAYER_KEYS, _HANDLED_LAYER)
        if layer.weights is None:
            drawn = True
        else:
            out += _matrix("weights", np.atleast_2d(np.asarray(layer.weights, dtype=np.float64)))
        if layer.bias and layer.biases is not None:
            out.append(f"biases = {toml_value(np.asarray(layer.biases, dtype=np.float64).ravel())}")
        if scenario.training.momentum and layer.velocities is not None:
            out += _matrix("velocities", np.atleast_2d(np.asarray(layer.velocities, dtype=np.float64)))
        if scenario.training.momentum and layer.bias and layer.bias_velocities is not None:
            bv = np.asarray(layer.bias_velocities, dtype=np.float64).ravel()
            out.append(f"bias_velocities = {toml_value(bv)}")
    if drawn:
        out += ["", "[init]"] + _init_lines(scenario)
    out += ["", "[data]"] + _data_lines(scenario, data_file, folder)
    out += ["", "[training]"] + _training_lines(scenario.training)
    for e in scenario.expectations:
        out += ["", "[[expect]]"] + _expect_lines(e)
    return "\n".join(out) + "\n"


def _extra_fields(obj: object, cls: type, allowed: tuple[str, ...], handled: tuple[str, ...]) -> list[str]:
    """Fields a newer format adds (a dataclass field named like an allowed key), when not default."""
    lines = []
    for f in dataclasses.fields(cls):
        if f.name in allowed and f.name not in handled:
            value = getattr(obj, f.name)
            default = (
                f.default
                if f.default is not dataclasses.MISSING
                else (f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
            )
            if value is None or _equal(value, default):
                continue
            lines.append(f"{f.name} = {toml_value(value)}")
    return lines


def _equal(a: object, b: object) -> bool:
    try:
        return bool(a == b)
    except (ValueError, TypeError):  # arrays
        return False


def _init_lines(sc: Scenario) -> list[str]:
    it = sc.init
    lines = [f"distribution = {toml_string(it.distribution)}"]
    if it.distribution == "uniform":
        lines += [f"low = {toml_float(it.low)}", f"high = {toml_float(it.high)}"]
    elif it.distribution == "normal":
        lines.append(f"std = {toml_float(it.std)}")
    lines.append(f"seed = {it.seed}")
    return lines


def _data_lines(sc: Scenario, data_file: DataFile | None, folder: Path | None) -> list[str]:
    if data_file is not None:
        target = data_file.path
        if folder is not None:
            try:
                common = Path(os.path.commonpath([data_file.path, folder]))
                if common != Path(common.anchor):  # they share a folder that is not the root
                    target = Path(os.path.relpath(data_file.path, folder))
            except ValueError:  # another drive (Windows): keep the absolute path
                pass
        lines = [f"file = {toml_string(target.as_posix())}"]
        if data_file.target_columns is not None:
            lines.append(f"target_columns = {data_file.target_columns}")
        return lines + _test_lines(sc)
    X, T = sc.data_inputs, sc.data_targets
    if sc.test_inputs is not None and sc.test_targets is not None:  # the test split follows the training rows
        X, T = np.vstack([X, sc.test_inputs]), np.vstack([T, sc.test_targets])
    return _matrix("inputs", X) + _matrix("targets", T) + _test_lines(sc)


def _test_lines(sc: Scenario) -> list[str]:
    return [f"test_samples = {sc.test_samples}"] if sc.test_samples else []


def _training_lines(tr: TrainingSpec) -> list[str]:
    lines = []
    for f in dataclasses.fields(TrainingSpec):
        if f.name not in s.TRAINING_KEYS:
            continue
        value = getattr(tr, f.name)
        if f.name in _MINIBATCH_ONLY and (tr.mode != MINIBATCH or (f.name == "first_epoch" and tr.shuffle is None)):
            continue  # the loader refuses them in other modes
        if f.name == "batch_size" and tr.mode == MINIBATCH:
            lines.append(f"batch_size = {value}")  # always written: the file says how it trains
        elif value is not None and (f.name in _CORE_TRAINING or not _equal(value, f.default)):
            lines.append(f"{f.name} = {toml_value(value)}")
    return lines


def _expect_lines(e: Expectation) -> list[str]:
    lines = [
        f"epoch = {e.epoch}",
        f"sample = {e.sample}",
        f"after = {toml_string(e.after)}",
        f"tolerance = {toml_float(e.tolerance)}",
    ]
    lines += [f"{toml_key(name)} = {toml_value(np.asarray(v, dtype=np.float64))}" for name, v in e.values.items()]
    return lines


# --- the file -------------------------------------------------------------------------------------


def data_file_of(scenario: Scenario) -> DataFile | None:
    """The ``[data] file`` the scenario's own file names (resolved), or ``None`` (inline, or unknown)."""
    if scenario.path is None:
        return None
    try:
        p = Path(scenario.path)
        if not p.is_file() or p.stat().st_size > s.MAX_SCENARIO_BYTES:
            return None
        doc = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    data = doc.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("file"), str):
        return None
    file = Path(data["file"])
    if not file.is_absolute():
        file = p.resolve().parent / file
    columns = data.get("target_columns")
    return DataFile(file, columns if isinstance(columns, int) and not isinstance(columns, bool) else None)


def save_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = False, header: str = "") -> Path:
    """Write ``scenario`` (see :func:`snapshot`) to ``path`` and return it, resolved.

    The text goes to a temporary file beside ``path``, is read back with :func:`load_scenario` and
    compared bit for bit (parameters, data, settings); only then does it take its name. Raises
    :class:`SaveError` (nothing written) for an existing file without ``overwrite``, a missing
    folder, non-finite numbers, a file too large, or an OS error.
    """
    path = Path(path)
    folder = path.parent.resolve() if str(path.parent) else Path.cwd()
    if not folder.is_dir():
        raise SaveError(f"the folder {printable(path.parent)} does not exist; create it or choose another")
    target = folder / path.name
    if target.is_dir():
        raise SaveError(f"{printable(target)} is a folder; give a file name")
    if target.exists() and not overwrite:
        raise SaveError(f"{printable(target)} exists; confirm to overwrite it, or choose another name")
    text = dumps(scenario, folder=folder, header=header)
    written = None
    reference = data_file_of(scenario) if len(text) > INLINE_DATA_LIMIT else None
    if reference is not None:
        written = _write_checked(
            scenario, dumps(scenario, data_file=reference, folder=folder, header=header), folder
        )  # None if the data file no longer reads the same: inline then
    if written is None:
        written = _write_checked(scenario, text, folder)
    if written is None:
        raise SaveError("the file written does not read back the same scenario; nothing was saved (please report this)")
    try:
        if target.exists() and not overwrite:
            raise SaveError(f"{printable(target)} appeared meanwhile; choose another name")
        os.replace(written, target)
    except OSError as e:
        written.unlink(missing_ok=True)
        raise SaveError(f"cannot write {printable(target)} ({e.strerror or e})") from None
    except SaveError:
        written.unlink(missing_ok=True)
        raise
    return target


def _write_checked(scenario: Scenario, text: str, folder: Path) -> Path | None:
    """A temporary file in ``folder`` holding ``text`` if it reads back as ``scenario``, else ``None``."""
    data = text.encode("utf-8")
    if len(data) > s.MAX_SCENARIO_BYTES:
        raise SaveError(
            f"the scenario would be {len(data) / 2**20:.1f} MiB, more than a scenario file may "
            f"hold ({s.MAX_SCENARIO_BYTES // 2**20} MiB): its data is too large to write inline"
        )
    try:
        handle, name = tempfile.mkstemp(prefix=".bptui-save-", suffix=".toml", dir=folder)
        with os.fdopen(handle, "wb") as f:
            f.write(data)
    except OSError as e:
        raise SaveError(f"cannot write in {printable(folder)} ({e.strerror or e})") from None
    temp = Path(name)
    try:
        loaded = load_scenario(temp)
    except Exception:
        loaded = None
    if loaded is None or not same_scenario(scenario, loaded):
        temp.unlink(missing_ok=True)
        return None
    return temp


def default_name(scenario: Scenario, updates: int, passes: int, folder: Path) -> str:
    """``<name>-epoch<E>.toml`` (``-epoch<E>-update<U>`` mid-epoch) not yet taken in ``folder``.

    ``updates`` is the number of parameter updates done, ``passes`` the updates per epoch.
    """
    stem = Path(scenario.path).stem if scenario.path is not None else scenario.title
    stem = _SAFE_STEM.sub("_", stem).strip("._-")[:40] or "scenario"
    epochs, extra = divmod(updates, max(passes, 1))
    base = f"{stem}-epoch{epochs}" + (f"-update{extra}" if extra else "")
    name = f"{base}.toml"
    n = 2
    while (folder / name).exists() and n < 1000:
        name = f"{base}-{n}.toml"
        n += 1
    return name
