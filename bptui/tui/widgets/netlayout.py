"""Where the Network pane puts each neuron: pure geometry, no Textual, so it can be tested alone.

The pane is a grid of character cells. Neurons stand in one column per layer (the input ``a0``
first, the output last, then an annex for the targets), spread over the pane's whole width and
height; edges run in the gaps between the columns. A neuron is drawn as the largest shape that
lets every layer fit: a ``tall`` box (4 rows: name, ``a``, ``dz``), a ``box`` (3 rows: name and
one value) or a ``line`` (1 row). When even lines do not fit, a layer is summarised: its first
units, the units that must stay visible (the selected ones), and a marker row ``⋮ 12 more`` for
every run of units left out, so nothing is ever cut silently.
"""

from __future__ import annotations

from dataclasses import dataclass

HEIGHTS = {"tall": 4, "box": 3, "line": 1}
MIN_GAP = 4  # cells between two columns: room for an edge and an arrowhead
ANNEX_GAP = 2  # cells between the output column and the targets


@dataclass(frozen=True)
class Slot:
    """One place in a column: a unit (``hidden == 0``) or a marker for ``hidden`` units left out."""

    unit: int | None
    y: int
    height: int
    hidden: int = 0

    @property
    def anchor(self) -> int:
        """The row where edges meet this slot (a box's value row)."""
        return self.y + (self.height - 1) // 2


@dataclass(frozen=True)
class Column:
    x: int
    width: int
    slots: tuple[Slot, ...]

    def slot_of(self, unit: int) -> Slot | None:
        return next((s for s in self.slots if s.unit == unit), None)

    @property
    def units(self) -> list[int]:
        return [s.unit for s in self.slots if s.unit is not None]

    @property
    def right(self) -> int:
        return self.x + self.width


@dataclass(frozen=True)
class Geometry:
    width: int  # cells the drawing needs (the pane's width unless it does not fit)
    height: int
    shape: str  # "tall", "box" or "line"
    top: int  # first row of the neuron area (row 0 is the header)
    rows: int  # rows of the neuron area
    columns: tuple[Column, ...]
    annex: Column | None  # the targets, beside the output units
    fits: bool = True  # False: the pane is narrower than the drawing (it scrolls)
    node_width: int = 0

    @property
    def depth(self) -> int:
        return len(self.columns) - 1


def marker_text(hidden: int, ascii_only: bool = False) -> str:
    return f"{':' if ascii_only else '⋮'} {hidden} more"


def plan_units(
    n: int, capacity: int, keep: frozenset[int] | set[int] = frozenset(), height: int = 1
) -> list[tuple[int | None, int]]:
    """The units of a layer of ``n`` shown in ``capacity`` rows: ``(unit, 0)`` or ``(None, hidden)``.

    All units if they fit (``height`` rows each); else the first ones, every unit in ``keep``, and a
    one-row marker for each run of units left out.
    """
    keep = {k for k in keep if 0 <= k < n}
    if n * height <= capacity:
        return [(u, 0) for u in range(n)]
    best: list[tuple[int | None, int]] | None = None
    for k in range(min(n, capacity // max(1, height)), -1, -1):
        shown = sorted(set(range(k)) | keep)
        plan: list[tuple[int | None, int]] = []
        prev = -1
        for u in shown:
            if u > prev + 1:
                plan.append((None, u - prev - 1))
            plan.append((u, 0))
            prev = u
        if prev < n - 1:
            plan.append((None, n - 1 - prev))
        rows = sum(height if u is not None else 1 for u, _ in plan)
        if rows <= capacity:
            return plan
        best = plan
    return best or [(None, n)]


def _spread(plan: list[tuple[int | None, int]], top: int, rows: int, height: int) -> tuple[Slot, ...]:
    """Slots spaced evenly down ``rows`` rows from ``top`` (equal gaps before, between and after)."""
    heights = [height if u is not None else 1 for u, _ in plan]
    free = max(0, rows - sum(heights))
    m = len(plan)
    slots, used = [], 0
    for i, ((unit, hidden), h) in enumerate(zip(plan, heights)):
        y = top + used + (free * (i + 1)) // (m + 1)
        slots.append(Slot(unit, y, h, hidden))
        used += h
    return tuple(slots)


def node_width(shape: str, value_width: int) -> int:
    """Cells of one neuron: borders and the value (``tall`` boxes also say ``a``/``dz``)."""
    return value_width + (5 if shape == "tall" else 2)


def layout(
    sizes: tuple[int, ...],
    width: int,
    height: int,
    *,
    value_width: int,
    annex_width: int = 0,
    keep: dict[int, set[int]] | None = None,
    header: int = 1,
    footer: int = 1,
    shapes: tuple[str, ...] = ("tall", "box", "line"),
    ascii_only: bool = False,
) -> Geometry:
    """Columns for layers of ``sizes`` units in a ``width`` × ``height`` area.

    ``keep`` names, per column, the units that must stay visible; ``header``/``footer`` rows are
    left for labels and the legend. The first shape in ``shapes`` that shows every unit of every
    layer wins; failing all, lines with summaries.
    """
    keep = keep or {}
    top = header
    rows = max(1, height - header - footer)
    chosen = shapes[-1]
    plans: list[list[tuple[int | None, int]]] = []
    for shape in shapes:
        h = HEIGHTS[shape]
        plans = [plan_units(n, rows, keep.get(c, set()), h) for c, n in enumerate(sizes)]
        chosen = shape
        if all(n * h <= rows for n in sizes):
            break
    h = HEIGHTS[chosen]
    needed = max(sum(h if u is not None else 1 for u, _ in p) for p in plans)
    if needed > rows:  # not even one row a unit fits: the picture grows and the pane scrolls
        rows = needed
        height = header + rows + footer
    nw = node_width(chosen, value_width)
    widths = []
    for p in plans:
        marks = [len(marker_text(hid, ascii_only)) for u, hid in p if u is None]
        widths.append(max([nw, *marks]))
    depth = len(sizes) - 1
    fixed = sum(widths) + (annex_width + ANNEX_GAP if annex_width else 0)
    free = width - fixed
    fits = depth == 0 or free >= depth * MIN_GAP
    gaps = [max(MIN_GAP, free // depth + (1 if g < free % depth else 0)) if depth else 0 for g in range(depth)]
    if not fits:
        gaps = [MIN_GAP] * depth
    columns, x = [], 0
    for c, (p, w) in enumerate(zip(plans, widths)):
        columns.append(Column(x, w, _spread(p, top, rows, h)))
        x += w + (gaps[c] if c < depth else 0)
    annex = None
    if annex_width:
        out = columns[-1]
        annex = Column(x + ANNEX_GAP, annex_width, tuple(Slot(s.unit, s.anchor, 1, s.hidden) for s in out.slots))
        x += ANNEX_GAP + annex_width
    total = max(width, x) if not fits else width
    return Geometry(total, height, chosen, top, rows, tuple(columns), annex, fits, nw)
