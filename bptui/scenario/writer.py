"""Writing a scenario back to TOML (issue 9, ``ctrl+s``): a lesson can start again mid-training.

The text comes from :mod:`.dump` (exact TOML values from :mod:`.toml_text`); every file written is
read back with :func:`load_scenario` and compared bit for bit (:mod:`.bits`) before it takes its
name, so a save that would not load the same is never left behind.

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
import os
import re
import tempfile
import tomllib
from pathlib import Path

import numpy as np

from bptui.engine.spec import MINIBATCH, LayerSpec, Scenario
from bptui.errors import ScenarioError
from bptui.printable import printable

from . import schema as s
from .bits import same_as_start, same_scenario
from .dump import DataFile, dumps
from .loader import load_scenario
from .toml_text import SaveError as SaveError  # re-exported: callers catch it from here

_SAFE_STEM = re.compile(r"[^A-Za-z0-9_.-]+")
INLINE_DATA_LIMIT = 1 << 20  # bytes of inline data text above which a data file is referenced if there is one


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
    except ScenarioError:  # the loader raises nothing else (tests/scenario/test_scenario_fuzz.py)
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
