"""The Network pane's picture as character cells and style names: pure drawing, no Textual.

Edges are straight lines between neurons, drawn in braille dots (2 × 4 per cell) or, with
``--ascii``, in ``- / \\ |``. The sign reads without colour: a positive weight is a solid line, a
negative one a dotted line (``.`` in ASCII); the colour says it again (blue +, orange −, two
hues that stay apart in 16 colours) and the weight's size relative to the layer's largest sets
the shade (dim, plain, bold). Where edges cross, the cell takes the style of the strongest one;
the selected parameter's edge is drawn last, in reverse video.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .netlayout import Column, Geometry, Slot, marker_text

# Two hues per sign, shades that all stay blue (bright blue, ANSI 12) or orange (bright red, 9)
# when a 16-colour terminal downgrades them; the levels are weak, medium, strong.
POSITIVE = ("dim #3b8eea", "#4a90d9", "bold #5aa9ff")
NEGATIVE = ("dim #e69138", "#f0883e", "bold #ffa040")
NONFINITE = "bold reverse $text-warning"
SELECTED = "reverse bold"
HOT = "reverse bold"
HOT_BORDER = "bold $text-accent"
BORDER = "$text-muted"
MUTED = "$text-muted"
LABEL = "bold $text-accent"

Cell = tuple[str, str]  # character, style
Run = tuple[str, str]  # text, style


@dataclass(frozen=True)
class Glyphs:
    tl: str
    tr: str
    bl: str
    br: str
    h: str
    v: str
    join_in: str  # a box side where edges come in
    join_out: str  # a box side where edges leave
    line_l: str  # a one-row neuron's left side
    line_r: str
    fwd: str  # the arrowhead of a forward step
    back: str  # the arrowhead of a backward step
    none: str  # a value not computed yet
    ellipsis: str


UNICODE = Glyphs("╭", "╮", "╰", "╯", "─", "│", "┤", "├", "┤", "├", "▸", "◂", "·", "…")
ASCII = Glyphs("+", "+", "+", "+", "-", "|", "|", "|", "[", "]", ">", "<", ".", "~")


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


# --- edges ---------------------------------------------------------------------------------------

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


# --- the scene -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """What the picture shows, already reduced to one number per unit (a sample or the batch mean)."""

    sizes: tuple[int, ...]
    names: tuple[str, ...]  # per column: the value shown (``a1`` or ``dz1``)
    shown: tuple[np.ndarray | None, ...]  # per column: the values named by ``names``
    a: tuple[np.ndarray | None, ...]  # per column: activations (tall boxes show both)
    dz: tuple[np.ndarray | None, ...]
    weights: tuple[np.ndarray | None, ...]  # per layer l (index l−1): W as (inputs, units)
    targets: np.ndarray | None
    loss: float | None
    phase: str  # start, forward, loss, backward, update
    hot: int | None  # the layer the last step computed
    selected: tuple[int, int | None, int] | None  # (layer, input unit or None for the bias, unit)
    labels: tuple[str, ...]  # per column, the header (``a1 relu``)
    tall_labels: tuple[str, ...] = ()  # the header over tall boxes, which show both a and dz (``1 relu``)
    classes: bool = False  # a classifier: each output unit is a class, labelled by its number
    predicted: int | None = None  # the class the output says (its largest unit), marked beside it


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells: list[list[Cell]] = [[(" ", "")] * width for _ in range(height)]

    def put(self, x: int, y: int, text: str, style: str = "") -> None:
        if not 0 <= y < self.height:
            return
        row = self.cells[y]
        for k, ch in enumerate(text):
            if 0 <= x + k < self.width:
                row[x + k] = (ch, style)

    def runs(self, y: int) -> list[Run]:
        """Row ``y`` as runs of one style (fewer style changes, fewer bytes to the terminal)."""
        out: list[Run] = []
        text, style = "", None
        for ch, st in self.cells[y]:
            if st == style:
                text += ch
            else:
                if text:
                    out.append((text, style or ""))
                text, style = ch, st
        if text:
            out.append((text, style or ""))
        return out


Format = Callable[[float, int], str]  # (value, width) → text of at most width characters


def _value(vec: np.ndarray | None, unit: int, width: int, fmt: Format, g: Glyphs) -> str:
    if vec is None:
        return f"{g.none:^{width}}"
    return f"{fmt(float(vec[unit]), width):^{width}}"


def _fit(text: str, width: int, g: Glyphs) -> str:
    """``text`` in ``width`` cells; shortened with an ellipsis, never cut silently."""
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + g.ellipsis if width > 0 else ""


def draw(scene: Scene, geo: Geometry, value_width: int, fmt: Format, ascii_only: bool = False) -> Canvas:
    """The picture of ``scene`` laid out by ``geo``."""
    g = ASCII if ascii_only else UNICODE
    cv = Canvas(geo.width, geo.height)
    sel = scene.selected
    _edges(cv, scene, geo, ascii_only)
    for c, col in enumerate(geo.columns):
        hot = scene.hot == c and scene.phase in ("forward", "backward")
        for slot in col.slots:
            if slot.unit is None:
                cv.put(col.x, slot.y, f"{marker_text(slot.hidden, ascii_only):^{col.width}}", MUTED)
                continue
            chosen = sel is not None and (
                (c == sel[0] and slot.unit == sel[2]) or (c == sel[0] - 1 and slot.unit == sel[1])
            )
            _node(cv, scene, geo, c, col, slot, hot, chosen, value_width, fmt, g)
            first, last = _node_span(geo, col)
            if hot and scene.phase == "forward" and c > 0:
                cv.put(first - 1, slot.anchor, g.fwd, HOT_BORDER)
            if scene.phase == "backward" and scene.hot == c + 1:
                cv.put(last + 1, slot.anchor, g.back, HOT_BORDER)
    _annex(cv, scene, geo, value_width, fmt, g)
    _header(cv, scene, geo, g)
    return cv


def _node(
    cv: Canvas,
    scene: Scene,
    geo: Geometry,
    c: int,
    col: Column,
    slot: Slot,
    hot: bool,
    chosen: bool,
    vw: int,
    fmt: Format,
    g: Glyphs,
) -> None:
    L = geo.depth
    x, y, j = col.x, slot.y, slot.unit
    assert j is not None  # a node slot, not the "⋮ N more" one
    pad = col.width - geo.node_width
    x += pad // 2
    border = HOT_BORDER if hot else BORDER
    value_style = HOT if hot else ""
    if chosen:
        border = "bold underline $text-warning"
        value_style = (value_style + " underline").strip()
    left = g.join_in if c > 0 else g.v
    right = g.join_out if c < L else g.v
    inner = geo.node_width - 2
    if geo.shape == "line":
        if g is ASCII:
            left, right = "[", "]"
        else:
            left, right = (g.line_l if c > 0 else g.v), (g.line_r if c < L else g.v)
        cv.put(x, y, left, border)
        cv.put(x + 1, y, _value(scene.shown[c], j, vw, fmt, g), value_style)
        cv.put(x + 1 + vw, y, right, border)
        return
    name = f"[{j}]" if geo.shape == "tall" else f"{scene.names[c]}[{j}]"
    label = name if len(name) <= inner else ""
    cv.put(x, y, g.tl + label + g.h * (inner - len(label)) + g.tr, border)
    if geo.shape == "box":
        cv.put(x, y + 1, left, border)
        cv.put(x + 1, y + 1, _value(scene.shown[c], j, vw, fmt, g), value_style)
        cv.put(x + 1 + vw, y + 1, right, border)
        cv.put(x, y + 2, g.bl + g.h * inner + g.br, border)
        return
    # tall: a and dz, like micrograd's data | grad
    a_style = value_style if scene.phase not in ("backward", "update") else ""
    d_style = value_style if scene.phase in ("backward", "update") else ""
    cv.put(x, y + 1, left, border)
    cv.put(x + 1, y + 1, "a  ", MUTED)
    cv.put(x + 4, y + 1, _value(scene.a[c], j, vw, fmt, g), a_style)
    cv.put(x + 4 + vw, y + 1, right, border)
    cv.put(x, y + 2, g.v, border)
    cv.put(x + 1, y + 2, "dz " if c > 0 else "   ", MUTED)
    cv.put(x + 4, y + 2, _value(scene.dz[c], j, vw, fmt, g) if c > 0 else " " * vw, d_style)
    cv.put(x + 4 + vw, y + 2, g.v, border)
    cv.put(x, y + 3, g.bl + g.h * inner + g.br, border)


def _node_span(geo: Geometry, col: Column) -> tuple[int, int]:
    """First and last cell of a column's neurons (narrower than the column when a marker is wide)."""
    x = col.x + (col.width - geo.node_width) // 2
    return x, x + geo.node_width - 1


