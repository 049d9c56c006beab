"""The Network pane in the running app: selection, batch samples, About, ASCII, every size."""

from __future__ import annotations

import numpy as np
import pytest

from bptui.cli import _main_parser
from bptui.scenario import load_scenario, resolve
from bptui.tui import BptuiApp
from bptui.tui.formatting import fit_digits
from bptui.tui.screens import AboutScreen
from bptui.tui.widgets.netedges import SELECTED
from bptui.tui.widgets.network import NetworkPane

from .conftest import Recorder, pane_text, streetlight, wide


def selected_cells(app) -> list[tuple[int, int]]:
    """Cells of the picture drawn as the selected edge (reverse video in the edge's colour)."""
    pane = app.query_one(NetworkPane)
    canvas, _ = pane.picture(app.state)
    return [
        (x, y)
        for y, row in enumerate(canvas.cells)
        for x, (_, st) in enumerate(row)
        if st.startswith(SELECTED) and "#" in st
    ]


def anchors(app, layer: int, i: int, j: int) -> tuple[int, int]:
    pane = app.query_one(NetworkPane)
    _, geo = pane.picture(app.state)
    return geo.columns[layer - 1].slot_of(i).anchor, geo.columns[layer].slot_of(j).anchor


async def test_the_selected_edge_follows_the_inspector_selection(scenario):
    app = BptuiApp(scenario)  # streetlight, row convention: W1 is 3 inputs × 4 units
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = selected_cells(app)
        assert "W1[0,0] = " in pane_text(app, "network")
        await pilot.press("tab", "right")  # Inspector: W1[0,1], input 0 → unit 1
        await pilot.pause()
        assert app.element == 1
        moved = selected_cells(app)
        assert moved and moved != first
        src, dst = anchors(app, 1, 0, 1)
        assert min(moved)[1] == src and max(moved)[1] == dst  # from a0[0] on the left to a1[1]
        W1 = app.state.values["W1"]
        assert f"W1[0,1] = {fit_digits(float(W1[0, 1]), 4, 24)}" in pane_text(app, "network")
        await pilot.press("down")  # layer 2: W2[0,0], a1[0] → a2[0]
        await pilot.pause()
        cells = selected_cells(app)
        src, dst = anchors(app, 2, 0, 0)
        assert min(cells)[1] == src and max(cells)[1] == dst
        assert min(cells)[0] > max(first)[0]  # now in the second gap


async def test_the_column_convention_is_read_as_units_by_inputs():
    sc = load_scenario(resolve("sigmoid_221"))  # column convention: W1 is 2 units × 2 inputs
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.choose(element=1)  # W1[0,1]: unit 0, input 1
        await pilot.pause()
        cells = selected_cells(app)
        src, dst = anchors(app, 1, 1, 0)
        assert min(cells)[1] == src and max(cells)[1] == dst


async def test_a_selected_bias_marks_its_unit():
    app = BptuiApp(load_scenario(resolve("sigmoid_221_bias")))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.choose(element=4 + 1)  # after the 2×2 W1: b1[1]
        await pilot.pause()
        assert "b1[1] = " in pane_text(app, "network")
        assert selected_cells(app) == []  # no edge: the unit itself is marked
        pane = app.query_one(NetworkPane)
        canvas, geo = pane.picture(app.state)
        row = canvas.cells[geo.columns[1].slot_of(1).anchor]
        assert any("underline" in st for _, st in row)


async def test_brackets_step_through_the_samples_of_a_batch():
    sc = load_scenario(resolve("xor"))  # batch mode, column convention, 4 samples
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")  # forward 1: a1 is (3 units, 4 samples)
        await pilot.pause()
        a1 = np.asarray(app.state.values["a1"])
        pane = app.query_one(NetworkPane)

        def shown_a1() -> list[float]:
            return [float(v) for v in pane.scene(app.state)[0].shown[1]]

        assert "mean of the 4 samples" in pane_text(app, "network")
        assert shown_a1() == pytest.approx(a1.mean(axis=1).tolist())
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "sample 1/4" in pane_text(app, "network")
        assert shown_a1() == pytest.approx(a1[:, 0].tolist())
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert "sample 4/4" in pane_text(app, "network")
        assert shown_a1() == pytest.approx(a1[:, 3].tolist())
        text = pane_text(app, "network")
        assert fit_digits(float(a1[1, 3]), 4, 7) in text  # the number itself is drawn


