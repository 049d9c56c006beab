"""Regression tests for the faults that ended or wrecked a lesson (issue 8): each failed before its fix."""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
import pytest

from bptui.engine import LayerSpec, TrainingSpec
from bptui.tui import BptuiApp
from bptui.tui.widgets.inspector import InspectorPane
from bptui.tui.widgets.keybar import key_bar
from bptui.tui.widgets.loss import LossPlot

from .conftest import Recorder, pane_text, press_and_wait, press_busy, single_neuron, streetlight, until

PANES = ("#network", "#inspector", "#chain-rule", "#loss")


def plot_text(app: BptuiApp) -> str:
    """What the Loss pane's plot renders now (a fresh render, as a resize would ask for)."""
    return str(app.query_one(LossPlot).render())


# --- 1. the log-scale chart -----------------------------------------------------------------------


async def test_log_scale_survives_resizes_tab_switches_and_runs(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e", "e", "e", "l")
        for size in [(80, 24), (121, 41), (100, 30), (200, 60)]:
            await pilot.resize_terminal(*size)
            await pilot.pause()
            assert "could not be drawn" not in plot_text(app)  # plotext rebuilt its figure: no error
        await pilot.resize_terminal(80, 24)
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
        await press_and_wait(pilot, "r", "backspace", "backspace", "5", "enter")
        assert app.is_running and app.debugger.position.epoch == 8
        assert "could not be drawn" not in plot_text(app)


async def test_a_pane_that_fails_says_so_and_the_app_goes_on(scenario, monkeypatch):
    def broken(self, state):
        raise RuntimeError("a bug in the inspector")

    monkeypatch.setattr(InspectorPane, "body", broken)
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n")
        assert app.is_running and app.debugger.g == 2
        assert "could not be drawn (RuntimeError: a bug in the inspector)" in pane_text(app, "inspector")
        assert "forward 2" in pane_text(app, "chain-rule")  # the other panes go on


# --- 2. the four-pane layout ---------------------------------------------------------------------


def _overlaps(app: BptuiApp) -> list[tuple[str, str]]:
    regions = {pid: app.query_one(pid).region for pid in PANES}
    return [(a, b) for a, b in itertools.combinations(PANES, 2) if regions[a].overlaps(regions[b])]


@pytest.mark.parametrize("size", [(100, 30), (120, 40), (200, 60)])
async def test_the_four_panes_never_overlap_whatever_layer_is_selected(scenario, size):
    app = BptuiApp(scenario)
    async with app.run_test(size=size) as pilot:
        for keys in [(), ("down",), ("n",), ("down",), ("n", "n", "n", "n", "down", "g"), ("up",), ("up", "g")]:
            await pilot.press(*keys)
            await pilot.pause()
            assert _overlaps(app) == [], (keys, app.selected_layer)
            assert all(app.query_one(pid).region.area for pid in PANES)


# --- 3. update marks -------------------------------------------------------------------------------


async def test_the_update_marks_the_weights_it_changed(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")  # through the update of sample 1
        before = app.state.before["W1"]
        now = app.debugger.values()["W1"]
        assert not np.array_equal(before, now)  # the snapshot kept the weights from before the update
        assert np.array_equal(app.state.changed("W1"), before != now)
        w1 = next(l for l in pane_text(app, "inspector").splitlines() if l.startswith("W1"))
        assert "●" in w1


# --- 4. digits -------------------------------------------------------------------------------------


async def test_plus_and_minus_change_the_digits_everywhere(scenario):
    app = BptuiApp(scenario)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "tab")
        z1 = app.debugger.values()["z1"]
        assert f"{z1[1]:.6f}" in pane_text(app, "inspector")
        await pilot.press("plus")
        assert app.digits == 6 and f"{z1[1]:.8f}" in pane_text(app, "inspector")
        await pilot.press("plus", "plus")
        assert app.digits == 17 and repr(float(z1[1])) in pane_text(app, "inspector")
        assert repr(float(z1[1])) in "".join(pane_text(app, "chain-rule").split())  # wrapped to the pane
        await pilot.press("plus")
        assert "already showing every digit" in rec.text()
        await pilot.press("minus", "minus", "minus")
        assert app.digits == 4 and f"{z1[1]:.6f}" in pane_text(app, "inspector")


# --- 7. the loss chart ------------------------------------------------------------------------------


async def test_the_chart_grows_during_a_run(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r", *"100000")
        await press_busy(pilot, "enter")
        loss = app.query_one("#loss")
        await until(pilot, lambda: loss.live is not None and len(loss.live.y) > 0)
        await until(pilot, lambda: "no epoch completed yet" not in plot_text(app))
        assert app.busy == "run" and app.query_one("#running").render().plain.startswith("run: epoch ")
        await press_busy(pilot, "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert loss.live is None and app.query_one("#running").render().plain.startswith("epoch ")


async def test_a_diverging_run_draws_its_finite_losses_and_says_what_is_missing():
    from .conftest import single_neuron

    sc = single_neuron()
    sc = type(sc)(
        **{
            **sc.__dict__,
            "training": TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=1.5, epochs=2000),
        }
    )
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_wait(pilot, "r", "enter")
        losses = np.asarray(app.state.losses)
        assert np.isfinite(losses).sum() > 100 and losses.max() > 1e100  # grew by orders of magnitude
        assert "no epoch completed yet" not in plot_text(app)
        await pilot.press("l")
        assert "could not be drawn" not in plot_text(app)


# --- 8. nothing cut silently ------------------------------------------------------------------------


def six_units():
    return streetlight(layers=(LayerSpec(6, "relu", bias=False), LayerSpec(1, "identity", bias=False)))


async def test_the_selected_weight_stays_in_view_and_cuts_are_marked():
    app = BptuiApp(six_units())
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("n", "tab")
        pane = app.query_one("#inspector")
        for k in range(6):
            shown = pane_text(app, "inspector")
            row = next(l for l in shown.splitlines() if "▸" in l)
            assert app.selected_parameter() == f"W1[0,{k}]"
            W = app.debugger.values()["W1"]
            # the selected value itself is shown; six 6-decimal columns do not fit, so 4 significant digits
            assert row.split("▸")[1].split()[0] == f"{W[0, k]:#.4g}"
            if len(row.split()) < 6:  # not all six columns fit: the cut is shown
                assert "…" in row
            assert row.rstrip().__len__() <= pane.scrollable_content_region.width
            await pilot.press("right")


async def test_inspector_columns_line_up_across_values_of_every_width():
    """``a0 (x)`` is longer than the other names and ``da1 = -2`` wider than the other values: the
    first cell of every vector and matrix row still ends in the same column, ``▸`` included."""
    sc = dataclasses.replace(single_neuron(), names={"a0": "x", "a1": "y"})
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n", "tab")  # forward, loss, backward: da1 = a1 − t = 2 − 4
        lines = pane_text(app, "inspector").splitlines()
        ends = {line.split()[0]: m.end() for line in lines if (m := re.search(r"-?\d+\.\d+", line))}
        assert {"a0", "z1", "a1", "loss", "da1"} <= set(ends)
        assert "-2.000000" in next(line for line in lines if line.startswith("da1"))
        assert len(set(ends.values())) == 1, lines


@pytest.mark.parametrize("width", [60, 80, 100, 120, 200])
def test_the_key_bar_never_cuts_an_entry_and_always_keeps_help(width):
    text = key_bar(width - 2).plain
    assert len(text) <= width - 2
    assert text.endswith("? Help  q Quit")
    entries = [e for e in text.split("  ") if e]
    for entry in entries:
        assert entry == "…" or len(entry.split(" ", 1)) == 2, entry


async def test_the_running_loss_is_never_cut(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e", "e")
        label = app.query_one("#running")
        text = label.render().plain
        assert text.endswith("(4/4)")
        assert len(text) <= label.content_region.width * label.content_region.height


@pytest.mark.parametrize("width", [60, 80, 100])
async def test_the_position_always_shows_in_full_and_a_long_title_is_cut_with_an_ellipsis(width):
    sc = streetlight(title="A very long title that a teacher wrote for a lesson about gradients " * 2)
    app = BptuiApp(sc)
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.press("s")
        text = app.query_one("#status").render().plain
        assert text.endswith("epoch 1 · sample 1/4 · update (6/6)")
        assert "…" in text and text.startswith("A very long")
        assert len(text) <= width


async def test_control_characters_in_the_title_are_shown_not_obeyed():
    app = BptuiApp(streetlight(title="x\x1b]0;PWNED\x07\x1b[2J"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = app.query_one("#status").render().plain
        assert "\x1b" not in text and "x\\x1b]0;PWNED\\x07\\x1b[2J" in text
        assert "\x1b" not in app.title


async def test_a_failing_background_command_is_reported_and_the_app_goes_on(scenario, monkeypatch):
    """A bug in a run (here: planted) reaches the user as a message; stepping still works."""
    app = BptuiApp(scenario)
    rec = Recorder(app)

    def broken_run(epochs, should_stop=None, progress=None):
        raise RuntimeError("planted failure")

    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app.debugger, "run", broken_run)
        await press_and_wait(pilot, "r", "enter")
        assert app.is_running and app.busy is None
        assert any("planted failure" in m and sev == "error" for m, sev in rec.messages)
        await pilot.press("n")
        assert app.debugger.g == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_keys_typed_right_after_tab_reach_the_new_pane(scenario, size):
    """tab → arriving together (a fast typist, tmux, SSH): → selects in the Inspector, it does not step."""
    from textual import events

    app = BptuiApp(scenario)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in ("tab", "right", "right"):
            app.post_message(events.Key(key, None))
        await pilot.pause()
        assert app.debugger.g == 0 and app.focused.id == "inspector"
        assert app.selected_parameter() == "W1[0,2]"


async def test_enter_typed_right_after_arrows_pins_the_element_they_selected(scenario):
    from textual import events

    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f", "f")
        for key in ("tab", "right", "right", "down", "up", "right", "enter"):
            app.post_message(events.Key(key, None))
        await pilot.pause()
        assert app.pinned == "W1[0,1]" and app.debugger.g == 5
        assert pane_text(app, "chain-rule").startswith("∂loss/∂W1[0,1]")


async def test_the_run_progress_label_gets_the_lines_it_needs(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("r", "backspace", "backspace", *"1000000")
        await press_busy(pilot, "enter")
        label = app.query_one("#running")

        def fits() -> bool:
            """the progress text is shown and the label has the lines it needs (its height follows
            the text at the next layout, which a loaded machine can draw a moment later)"""
            text = label.render().plain
            return text.startswith("run: epoch ") and len(text) <= label.content_region.area

        await until(pilot, fits)
        await press_busy(pilot, "escape")
        await app.workers.wait_for_complete()
