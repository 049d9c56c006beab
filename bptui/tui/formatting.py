"""How numbers are written in the panes: short for graph nodes, aligned columns for matrices."""

from __future__ import annotations

import math
import re

import numpy as np


def short(x: float, width: int = 6) -> str:
    """``x`` in at most ``width`` characters, right-aligned (graph nodes have little room)."""
    x = x + 0.0  # −0.0 (relu′ · negative) reads as a sign error; show it as 0
    if not math.isfinite(x):
        return f"{x!s:>{width}}"
    for decimals in range(width - 2, -1, -1):
        text = f"{x:.{decimals}f}"
        if len(text) <= width:
            if decimals == 0 and abs(x) >= 10 ** (width - 1):
                break
            return f"{text:>{width}}"
    for decimals in range(width, -1, -1):
        text = _short_exponent(f"{x:.{decimals}e}")
        if len(text) <= width:
            return f"{text:>{width}}"
    return "#" * width


def column_format(values: np.ndarray) -> str:
    """One format for all elements so columns line up: fixed point unless too big or too small."""
    finite = np.abs(values[np.isfinite(values)])
    nonzero = finite[finite > 0]
    if nonzero.size and (nonzero.max() >= 1e5 or nonzero.min() < 1e-4):
        return "{:.4e}"
    return "{:.6f}"


def cells(values: np.ndarray) -> list[str]:
    """Every element of ``values`` (flattened) in one shared format."""
    flat = np.asarray(values, dtype=float).ravel() + 0.0  # no "-0.000000"
    fmt = column_format(flat)
    return [fmt.format(v) if math.isfinite(v) else str(v) for v in flat]


def shown_indices(n: int, limit: int = 8) -> list[int | None]:
    """Indices drawn along an axis of ``n``: all up to ``limit``, else the first and last 3.

    ``None`` stands for the ones left out, so nothing is ever cut off silently.
    """
    return list(range(n)) if n <= limit else [0, 1, 2, None, n - 3, n - 2, n - 1]


def window(n: int, fit: int, focus: int = 0) -> list[int | None]:
    """Indices shown along an axis of ``n`` when ``fit`` slots fit: all, or a run around ``focus``.

    ``None`` marks the indices left out on either side (drawn ``…`` or ``⋮``, in room the caller
    keeps for them), so a cut is always visible; ``focus`` (the selected element) is always shown.
    """
    if n <= fit:
        return list(range(n))
    keep = max(1, fit)
    start = min(max(0, focus - keep // 2), n - keep)
    return ([None] if start > 0 else []) + list(range(start, start + keep)) + ([None] if start + keep < n else [])


def decimals_format(values: np.ndarray, digits: int) -> str:
    """One format for a matrix's shown elements: ``digits + 2`` decimals, scientific when needed.

    ``digits`` is the App's setting (4, 6, 8; 17 or more means every digit, ``repr``).
    """
    if digits >= 17:
        return "repr"
    finite = np.abs(values[np.isfinite(values)])
    nonzero = finite[finite > 0]
    if nonzero.size and (nonzero.max() >= 1e5 or nonzero.min() < 1e-4):
        return f"{{:.{digits}e}}"
    return f"{{:.{digits + 2}f}}"


def significant_format(digits: int) -> str:
    """``digits`` significant digits, trailing zeros kept (``0.06250``, ``-1.235e-5``): narrower cells
    than :func:`decimals_format`'s, for a value too wide to show whole. 17 or more: ``repr``."""
    return "repr" if digits >= 17 else f"#.{digits}g"


def _short_exponent(text: str) -> str:
    """``1.5e-05`` → ``1.5e-5``, ``2e+07`` → ``2e7``."""
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + m[1].replace("+", "") + m[2], text)


def cell_text(x: float, fmt: str) -> str:
    """``x`` in a format of :func:`decimals_format` or :func:`significant_format`."""
    x = float(x) + 0.0  # no "-0.000000"
    if not math.isfinite(x):
        return str(x)
    if fmt == "repr":
        return repr(x)
    if fmt.startswith("#"):  # no bare point: "123457." → "123457"
        return _short_exponent(format(x, fmt)).replace(".e", "e").rstrip(".")
    return fmt.format(x)


def fit_digits(x: float, digits: int, width: int) -> str:
    """``x`` with ``digits`` significant digits (17: every digit), fewer if it needs more than ``width``.

    The Network pane's boxes have a fixed width; a value that does not fit loses digits, not its
    magnitude (then :func:`short`).
    """
    x = x + 0.0
    if not math.isfinite(x):
        return str(x)[:width]
    if digits >= 17:
        text = repr(x)
        if len(text) <= width:
            return text
        digits = 16
    for d in range(max(1, digits), 0, -1):
        text = _short_exponent(f"{x:.{d}g}")
        if len(text) <= width:
            return text
    return short(x, width).strip()
