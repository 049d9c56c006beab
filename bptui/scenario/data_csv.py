"""A CSV data file (``[data] file = "….csv"``): comma-separated numbers, one sample per line.

Bounded as :mod:`bptui.scenario.data` promises: each line is read with a bounded length and its
commas are counted before it is split; rows and numbers are counted as they come; rows of commas
or spaces only are skipped cheaply and refused after ``MAX_BLANK_ROWS`` in a row. A cell is a
number exactly when TOML would read it as one (ASCII digits, sign, point, exponent).
"""

from __future__ import annotations

import csv
import io
import math
import re
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np

from bptui.errors import ScenarioError

from .fields import shown
from .limits import MAX_BLANK_ROWS, MAX_CSV_LINE, MAX_DATA_NUMBERS, MAX_SAMPLES

if TYPE_CHECKING:
    from .data import Widths

# unambiguous, so a failed match backtracks in linear time: `[0-9]+\.?[0-9]*` took 18 s on a cell of
# 20,000 digits and an x (each split of the digits between the two repeats was tried)
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_CELL_SPACE = " \t"
_BLANK_ROW = _CELL_SPACE + ",\r\n"


def read_csv(handle: BinaryIO, file: Path, widths: Widths) -> tuple[np.ndarray, np.ndarray]:
    """Comma-separated numbers, one sample per line; the first line may be a header of names.

    Each line is read with a bounded length and split only after its commas are counted, so a
    file of nothing but commas costs one line's worth of memory before it is refused.
    """
    width = widths.inputs + widths.outputs
    numbers = array("d")
    rows = line_no = blank = 0
    first = True
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        while True:
            line = text.readline(MAX_CSV_LINE + 1)
            if not line:
                break
            line_no += 1
            if len(line) > MAX_CSV_LINE:
                raise ScenarioError(
                    file,
                    f"this line is longer than {MAX_CSV_LINE:,} characters; write one "
                    f"sample per line: {widths.inputs} inputs then {widths.outputs} targets",
                    line_no,
                )
            columns = line.count(",") + 1
            if columns > width and not first:
                raise _columns(file, columns, widths, line_no)
            if not line.strip(_BLANK_ROW):  # commas and spaces only: no need for the csv module
                blank += 1
            else:
                cells = [c.strip(_CELL_SPACE + "\r\n") for c in next(csv.reader([line]), [])]
                if any(cells):
                    blank = 0
                else:
                    blank += 1
            if blank:
                if blank > MAX_BLANK_ROWS:
                    raise ScenarioError(
                        file,
                        f"has more than {MAX_BLANK_ROWS:,} empty rows in a row (commas or spaces "
                        f"only); remove them: each line is one sample",
                        line_no,
                    )
                continue
            values = _floats(cells)
            if isinstance(values, int) and first:  # a header row of column names
                first = False
                continue
            first = False
            if len(cells) != width:
                raise _columns(file, len(cells), widths, line_no)
            if isinstance(values, int):
                raise ScenarioError(
                    file,
                    f"column {values + 1} is {shown(cells[values], 40)}, which is not "
                    f"a number; only the first row may hold column names",
                    line_no,
                )
            bad = next((j for j, v in enumerate(values) if not math.isfinite(v)), None)
            if bad is not None:
                raise ScenarioError(
                    file,
                    f"column {bad + 1} is {shown(cells[bad], 40)}; only finite numbers "
                    f"are allowed, replace it with a real value",
                    line_no,
                )
            rows += 1
            if rows > MAX_SAMPLES or rows * width > MAX_DATA_NUMBERS:
                raise ScenarioError(
                    file,
                    f"too much data: more than {MAX_SAMPLES} samples or "
                    f"{MAX_DATA_NUMBERS} numbers, the limits that keep memory "
                    f"use small; use fewer samples",
                    line_no,
                )
            numbers.extend(values)
    except UnicodeDecodeError:
        raise ScenarioError(file, "is not UTF-8 text; save the CSV file as UTF-8", line_no + 1) from None
    except csv.Error as e:
        raise ScenarioError(
            file, f"is not a valid CSV file ({e}); write plain comma-separated numbers", line_no
        ) from None
    finally:
        text.detach()
    if rows == 0:
        raise ScenarioError(
            file,
            f"has no data rows; add one line per sample: {widths.inputs} input "
            f"values then {widths.outputs} target values, separated by commas",
        )
    table = np.frombuffer(numbers, dtype=np.float64).reshape(rows, width)
    return table[:, : widths.inputs].copy(), table[:, widths.inputs :].copy()


def _columns(file: Path, found: int, widths: Widths, line: int) -> ScenarioError:
    width = widths.inputs + widths.outputs
    return ScenarioError(
        file,
        f"this row has {found:,} columns, but each row needs {width}: "
        f"{widths.inputs} inputs then {widths.outputs} targets ({widths.why()})",
        line,
    )


def _floats(cells: list[str]) -> list[float] | int:
    """The cells as numbers, or the index of the first cell that is not one.

    A number is what TOML reads as one (plus ``.5`` and ``5.``, which spreadsheets write):
    ``float()`` alone would also take ``١٢``, ``１`` and ``1_000``.
    """
    out = []
    for j, cell in enumerate(cells):
        if _NUMBER.fullmatch(cell) or _NON_FINITE.fullmatch(cell):
            out.append(float(cell))
        else:
            return j
    return out
