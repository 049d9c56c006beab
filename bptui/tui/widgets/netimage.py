"""The input ``a0`` of an image data set drawn as a small picture: pure, no Textual.

Sixty-four inputs cannot each get a neuron on screen, but an 8×8 digit reads at a glance: the
Network pane summarises the input column (``⋮ 55 more``) and draws the sample shown as a picture
under the network. Each character cell holds two pixels, one above the other (``▀`` in the top
pixel's shade on the bottom pixel's), so the pixels are square and 8×8 inputs take 8×4 cells.
With ``--ascii`` each cell is one character of a ramp for the brighter of its two pixels.

Shades run from black (the smallest of 0 and the lowest input) to white (the largest of 1 and the
highest input): inputs scaled to 0..1 are drawn on a fixed scale, so two samples compare.
"""

from __future__ import annotations

import math

import numpy as np

Run = tuple[str, str]  # text, style

MIN_SIDE, MAX_SIDE = 8, 16  # 64 to 256 inputs: 8×4 to 16×8 cells; fewer are drawn as neurons
ASCII_RAMP = " .:-=+*#%@"


def image_side(inputs: int) -> int:
    """The side of the square picture ``inputs`` values make, or 0 when they are not one."""
    side = math.isqrt(inputs)
    return side if side * side == inputs and MIN_SIDE <= side <= MAX_SIDE else 0


def _grey(level: float) -> str:
    v = round(255 * min(max(level, 0.0), 1.0))
    return f"#{v:02x}{v:02x}{v:02x}"


def image_rows(values: np.ndarray | None, side: int, ascii_only: bool = False) -> list[list[Run]]:
    """``side`` × ``side`` values (row by row) as ``side / 2`` rows of ``side`` cells."""
    rows = (side + 1) // 2
    if values is None or np.size(values) != side * side:
        return [[("·" * side if not ascii_only else "." * side, "$text-muted")] for _ in range(rows)]
    v = np.asarray(values, dtype=float).reshape(side, side)
    finite = v[np.isfinite(v)]
    lo = min(0.0, float(finite.min())) if finite.size else 0.0
    hi = max(1.0, float(finite.max())) if finite.size else 1.0
    level = np.where(np.isfinite(v), (v - lo) / (hi - lo), 1.0)
    if side % 2:
        level = np.vstack([level, np.zeros((1, side))])
    out: list[list[Run]] = []
    for r in range(rows):
        top, bottom = level[2 * r], level[2 * r + 1]
        if ascii_only:
            text = "".join(
                ASCII_RAMP[min(len(ASCII_RAMP) - 1, int(max(a, b) * len(ASCII_RAMP)))] for a, b in zip(top, bottom)
            )
            out.append([(text, "")])
        else:
            out.append([("▀", f"{_grey(a)} on {_grey(b)}") for a, b in zip(top, bottom)])
    return out
