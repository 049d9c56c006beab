"""A scenario as TOML text (``ctrl+s`` writes it; :mod:`.writer` checks and places the file).

Every layer with explicit ``weights`` writes them in the file's convention, and its ``biases``;
``[init]`` is written only for a layer without (then drawn). Data goes inline unless a
:class:`DataFile` is given; fields a newer format adds are written when not at their default.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np

from bptui.engine.spec import MINIBATCH, Expectation, LayerSpec, Scenario, TrainingSpec
from bptui.printable import printable

from . import schema as s
from .toml_text import toml_float, toml_key, toml_matrix, toml_string, toml_value

_HANDLED_TOP = ("title", "description", "source")  # written first; network/init/data/training/expect are tables
_HANDLED_LAYER = ("units", "activation", "slope", "bias", "weights", "biases", "velocities", "bias_velocities")
_CORE_TRAINING = ("loss", "reduction", "learning_rate", "mode", "epochs")  # always written
_MINIBATCH_ONLY = ("batch_size", "shuffle", "first_epoch")


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
            out += toml_matrix("weights", np.atleast_2d(np.asarray(layer.weights, dtype=np.float64)))
        if layer.bias and layer.biases is not None:
            out.append(f"biases = {toml_value(np.asarray(layer.biases, dtype=np.float64).ravel())}")
        if scenario.training.momentum and layer.velocities is not None:
            out += toml_matrix("velocities", np.atleast_2d(np.asarray(layer.velocities, dtype=np.float64)))
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
    return toml_matrix("inputs", X) + toml_matrix("targets", T) + _test_lines(sc)


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
