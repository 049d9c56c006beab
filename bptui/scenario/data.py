"""Training data from a file named by ``[data] file`` (SPEC 3.4): CSV or ``.npz``.

Sizes are checked before anything big is allocated: the file size first, then for CSV a running
count of rows and numbers, for ``.npz`` the array shapes from the ``.npy`` headers inside the zip.
``.npz`` files are read with ``allow_pickle=False``: a data file never runs code.

Problems with the file as a whole (missing, a directory, too big) are reported by the caller at
the ``file =`` line of the scenario; problems inside the file are reported at the data file itself
(with the CSV line number).
"""
from __future__ import annotations

import csv
import math
import zipfile
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import numpy as np
from numpy.lib import format as npy_format

from bptui.errors import ScenarioError

from .fields import plural, shown
from .schema import DATA_SUFFIXES, MAX_DATA_FILE_BYTES, MAX_DATA_NUMBERS, MAX_SAMPLES, NPZ_ARRAYS

_SAVE_HINT = "save it with numpy.savez(path, inputs=X, targets=Y), one row per sample"


@dataclass(frozen=True)
class Widths:
    """How wide each sample must be, and where those widths come from (for messages)."""

    inputs: int  # network.inputs
    outputs: int  # units of the last layer
    scenario: str  # the scenario file's name

    def why(self) -> str:
        return (f"network.inputs = {self.inputs} and the last layer's units = {self.outputs} "
                f"in {self.scenario}")


def read_data_file(file: Path, widths: Widths, complain: Callable[[str], NoReturn]) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets) as float64 ``(samples, width)`` arrays, checked against ``widths``."""
    if not file.exists():
        complain(f"data.file: there is no file {shown(str(file))}; the path is relative to the scenario "
                 f"file's folder, check its spelling")
    if not file.is_file():
        complain(f"data.file: {shown(str(file))} is a directory, not a file; name a .csv or .npz file")
    if file.suffix.lower() not in DATA_SUFFIXES:
        complain(f"data.file: {shown(file.name)} must end in .csv (last columns are the targets) or .npz "
                 f"(arrays named inputs and targets)")
    try:
        size = file.stat().st_size
    except OSError as e:
        complain(f"data.file: cannot read {shown(str(file))} ({e.strerror}); check its permissions")
    if size > MAX_DATA_FILE_BYTES:
        complain(f"data.file: {shown(file.name)} is {size / 2**20:.0f} MiB, more than the limit of "
                 f"{MAX_DATA_FILE_BYTES // 2**20} MiB; use fewer samples")
    try:
        if file.suffix.lower() == ".csv":
            inputs, targets = _read_csv(file, widths)
        else:
            inputs, targets = _read_npz(file, widths)
    except OSError as e:
        complain(f"data.file: cannot read {shown(str(file))} ({e.strerror or e}); check its permissions")
    _check_finite(file, inputs, "inputs")
    _check_finite(file, targets, "targets")
    return inputs, targets


def _read_csv(file: Path, widths: Widths) -> tuple[np.ndarray, np.ndarray]:
    """Comma-separated numbers, one sample per line; the first line may be a header of names."""
    width = widths.inputs + widths.outputs
    numbers = array("d")
    rows = 0
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            first = True
            for row in reader:
                cells = [c.strip() for c in row]
                if not any(cells):
                    continue
                values = _floats(cells)
                if isinstance(values, int) and first:  # a header row of column names
                    first = False
                    continue
                first = False
                line = reader.line_num
                if len(cells) != width:
                    raise ScenarioError(file, f"this row has {len(cells)} columns, but each row needs "
                                              f"{width}: {widths.inputs} inputs then {widths.outputs} "
                                              f"targets ({widths.why()})", line)
                if isinstance(values, int):
                    raise ScenarioError(file, f"column {values + 1} is {shown(cells[values], 40)}, which is not "
                                              f"a number; only the first row may hold column names", line)
                bad = next((j for j, v in enumerate(values) if not math.isfinite(v)), None)
                if bad is not None:
                    raise ScenarioError(file, f"column {bad + 1} is {shown(cells[bad], 40)}; only finite numbers "
                                              f"are allowed, replace it with a real value", line)
                rows += 1
                if rows > MAX_SAMPLES or rows * width > MAX_DATA_NUMBERS:
                    raise ScenarioError(file, f"too much data: more than {MAX_SAMPLES} samples or "
                                              f"{MAX_DATA_NUMBERS} numbers, the limits that keep memory "
                                              f"use small; use fewer samples", line)
                numbers.extend(values)
    except UnicodeDecodeError:
        raise ScenarioError(file, "is not UTF-8 text; save the CSV file as UTF-8") from None
    except csv.Error as e:
        raise ScenarioError(file, f"is not a valid CSV file ({e}); write plain comma-separated numbers",
                            reader.line_num) from None
    if rows == 0:
        raise ScenarioError(file, f"has no data rows; add one line per sample: {widths.inputs} input "
                                  f"values then {widths.outputs} target values, separated by commas")
    table = np.frombuffer(numbers, dtype=np.float64).reshape(rows, width)
    return table[:, :widths.inputs].copy(), table[:, widths.inputs:].copy()


def _floats(cells: list[str]) -> list[float] | int:
    """The cells as numbers, or the index of the first cell that is not one."""
    out = []
    for j, cell in enumerate(cells):
        try:
            out.append(float(cell))
        except ValueError:
            return j
    return out


def _read_npz(file: Path, widths: Widths) -> tuple[np.ndarray, np.ndarray]:
    """Arrays ``inputs`` and ``targets``, shapes checked from their headers before loading."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.namelist()
            for name in NPZ_ARRAYS:
                if f"{name}.npy" not in members:
                    found = ", ".join(m.removesuffix(".npy") for m in members) or "nothing"
                    raise ScenarioError(file, f"has no array named {name!r} (it holds: {found}); {_SAVE_HINT}")
            shapes = {name: _npy_shape(file, archive, name) for name in NPZ_ARRAYS}
    except (zipfile.BadZipFile, EOFError):
        raise ScenarioError(file, f"is not a valid .npz file (not a readable zip archive); {_SAVE_HINT}") from None
    _check_shapes(file, shapes, widths)
    try:
        with np.load(file, allow_pickle=False) as npz:
            return tuple(np.asarray(npz[name], dtype=np.float64) for name in NPZ_ARRAYS)  # type: ignore[return-value]
    except (ValueError, EOFError, zipfile.BadZipFile) as e:
        raise ScenarioError(file, f"could not be read ({e}); {_SAVE_HINT}") from None


