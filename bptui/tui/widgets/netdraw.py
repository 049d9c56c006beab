"""The Network pane's picture as character cells and style names: pure drawing, no Textual.

Neurons are boxes (or one-row brackets) holding their value, the targets and the loss stand beside
the output layer, column names head the columns; the edges between them come from
:mod:`.netedges`, the grid they are drawn on from :mod:`.netcells`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .netcells import Canvas
from .netcells import Run as Run  # re-exported: the pane draws with Canvas, Run, Scene, draw, legend
from .netedges import Edge, edge_level, edge_style, gap_cells
from .netedges import legend as legend
from .netlayout import Column, Geometry, Slot, marker_text

HOT = "reverse bold"
HOT_BORDER = "bold $text-accent"
BORDER = "$text-muted"
MUTED = "$text-muted"
LABEL = "bold $text-accent"


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