async def test_brackets_in_online_mode_say_why_nothing_changes(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        seen = Recorder(app)
        before = pane_text(app, "network")
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "online mode" in seen.text()
        assert pane_text(app, "network") == before


async def test_i_opens_and_closes_the_about_screen():
    sc = load_scenario(resolve("xor"))
    app = BptuiApp(sc)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, AboutScreen)
        text = str(app.screen.query_one("Static").render())
        for part in (
            "XOR in batch mode",
            "The classic problem",
            "learning rate",
            "1",
            "binary_cross_entropy",
            "batch",
            "column",
            "independent NumPy computation",
        ):
            assert part in text
        await pilot.press("n")  # stepping keys do not reach the debugger under the About screen
        assert app.debugger.g == 0
        await pilot.press("i")
        await pilot.pause()
        assert not isinstance(app.screen, AboutScreen)
        await pilot.press("i", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, AboutScreen)


async def test_the_about_screen_shows_hostile_text_instead_of_obeying_it():
    sc = streetlight(
        title="Evil\x1b[2J title", description="line one\nline two \x1b]0;owned\x07 end", source="\x9bsomewhere"
    )
    app = BptuiApp(sc)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        text = str(app.screen.query_one("Static").render())
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
        assert "Evil\\x1b[2J title" in text and "\\x1b]0;owned\\x07" in text and "\\x9bsomewhere" in text
        assert "line one\nline two" in text  # newlines kept


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
async def test_ascii_mode_draws_only_ascii_at_every_size(size):
    app = BptuiApp(wide(), ascii=True)
    async with app.run_test(size=size) as pilot:
        for key in ("n", "n", "f", "n"):  # forward, loss, backward
            await pilot.press(key)
            await pilot.pause()
            text = pane_text(app, "network")
            assert text.strip() and text.isascii(), {ch for ch in text if not ch.isascii()}
        assert app.query_one(NetworkPane).has_class("-ascii")
        assert app.query_one(NetworkPane).styles.border_top[0] == "ascii"


def test_the_command_line_takes_ascii():
    assert _main_parser().parse_args(["--ascii", "xor"]).ascii is True
    assert _main_parser().parse_args(["xor"]).ascii is False


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40), (200, 60)])
async def test_the_picture_fills_the_pane_at_every_size_and_follows_a_resize(size):
    app = BptuiApp(streetlight())
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        pane = app.query_one(NetworkPane)
        region = pane.scrollable_content_region
        lines = pane_text(app, "network").splitlines()
        assert len(lines) == region.height and max(len(line) for line in lines) == region.width
        assert not pane.show_vertical_scrollbar and not pane.show_horizontal_scrollbar
        await pilot.resize_terminal(size[0] + 20, size[1] + 6)
        await pilot.pause()
        await pilot.pause()
        region = pane.scrollable_content_region
        lines = pane_text(app, "network").splitlines()
        assert len(lines) == region.height and max(len(line) for line in lines) == region.width


async def test_every_number_of_a_step_is_drawn(scenario):
    """Forward values at forward steps, dz going back: the pane shows what the step computed."""
    app = BptuiApp(scenario)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("n", "n")  # forward 2: a2
        await pilot.pause()
        a2 = float(np.asarray(app.state.values["a2"])[0])
        assert fit_digits(a2, 4, 7) in pane_text(app, "network")
        await pilot.press("n", "n")  # loss, backward 2: dz2
        await pilot.pause()
        dz2 = float(np.asarray(app.state.values["dz2"])[0])
        text = pane_text(app, "network")
        assert fit_digits(dz2, 4, 7) in text and "loss " + fit_digits(float(app.state.values["loss"]), 4, 7) in text
        assert "t " in text  # the target beside the output