def _npy_shape(file: Path, archive: zipfile.ZipFile, name: str) -> tuple[int, ...]:
    """The shape in an ``.npy`` member's header; refuses non-numeric dtypes such as objects."""
    with archive.open(f"{name}.npy") as member:
        try:
            version = npy_format.read_magic(member)
            read_header = npy_format.read_array_header_1_0 if version == (1, 0) else npy_format.read_array_header_2_0
            shape, _, dtype = read_header(member)
        except (ValueError, SyntaxError, TypeError) as e:
            raise ScenarioError(file, f"array {name!r} is not a valid .npy array ({e}); save it with "
                                      f"numpy.savez") from None
    if dtype.hasobject or dtype.kind not in "biuf":
        raise ScenarioError(file, f"array {name!r} holds {dtype} values, but it must hold numbers; "
                                  f"convert it with .astype(float) before saving")
    return tuple(int(n) for n in shape)


def _check_shapes(file: Path, shapes: dict[str, tuple[int, ...]], widths: Widths) -> None:
    want = {"inputs": widths.inputs, "targets": widths.outputs}
    for name, shape in shapes.items():
        if len(shape) != 2:
            raise ScenarioError(file, f"array {name!r} has shape {shape}, but it must be 2-D "
                                      f"(samples, {want[name]}); reshape it with x.reshape(len(x), -1)")
        if shape[1] != want[name]:
            raise ScenarioError(file, f"array {name!r} has shape {shape}, but each sample needs "
                                      f"{plural(want[name], 'value')} ({widths.why()})")
    samples = shapes["inputs"][0]
    if samples == 0:
        raise ScenarioError(file, f"array 'inputs' has no samples; {_SAVE_HINT}")
    if samples > MAX_SAMPLES or samples * (widths.inputs + widths.outputs) > MAX_DATA_NUMBERS:
        raise ScenarioError(file, f"holds {samples} samples of {widths.inputs} + {widths.outputs} "
                                  f"values, more than the limits of {MAX_SAMPLES} samples and "
                                  f"{MAX_DATA_NUMBERS} numbers; use fewer samples")
    if shapes["targets"][0] != samples:
        raise ScenarioError(file, f"has {samples} rows of inputs but {shapes['targets'][0]} rows of "
                                  f"targets; give one target row per sample")


def _check_finite(file: Path, values: np.ndarray, name: str) -> None:
    bad = np.argwhere(~np.isfinite(values))
    if bad.size:
        r, c = (int(i) for i in bad[0])
        raise ScenarioError(file, f"{name} of sample {r + 1}, column {c + 1} is {values[r, c]}; only "
                                  f"finite numbers are allowed, replace it with a real value")