def _edges(cv: Canvas, scene: Scene, geo: Geometry, ascii_only: bool) -> None:
    sel = scene.selected
    for l in range(1, geo.depth + 1):
        W = scene.weights[l - 1]
        if W is None:
            continue
        src, dst = geo.columns[l - 1], geo.columns[l]
        x0 = _node_span(geo, src)[1] + 1
        x1 = _node_span(geo, dst)[0] - 1
        if x1 < x0:
            continue
        finite = np.abs(W[np.isfinite(W)])
        largest = float(finite.max()) if finite.size else 0.0
        edges: list[Edge] = []
        for s in src.slots:
            if s.unit is None:
                continue
            for t in dst.slots:
                if t.unit is None:
                    continue
                w = float(W[s.unit, t.unit])
                level = edge_level(w, largest)
                chosen = sel is not None and sel[0] == l and sel[1] == s.unit and sel[2] == t.unit
                edges.append(
                    (
                        s.anchor,
                        t.anchor,
                        -1 if w < 0 else 1,
                        level,
                        chosen,
                        edge_style(w, level),
                        abs(w) if math.isfinite(w) else math.inf,
                    )
                )
        for x, y, ch, style in gap_cells(x0, x1, tuple(edges), ascii_only):
            cv.put(x, y, ch, style)


