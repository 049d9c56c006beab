"""The Network picture's edges: their style by weight, and their cells, without Textual.

Edges are straight lines between neurons, drawn in braille dots (2 × 4 per cell) or, with
``--ascii``, in ``- / \\ |``. The sign reads without colour: a positive weight is a solid line, a
negative one a dotted line (``.`` in ASCII); the colour says it again (blue +, orange −, two
hues that stay apart in 16 colours) and the weight's size relative to the layer's largest sets
the shade (dim, plain, bold). Where edges cross, the cell takes the style of the strongest one;
the selected parameter's edge is drawn last, in reverse video.
"""

from __future__ import annotations

import math
from functools import lru_cache

from .netcells import Run

# Two hues per sign, shades that all stay blue (bright blue, ANSI 12) or orange (bright red, 9)
# when a 16-colour terminal downgrades them; the levels are weak, medium, strong.
POSITIVE = ("dim #3b8eea", "#4a90d9", "bold #5aa9ff")
NEGATIVE = ("dim #e69138", "#f0883e", "bold #ffa040")
NONFINITE = "bold reverse $text-warning"
SELECTED = "reverse bold"


def edge_level(w: float, largest: float) -> int:
    """0 weak, 1 medium, 2 strong (relative to the layer's largest weight); 3 not finite."""
    if not math.isfinite(w):
        return 3
    r = abs(w) / largest if largest > 0 else 0.0
    return 2 if r > 2 / 3 else (1 if r > 1 / 3 else 0)


def edge_style(w: float, level: int) -> str:
    if level == 3:
        return NONFINITE
    return (POSITIVE if w >= 0 else NEGATIVE)[level]


_BRAILLE_BIT = {
    (0, 0): 0x01,
    (0, 1): 0x02,
    (0, 2): 0x04,
    (1, 0): 0x08,
    (1, 1): 0x10,
    (1, 2): 0x20,
    (0, 3): 0x40,
    (1, 3): 0x80,
}


def _bresenham(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    points = []
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
    err = dx + dy
    while True:
        points.append((x0, y0))
        if x0 == x1 and y0 == y1:
            return points
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy


Edge = tuple[int, int, int, int, bool, str, float]  # src row, dst row, sign, level, selected, style, |w|


@lru_cache(maxsize=128)
def gap_cells(x0: int, x1: int, edges: tuple[Edge, ...], ascii_only: bool) -> tuple[tuple[int, int, str, str], ...]:
    """The cells of the edges between column cells ``x0`` and ``x1`` (inclusive): (x, y, char, style).

    Cached: a micro-step that changes no weight redraws the same edges for free."""
    owner: dict[tuple[int, int], tuple] = {}  # cell → (priority, style)
    bits: dict[tuple[int, int], int] = {}
    chars: dict[tuple[int, int], str] = {}
    for ys, yt, sign, level, selected, style, mag in edges:
        priority = (selected, level, mag)
        if ascii_only:
            pts = _bresenham(x0, ys, x1, yt)
            for k, (x, y) in enumerate(pts):
                nx, ny = pts[k + 1] if k + 1 < len(pts) else (x + 1, y)
                px, py = pts[k - 1] if k else (x - 1, y)
                dy = ny - py
                if sign < 0:
                    ch = ":" if x == nx == px else "."
                else:
                    ch = "|" if x == nx == px else ("-" if dy == 0 else ("\\" if dy > 0 else "/"))
                key = (x, y)
                if key not in owner or priority > owner[key][0]:
                    owner[key] = (priority, SELECTED + " " + style if selected else style)
                    chars[key] = ch
        else:
            pts = _bresenham(2 * x0, 4 * ys + 1, 2 * x1 + 1, 4 * yt + 1)
            for k, (dx, dy) in enumerate(pts):
                if sign < 0 and k % 2 and not selected:
                    continue  # dotted: a negative weight
                key = (dx // 2, dy // 4)
                bits[key] = bits.get(key, 0) | _BRAILLE_BIT[(dx % 2, dy % 4)]
                if key not in owner or priority > owner[key][0]:
                    owner[key] = (priority, SELECTED + " " + style if selected else style)
            for key, b in bits.items():
                chars[key] = chr(0x2800 + b)
    return tuple((x, y, chars[(x, y)], owner[(x, y)][1]) for (x, y) in owner)


def legend(ascii_only: bool) -> list[Run]:
    """What the lines mean, drawn with the same glyphs and styles as the edges."""
    if ascii_only:
        return [
            ("--", POSITIVE[2]),
            (" w>0  ", ""),
            ("..", NEGATIVE[2]),
            (" w<0  ", ""),
            ("bold", "bold"),
            ("/", ""),
            ("dim", "dim"),
            (" = large/small |w|", ""),
        ]
    return [
        ("⠒⠒", POSITIVE[2]),
        (" w>0  ", ""),
        ("⠂⠂", NEGATIVE[2]),
        (" w<0  ", ""),
        ("bold", "bold"),
        ("/", ""),
        ("dim", "dim"),
        (" = large/small |w|", ""),
    ]
