"""The ``[data]`` table (docs/SPEC.md §3.4): inline rows, or a CSV / ``.npz`` file beside the scenario.

``test_samples = N`` holds the last N samples out as a test split: never trained on, only scored
(test accuracy, :mod:`bptui.engine.accuracy`). The split is the file's, stated in the scenario, so
a data file stays the data set as published (in its own order) and anyone can reproduce the split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bptui.engine.spec import LayerSpec

from . import schema as s
from .data import Widths, read_data_file
from .fields import Reader, plural
from .locate import KeyPath


def read_data(r: Reader, doc: dict, inputs: int, layers: tuple[LayerSpec, ...]) -> tuple[np.ndarray, np.ndarray]:
    at: KeyPath = ("data",)
    d = r.table(
        doc,
        (),
        "data",
        fix='add a [data] table with inputs = [[...]] and targets = [[...]] (one row per sample), or file = "data.csv"',
    )
    outputs = layers[-1].units
    if "file" in d:
        X, Y = _data_file(r, d, at, inputs, outputs)
    else:
        X, Y = _inline_data(r, d, at, inputs, outputs, len(layers))
    if len(X) != len(Y):
        r.fail(
            at + ("targets",),
            f"data has {len(X)} input rows but {len(Y)} target rows; give exactly one target row per sample",
        )
    return X, Y


def split_test(
    r: Reader, doc: dict, X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """(train inputs, train targets, test inputs, test targets): the last ``test_samples`` rows held out."""
    d = doc["data"]
    if "test_samples" not in d:
        return X, Y, None, None
    at: KeyPath = ("data", "test_samples")
    n = r.whole(d, ("data",), "data.test_samples")
    if n >= len(X):
        r.fail(
            at,
            f"data.test_samples is {n}, but the data has {plural(len(X), 'sample')}: at least one must be "
            f"left to train on; hold out fewer, e.g. test_samples = {max(1, len(X) // 5)}",
        )
    cut = len(X) - n
    return X[:cut].copy(), Y[:cut].copy(), X[cut:].copy(), Y[cut:].copy()


def _data_file(r: Reader, d: dict, at: KeyPath, inputs: int, outputs: int) -> tuple[np.ndarray, np.ndarray]:
    for key in ("inputs", "targets"):
        if key in d:
            r.fail(
                at + (key,),
                f"[data] gives both file and inline {key}; use one of them: remove {key} or remove file",
            )
    name = r.string(d, at, "file")
    if not name.strip():
        r.fail(at + ("file",), 'data.file is empty; name a .csv or .npz file, e.g. file = "points.csv"')
    file = Path(name)
    if not file.is_absolute():
        file = r.path.parent / file
    if "target_columns" in d:
        if file.suffix.lower() != ".csv":
            r.fail(at + ("target_columns",), "data.target_columns applies only to a .csv file; remove it")
        columns = r.whole(d, at, "data.target_columns")
        if columns != outputs:
            r.fail(
                at + ("target_columns",),
                f"data.target_columns is {columns}, but the last layer has "
                f"{plural(outputs, 'unit')}, one per target column; set "
                f"target_columns = {outputs}",
            )
    widths = Widths(inputs=inputs, outputs=outputs, scenario=r.path.name)
    return read_data_file(file, widths, lambda message: r.fail(at + ("file",), message))


def _inline_data(
    r: Reader, d: dict, at: KeyPath, inputs: int, outputs: int, depth: int
) -> tuple[np.ndarray, np.ndarray]:
    if "target_columns" in d:
        r.fail(at + ("target_columns",), "data.target_columns applies only to a .csv file; remove it")
    for key in ("inputs", "targets"):
        if key not in d:
            r.fail(
                at,
                f"data.{key} is missing; give inline inputs and targets (one row per sample), "
                f'or name a file with file = "data.csv"',
            )
    if isinstance(d["inputs"], list) and len(d["inputs"]) * (inputs + outputs) > s.MAX_DATA_NUMBERS:
        r.fail(
            at + ("inputs",),
            f"data holds more than {s.MAX_DATA_NUMBERS:,} numbers, the limit that keeps "
            f"memory use small; use fewer samples",
        )
    why = "more samples make every epoch slow"
    X = r.rows(d["inputs"], at + ("inputs",), "sample", inputs, f"network.inputs = {inputs}", s.MAX_SAMPLES, why)
    Y = r.rows(
        d["targets"],
        at + ("targets",),
        "sample",
        outputs,
        f"the last layer, layer {depth}, has {plural(outputs, 'unit')}",
        s.MAX_SAMPLES,
        why,
    )
    return X, Y