def _annex(cv: Canvas, scene: Scene, geo: Geometry, vw: int, fmt: Format, g: Glyphs) -> None:
    """The targets beside the output units, and the loss under them."""
    annex = geo.annex
    if annex is None:
        return
    out = geo.columns[-1]
    for slot in annex.slots:
        if slot.unit is None:
            cv.put(annex.x, slot.y, marker_text(slot.hidden, g is ASCII), MUTED)
            continue
        x = annex.x
        if scene.classes:  # the class each output unit stands for, the predicted one marked
            width = class_label_width(scene.sizes[-1])  # as the layout reserved it
            chosen = slot.unit == scene.predicted
            cv.put(x, slot.y, f"{slot.unit:>{width - 2}}" + (g.back if chosen else " "), HOT if chosen else LABEL)
            x += width
        cv.put(x, slot.y, "t ", MUTED)
        cv.put(x + 2, slot.y, _value(scene.targets, slot.unit, vw, fmt, g), MUTED)
    if scene.phase == "loss":
        for slot in out.slots:
            if slot.unit is not None:
                cv.put(_node_span(geo, out)[1] + 1, slot.anchor, g.fwd, HOT_BORDER)
    last = max(s.y for s in annex.slots)
    first = min(s.y for s in annex.slots)
    row = last + 1 if last + 1 < geo.top + geo.rows else first - 1
    if row >= geo.top:
        text = "loss " + (g.none if scene.loss is None else fmt(scene.loss, vw).strip())
        cv.put(annex.x, row, _fit(text, cv.width - annex.x, g), HOT if scene.phase == "loss" else "bold")


def class_label_width(units: int) -> int:
    """Cells before a classifier's ``t``: the class number, the predicted mark and a space."""
    return len(str(max(units - 1, 0))) + 2


def _header(cv: Canvas, scene: Scene, geo: Geometry, g: Glyphs) -> None:
    """Column names over the columns, ``W1`` … over the gaps, the hot one reversed.

    With the activations (``a1 relu``) if every label fits whole, else the names alone (``a1``)."""
    if geo.shape == "tall" and scene.tall_labels:
        choices = (
            scene.tall_labels,
            tuple(t.rsplit(" ", 1)[0] for t in scene.tall_labels),
            tuple(t.replace("layer ", "L").split()[0] for t in scene.tall_labels),
        )
    else:
        choices = (scene.labels, scene.names, scene.names)
    for labels in choices:
        placed = _place_labels(cv.width, scene, geo, labels, g)
        if all(shown == text for _, _, text, shown, _ in placed):
            break
    for start, _c, _text, shown, style in placed:
        cv.put(start, 0, shown, style)


def _place_labels(width: int, scene: Scene, geo: Geometry, labels: tuple[str, ...], g: Glyphs) -> list:
    wanted: list[tuple[int, int, str, str]] = []
    for c, col in enumerate(geo.columns):
        hot = scene.hot == c and scene.phase in ("forward", "backward")
        text = labels[c]
        if hot:
            text = (g.fwd if scene.phase == "forward" else g.back) + text
        wanted.append((col.x + col.width // 2, c, text, ("reverse " if hot else "") + LABEL))
        if c > 0:
            prev = geo.columns[c - 1]
            mid = (prev.right + col.x) // 2
            hot_gap = (scene.hot == c and scene.phase in ("forward", "backward")) or scene.phase == "update"
            chosen = scene.selected is not None and scene.selected[0] == c
            style = ("reverse " if hot_gap else "") + ("bold underline $text-warning" if chosen else "$text-accent")
            wanted.append((mid, c, f"W{c}", style))
    if geo.annex is not None:
        wanted.append((geo.annex.x + 1, geo.depth + 1, "t", MUTED))
    wanted.sort()
    placed, end = [], 0
    for i, (centre, c, text, style) in enumerate(wanted):
        nxt = wanted[i + 1][0] - (len(wanted[i + 1][2]) // 2) - 1 if i + 1 < len(wanted) else width
        start = max(end, min(centre - len(text) // 2, nxt - len(text)))
        room = max(0, min(width, nxt) - start)
        shown = _fit(text, room, g)
        placed.append((start, c, text, shown, style))
        end = start + len(shown) + 1
    return placed


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
