"""The Network picture's geometry and drawing, without Textual: where neurons go, what is drawn."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.color import Color, ColorSystem

from bptui.tui.formatting import fit_digits
from bptui.tui.widgets.netdraw import Scene, draw
from bptui.tui.widgets.netedges import NEGATIVE, POSITIVE, SELECTED, gap_cells, legend
from bptui.tui.widgets.netlayout import MIN_GAP, layout, plan_units
from bptui.tui.widgets.netstrips import cuts

from ..builders import layer_parameter_names

SIZES = [(3, 4, 1), (1, 1), (2, 3, 1), (2, 4, 3), (784, 8, 8, 8, 8, 8), (8, 8, 8, 8, 8, 8), (2, 40, 1)]
AREAS = [(76, 19), (86, 13), (96, 9), (116, 21), (196, 21), (196, 56)]  # the pane at 80×24 … 200×60


def check_geometry(geo, sizes, keep):
    """Every invariant a picture must hold; returns nothing, asserts everything."""
    top, bottom = geo.top, geo.top + geo.rows
    for c, (col, n) in enumerate(zip(geo.columns, sizes)):
        slots = col.slots
        # inside the neuron area, in order, no two overlapping
        assert slots[0].y >= top and slots[-1].y + slots[-1].height <= bottom
        for a, b in itertools.pairwise(slots):
            assert a.y + a.height <= b.y
        # nothing cut silently: the units shown and the units counted by markers add up to n
        shown = [s.unit for s in slots if s.unit is not None]
        assert shown == sorted(set(shown)) and all(0 <= u < n for u in shown)
        assert len(shown) + sum(s.hidden for s in slots if s.unit is None) == n
        for s in slots:  # a marker stands for the units between its neighbours
            assert (s.unit is None) == (s.hidden > 0)
        # the units that must stay visible do
        assert keep.get(c, set()) <= set(shown)
        # spread evenly over the height: the free rows above, between and below differ by ≤ 1
        gaps = (
            [slots[0].y - top]
            + [b.y - (a.y + a.height) for a, b in itertools.pairwise(slots)]
            + [bottom - (slots[-1].y + slots[-1].height)]
        )
        assert max(gaps) - min(gaps) <= 1
        # a neuron is as wide as its shape says
        assert col.width >= geo.node_width
    for a, b in zip(geo.columns, geo.columns[1:]):  # columns apart, with room for edges
        assert a.right + MIN_GAP <= b.x
    last = geo.annex or geo.columns[-1]
    if geo.fits:
        assert geo.columns[0].x == 0 and last.right == geo.width  # the whole width
    assert geo.annex is None or geo.annex.x >= geo.columns[-1].right


@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("area", AREAS)
def test_columns_fill_the_area_and_never_overlap(sizes, area):
    width, height = area
    geo = layout(sizes, width, height, value_width=7, annex_width=12, footer=2)
    check_geometry(geo, sizes, {})
    assert geo.height == max(height, 1 + geo.rows + 2)
    assert geo.fits == (sum(max(c.width, 0) for c in geo.columns) + 14 + len(sizes[1:]) * MIN_GAP <= width)


@settings(max_examples=150)
@given(
    sizes=st.lists(st.integers(1, 1000), min_size=2, max_size=7).map(tuple),
    width=st.integers(20, 240),
    height=st.integers(4, 70),
    data=st.data(),
)
def test_selected_units_are_always_shown_and_nothing_is_cut_silently(sizes, width, height, data):
    c = data.draw(st.integers(1, len(sizes) - 1))
    j = data.draw(st.integers(0, sizes[c] - 1))
    i = data.draw(st.integers(0, sizes[c - 1] - 1))
    keep = {c: {j}, c - 1: {i}}
    geo = layout(sizes, width, height, value_width=6, annex_width=11, keep=keep, footer=1)
    check_geometry(geo, sizes, keep)


def test_the_largest_shape_that_shows_every_unit_wins():
    # 4 units: tall boxes need 16 rows, boxes 12, lines 4
    assert layout((3, 4, 1), 80, 1 + 16 + 1, value_width=7).shape == "tall"
    assert layout((3, 4, 1), 80, 1 + 15 + 1, value_width=7).shape == "box"
    assert layout((3, 4, 1), 80, 1 + 11 + 1, value_width=7).shape == "line"
    geo = layout((3, 4, 1), 80, 1 + 3 + 1, value_width=7)  # 4 units in 3 rows: summarised
    assert geo.shape == "line" and [s.unit for s in geo.columns[1].slots] == [0, 1, None]
    assert geo.columns[1].slots[-1].hidden == 2


def test_plan_units_keeps_the_first_units_and_the_selected_one():
    assert plan_units(5, 5) == [(u, 0) for u in range(5)]
    assert plan_units(12, 5) == [(0, 0), (1, 0), (2, 0), (3, 0), (None, 8)]
    assert plan_units(12, 5, keep={9}) == [(0, 0), (1, 0), (None, 7), (9, 0), (None, 2)]
    assert plan_units(12, 3, keep={11}) == [(0, 0), (None, 10), (11, 0)]
    assert plan_units(3, 12, height=4) == [(0, 0), (1, 0), (2, 0)]  # three tall boxes fill 12 rows exactly
    assert plan_units(3, 11, height=4) == [(0, 0), (1, 0), (None, 1)]  # markers take one row
    assert plan_units(784, 10)[-1] == (None, 775)


def scene(W, *, phase="forward", hot=1, selected=None, sizes=None):
    sizes = sizes or (W.shape[0], W.shape[1])
    return Scene(
        sizes=sizes,
        names=("a0", "a1"),
        shown=(np.ones(sizes[0]), np.full(sizes[1], 0.5)),
        a=(np.ones(sizes[0]), np.full(sizes[1], 0.5)),
        dz=(None, None),
        weights=(W,),
        targets=np.zeros(sizes[1]),
        loss=0.25,
        phase=phase,
        hot=hot,
        selected=selected,
        labels=("a0", "a1 relu"),
    )


def fmt(x, w):
    return fit_digits(x, 4, w)


def test_ascii_mode_draws_only_ascii():
    W = np.array([[0.5, -1.0, 0.1], [-0.2, 0.9, -0.7]])
    for shape_rows in (6, 12, 20):  # lines, boxes, tall boxes
        sc = scene(W, selected=(1, 0, 2))
        geo = layout(sc.sizes, 60, shape_rows, value_width=7, annex_width=12)
        cv = draw(sc, geo, 7, fmt, ascii_only=True)
        text = "".join(ch for row in cv.cells for ch, _ in row)
        assert text.isascii(), {ch for ch in text if not ch.isascii()}
        assert "0.5" in text and "loss 0.25" in text
    assert "".join(t for t, _ in legend(True)).isascii()
    big = layout((784, 8), 60, 8, value_width=7, annex_width=12, ascii_only=True)
    assert "".join(ch for row in draw(scene(np.ones((784, 8))), big, 7, fmt, True).cells for ch, _ in row).isascii()


def dots(cells) -> int:
    return sum((ord(ch) - 0x2800).bit_count() for _, _, ch, _ in cells if 0x2800 <= ord(ch) <= 0x28FF)


def test_sign_reads_without_colour_negative_edges_are_dotted():
    pos = gap_cells(0, 19, ((3, 3, 1, 2, False, POSITIVE[2], 1.0),), False)
    neg = gap_cells(0, 19, ((3, 3, -1, 2, False, NEGATIVE[2], 1.0),), False)
    assert dots(pos) == 40 and dots(neg) == 20  # a solid line of 2 dots a cell; every other dot
    asc_pos = {ch for _, _, ch, _ in gap_cells(0, 9, ((3, 3, 1, 2, False, "", 1.0),), True)}
    asc_neg = {ch for _, _, ch, _ in gap_cells(0, 9, ((3, 3, -1, 2, False, "", 1.0),), True)}
    assert asc_pos == {"-"} and asc_neg == {"."}


def test_positive_and_negative_stay_apart_in_16_and_256_colours():
    for system in (ColorSystem.STANDARD, ColorSystem.EIGHT_BIT):

        def colour(style, system=system):
            return Color.parse(style.split()[-1]).downgrade(system).number

        pos = {colour(s) for s in POSITIVE}
        neg = {colour(s) for s in NEGATIVE}
        assert not pos & neg
        if system == ColorSystem.STANDARD:  # one hue each, never black or white on the terminal
            assert len(pos) == len(neg) == 1 and not (pos | neg) & {0, 7, 8, 15}


def test_the_selected_edge_runs_from_its_input_to_its_unit():
    W = np.array([[0.5, -1.0, 0.1], [-0.2, 0.9, -0.7]])
    for i, j in [(0, 2), (1, 0), (1, 1)]:
        sc = scene(W, selected=(1, i, j))
        geo = layout(sc.sizes, 60, 12, value_width=7, annex_width=12)
        cv = draw(sc, geo, 7, fmt)
        cells = [
            (x, y)
            for y, row in enumerate(cv.cells)
            for x, (_, st) in enumerate(row)
            if st.startswith(SELECTED) and "#" in st
        ]  # the edge's colour, not a hot value
        src, dst = geo.columns[0].slot_of(i), geo.columns[1].slot_of(j)
        assert cells, (i, j)
        left, right = min(cells), max(cells)
        assert left[1] == src.anchor and right[1] == dst.anchor
        # the neurons at both ends are marked too (underlined)
        row_src = cv.cells[src.anchor]
        assert any("underline" in st for _, st in row_src[: geo.node_width])


def test_the_hot_layer_and_the_flow_are_marked():
    W = np.ones((2, 3))
    fwd = draw(scene(W, phase="forward", hot=1), layout((2, 3), 60, 8, value_width=7, annex_width=12), 7, fmt)
    rows = ["".join(ch for ch, _ in r) for r in fwd.cells]
    assert rows[0].count("▸") == 1 and sum(r.count("▸") for r in rows[1:]) == 3  # header, one per unit
    back = draw(scene(W, phase="backward", hot=1), layout((2, 3), 60, 8, value_width=7, annex_width=12), 7, fmt)
    rows = ["".join(ch for ch, _ in r) for r in back.cells]
    assert sum(r.count("◂") for r in rows[1:]) == 2  # the gradient leaves towards the 2 inputs


def test_strip_cuts_follow_the_neurons():
    geo = layout((3, 4, 1), 86, 13, value_width=7, annex_width=12)
    bounds = cuts(geo, 8)
    assert bounds[0] == 0 and bounds[-1] == geo.width and bounds == sorted(set(bounds)) and len(bounds) <= 9
    for col in geo.columns[1:]:
        assert col.x - 1 in bounds  # a column's strip starts at its arrowhead


@pytest.mark.parametrize("x", [0.5182823, -0.6081, 1e-5, -1.234567e-7, 12345.678, 0.10003333, 1e300, -0.0])
@pytest.mark.parametrize("digits,width", [(4, 7), (4, 5), (8, 11), (17, 24)])
def test_fit_digits_never_exceeds_its_width_and_keeps_the_magnitude(x, digits, width):
    text = fit_digits(x, digits, width)
    assert len(text) <= width
    assert float(text) == pytest.approx(x + 0.0, rel=0.25, abs=1e-300) or abs(x) >= 1e5
    if digits == 17 and len(repr(x + 0.0)) <= width:
        assert float(text) == x  # every digit: the exact float back


@pytest.mark.parametrize("row", [True, False])
def test_selection_names_the_same_element_as_the_inspector(row):
    from bptui.tui.state import select

    W = np.zeros((3, 5)) if row else np.zeros((5, 3))  # 3 inputs, 5 units in the file's convention
    values = {"W2": W, "b2": np.zeros(5)}
    names = layer_parameter_names(values, 2)
    for e, name in enumerate(names):
        sel = select(values, 2, e, row)
        assert sel.name == name and sel.layer == 2 and sel.count == len(names)
        idx = [int(k) for k in name[3:-1].split(",")]
        assert sel.index == tuple(idx)
        if name.startswith("b"):
            assert sel.source is None and sel.unit == idx[0]
        else:
            assert (sel.source, sel.unit) == ((idx[0], idx[1]) if row else (idx[1], idx[0]))
    assert select(values, 2, 10**6, row).name == names[-1]  # clamped
    assert select({"W2": W}, 2, 15, row).name == layer_parameter_names({"W2": W}, 2)[-1]  # no bias


def test_a_diverged_network_is_drawn_not_crashed():
    W = np.array([[np.nan, np.inf], [-np.inf, 1.0]])
    values = (np.array([1.0, np.nan]), np.array([np.inf, -np.inf]))
    sc = Scene(
        sizes=(2, 2),
        names=("a0", "a1"),
        shown=values,
        a=values,
        dz=(None, None),
        weights=(W,),
        targets=np.zeros(2),
        loss=float("nan"),
        phase="loss",
        hot=None,
        selected=(1, 0, 0),
        labels=("a0", "a1 tanh"),
    )
    geo = layout(sc.sizes, 60, 12, value_width=7, annex_width=12)
    text = "\n".join("".join(ch for ch, _ in row) for row in draw(sc, geo, 7, fmt).cells)
    assert "nan" in text and "inf" in text and "-inf" in text and "loss nan" in text
