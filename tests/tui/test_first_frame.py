"""The first frame: held back until the panes have drawn, never left blank, and the same picture.

``HeldScreen`` writes nothing until every shown pane has drawn at its size (or a timer lets go);
``LossPlot`` draws the empty loss chart without plotext, character for character as plotext does.
"""

from __future__ import annotations

import gc

import pytest

from bptui.tui import BptuiApp, first_frame
from bptui.tui.first_frame import HeldScreen
from bptui.tui.widgets.loss_plot import LossPlot, empty_chart_ansi, empty_chart_text
from bptui.tui.widgets.pane import Pane

from .conftest import pane_text, streetlight
from .pty_session import PtySession, plain

PANES = ("network", "inspector", "chain-rule", "loss")


# --- the empty chart is plotext's ------------------------------------------------------------------


def plotext_empty(width: int, height: int, fg, bg) -> str:
    """What textual-plotext's widget builds for the empty chart: the independent reference."""
    from plotext._dict import themes
    from textual_plotext.plot import Plot, _rgbify_theme, _sequence

    themes["bptui-test"] = _rgbify_theme(bg, bg, fg, "default", _sequence)
    plot = Plot()
    plot.clear_figure()
    plot.xlabel("epoch")
    plot.title("no epoch completed yet")
    plot.plotsize(width, height)
    plot._set_size(width, height)
    plot.theme("bptui-test")
    return plot.build()


# The colours change only the escape codes, the size the layout: the two colour pairs share the
# widths out between them (``start`` 0 or 1): together they cover every width each test covered with
# both pairs before (every odd width from 3 to 129; every third for the Rich decoding).
COLOURS = [((224, 224, 224), (30, 30, 30)), ((0, 0, 0), (255, 255, 240))]


@pytest.mark.parametrize("start", [0, 1])
def test_the_empty_chart_is_what_plotext_draws(start):
    fg, bg = COLOURS[start]
    sizes = [(w, h) for w in range(3 + 2 * start, 130, 4) for h in range(4, 50, 5)]
    for w, h in sizes + [(22, 6), (23, 6), (5, 4), (4, 4), (3, 4)]:
        assert empty_chart_ansi(w, h, fg, bg) == plotext_empty(w, h, fg, bg), (w, h)


@pytest.mark.parametrize("start", [0, 1])
def test_the_empty_chart_is_built_as_rich_decodes_its_ansi(start):
    from rich.text import Text

    colours = COLOURS[start]

    def parts(t: Text):
        return t.plain, t.spans, t.style, t.end, t.justify, t.no_wrap, t.overflow

    for w, h in [(w, h) for w in range(3 + 3 * start, 130, 6) for h in range(4, 50, 5)] + [(22, 6), (4, 4)]:
        for note in ("no epoch completed yet", "x" * 200):
            want = Text.from_ansi(empty_chart_ansi(w, h, *colours, note))
            assert parts(empty_chart_text(w, h, *colours, note)) == parts(want), (w, h, note)


async def test_the_empty_chart_without_plotext_then_plotext_with_the_first_curve():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        chart = app.query_one(LossPlot)
        assert chart._plot is None  # drawn without plotext
        empty = str(chart.render())
        assert "no epoch completed yet" in empty and "epoch" in empty.splitlines()[-1]
        await pilot.press("e")
        await pilot.pause()
        assert chart._plot is not None and app.query_one(LossPlot) is chart  # the same widget
        assert "no epoch completed yet" not in str(chart.render())


async def test_the_empty_chart_is_plotexts_at_sizes_it_does_not_draw_itself():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        chart = app.query_one(LossPlot)
        chart.styles.width, chart.styles.height = 2, 3  # too small for the drawing without plotext
        await pilot.pause()
        assert chart.size == (2, 3)
        assert "could not be drawn" not in str(chart.render()) and chart._plot is not None


# --- held, then shown ------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (30, 6)])
async def test_the_first_frame_shows_every_pane_drawn_at_its_size(size):
    app = BptuiApp(streetlight())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        screen = app.default_screen
        assert isinstance(screen, HeldScreen) and not screen.holding
        assert screen.let_go_by == "panes"  # not the fallback timer
        shown = [app.query_one(f"#{pid}", Pane) for pid in PANES if app.query_one(f"#{pid}").display]
        assert all(pane.drawn_at == pane.size for pane in shown if pane.size.area)
        assert "forward" in pane_text(app, "chain-rule") or not app.query_one("#chain-rule").display
        assert "epoch 1" in app.query_one("#status").render().plain


async def test_a_pane_that_never_draws_cannot_keep_the_screen_blank(monkeypatch):
    monkeypatch.setattr(first_frame, "FALLBACK", 0.2)
    monkeypatch.setattr(HeldScreen, "panes_drawn", lambda self: False)  # as if a pane never drew
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.default_screen.holding
        await pilot.pause(0.4)
        assert not app.default_screen.holding and app.default_screen.let_go_by == "timer"
        await pilot.press("n")
        assert "forward 1" in pane_text(app, "chain-rule")  # and the app works as ever


async def test_start_up_turns_the_collector_back_on():
    was, frozen = gc.isenabled(), gc.get_freeze_count()
    gc.disable()  # as the command line does before the imports
    app = None
    try:
        app = BptuiApp(streetlight())
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert not app.default_screen.holding
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen  # start-up's objects are out of later collections
    finally:
        gc.unfreeze()  # what the first frame froze (this app) goes back to the collector...
        app = None
        gc.collect()
        if frozen:
            gc.freeze()  # ...and what the suite had frozen (tests/conftest.py) is frozen again
        if was:
            gc.enable()


# --- through a real terminal -----------------------------------------------------------------------


def test_the_first_frame_arrives_whole_on_a_pty():
    with PtySession("streetlight", cols=120, rows=40) as s:
        assert s.wait_ready()
        assert s.wait_quiet(0.3)
        text = plain(s.output)
        for title in ("Network", "Inspector", "Chain rule", "Loss", "no epoch completed yet", "epoch 1"):
            assert title in text, title
