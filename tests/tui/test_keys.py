"""Every key of SPEC 6 driven through Pilot: where the Debugger ends up and what the panes show."""

from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import Debugger
from bptui.tui import BptuiApp
from bptui.tui.screens import HelpScreen, RunDialog

from .conftest import Recorder, pane_text, press_and_wait, press_busy, single_neuron, streetlight, until


def status(app: BptuiApp) -> str:
    return app.query_one("#status").render().plain


async def test_first_frame_shows_the_four_panes_and_the_position(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        titles = {p.border_title for p in app.query(".pane") if p.display and p.region.area}
        assert titles == {"Network", "Inspector", "Chain rule", "Loss"}
        assert "Streetlight" in status(app)
        assert "epoch 1 · sample 1/4 · start (0/6)" in status(app)
        assert "z1     — not computed yet" in pane_text(app, "inspector")


@pytest.mark.parametrize("key", ["n", "right", "space"])
async def test_next_keys_step_once(scenario, key):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key)
        assert app.debugger.g == 1
        assert "forward 1 (1/6)" in status(app)
        # the inspector shows z1 = a0 · W1 for the first sample (row convention), marked as changed
        z1 = np.array([1, 0, 1.0]) @ app.debugger.params.W[0]
        line = next(l for l in pane_text(app, "inspector").splitlines() if l.startswith("z1"))
        assert "●" in line and f"{z1[0]:.6f}" in line


@pytest.mark.parametrize("key", ["p", "left", "backspace"])
async def test_back_keys_step_back(scenario, key):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n", key)
        assert app.debugger.g == 2
        assert "forward 2 (2/6)" in status(app)


async def test_back_at_the_start_says_so_and_changes_nothing(scenario):
    app = BptuiApp(scenario)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        before = app.state
        await pilot.press("p")
        assert app.debugger.g == 0
        assert app.state is before
        assert "already at the start" in rec.text()


async def test_finish_pass_sample_epoch(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f")
        assert app.debugger.position.step == "loss"
        await pilot.press("f")
        assert app.debugger.position.step == "backward 1"
        await pilot.press("s")
        assert (app.debugger.position.sample, app.debugger.position.step) == (1, "update")
        await pilot.press("e")
        pos = app.debugger.position
        assert (pos.epoch, pos.sample, pos.step) == (1, 4, "update")
        assert len(app.state.losses) == 1
        running = app.query_one("#running").render().plain
        assert running == f"epoch 1: {app.state.losses[0]:.4g} (4/4)"  # the whole epoch's loss, 4 of 4 samples


async def test_undo_redo_and_home(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e", "n")
        g = app.debugger.g
        await pilot.press("u")
        assert app.debugger.g == g - 1
        await pilot.press("U")
        assert app.debugger.g == g
        await pilot.press("home")
        assert app.debugger.g == 0 and "start (0/6)" in status(app)
        await pilot.press("u")
        assert app.debugger.g == g


async def test_run_asks_for_n_and_runs_the_files_epochs_by_default(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, RunDialog)
        assert app.screen.query_one("Input").value == "60"
        await press_and_wait(pilot, "enter")
        pos = app.debugger.position
        assert (pos.epoch, pos.sample, pos.step) == (60, 4, "update")
        reference = Debugger(streetlight())
        reference.run(60)
        assert app.state.losses.tolist() == reference.epoch_losses
        assert "epoch 60 · sample 4/4 · update (6/6)" in status(app)
        await pilot.press("u")  # a run is one command
        assert app.debugger.g == 0


async def test_run_dialog_escape_cancels_and_bad_numbers_are_refused(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r", "escape")
        assert not isinstance(app.screen, RunDialog) and app.debugger.g == 0
        await pilot.press("r", "backspace", "backspace", "0", "enter")
        assert isinstance(app.screen, RunDialog)
        assert "whole number" in str(app.screen.query_one("#run-error").render())
        await pilot.press("escape")


async def test_a_run_keeps_the_ui_responsive_and_escape_stops_it(scenario):
    app = BptuiApp(scenario)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r", *"1000000")
        await press_busy(pilot, "enter")
        await until(pilot, lambda: app.progress.startswith("run: epoch "))  # the run is reporting progress
        await press_busy(pilot, "n")  # handled during the run: a notice, the Debugger untouched
        await until(pilot, lambda: "a run is under way" in rec.text())
        assert app.busy == "run"
        await press_busy(pilot, "escape")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.busy is None
        pos = app.debugger.position
        assert 1 <= pos.epoch < 1_000_000 and pos.step == "update" and pos.sample == 4
        assert "stopped at" in rec.text()
        assert "run" not in status(app)


async def test_continue_stops_at_each_checkpoint_and_marks_it():
    app = BptuiApp(single_neuron())
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_wait(pilot, "c")
        assert app.debugger.position.step == "forward 1"
        assert "✓ checkpoint ok" in status(app)
        assert "✓" in pane_text(app, "chain-rule")
        await press_and_wait(pilot, "c")
        assert app.debugger.position.step == "backward 1"
        assert "✓ checkpoint ok" in status(app)
        # seed 000: ∂loss/∂w = ∂loss/∂y · ∂y/∂w = −2 × 2 = −4
        assert "-4.000000" in pane_text(app, "inspector")


async def test_a_failed_checkpoint_is_marked():
    sc = single_neuron()
    wrong = sc.expectations[0].__class__(
        epoch=1, sample=1, after="loss", tolerance=1e-9, values={"loss": np.array([3.0])}
    )
    app = BptuiApp(type(sc)(**{**sc.__dict__, "expectations": (wrong,)}))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f")
        assert "✗ checkpoint failed" in status(app)
        assert "✗ FAIL" in pane_text(app, "chain-rule")


async def test_help_lists_every_key(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help Static").render())
        for keys in [
            "n → space",
            "p ← ⌫",
            "f ",
            "s ",
            "e ",
            "r ",
            "c ",
            "u ",
            "U ",
            "home",
            "tab, shift+tab",
            "↑ ↓",
            "esc",
            "q ",
        ]:
            assert keys in text, keys
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_offers_the_commands(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for name in ["Next", "Back", "Pass", "Sample", "Epoch", "Run", "Continue", "Undo", "Redo", "Start", "Help"]:
            assert any(t.startswith(name + " (") for t in titles), name
        command = next(c for c in app.get_system_commands(app.screen) if c.title.startswith("Next ("))
        await command.callback()
        assert app.debugger.g == 1


async def test_up_down_choose_the_layer(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab")  # Network → Inspector
        assert app.focused.id == "inspector"
        await pilot.press("down")
        assert app.selected_layer == 2
        assert pane_text(app, "inspector").startswith("a1")
        assert "W2[0,0] = " in pane_text(app, "network")  # the Network names the selected parameter
        await pilot.press("down")
        assert app.selected_layer == 2
        await pilot.press("up", "up")
        assert app.selected_layer == 1


async def test_tab_cycles_the_panes(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        order = []
        for _ in range(4):
            await pilot.press("tab")
            await pilot.pause()
            order.append(app.focused.id)
        assert order == ["inspector", "chain-rule", "loss", "network"]
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.focused.id == "loss"


async def test_at_80x24_one_pane_at_a_time_and_all_reachable(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(4):
            shown = [p.id for p in app.query(".pane") if p.display]
            assert len(shown) == 1 and app.focused.id == shown[0]
            assert app.query_one("#status").region.height == 1
            seen.append(shown[0])
            await pilot.press("tab")
            await pilot.pause()
        assert sorted(seen) == ["chain-rule", "inspector", "loss", "network"]
        await pilot.press("n")
        assert app.debugger.g == 1


async def test_resizing_never_crashes(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        for size in [(80, 24), (100, 30), (40, 10), (200, 60), (99, 29), (120, 40)]:
            await pilot.resize_terminal(*size)
            await pilot.press("n")
            await pilot.pause()
        assert app.debugger.g == 6
        assert len([p for p in app.query(".pane") if p.display]) == 4


async def test_log_scale_toggle(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e", "e", "l")
        assert app.query_one("#loss").border_subtitle == "log y (l)"
        await pilot.press("l")
        assert app.query_one("#loss").border_subtitle == "linear y (l)"


async def test_quit(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_divergence_is_a_warning_not_a_traceback():
    from bptui.engine import TrainingSpec

    sc = streetlight(training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=1e200, epochs=5))
    app = BptuiApp(sc)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        assert any("diverged" in m and sev == "warning" for m, sev in rec.messages)
        pos = app.debugger.position
        assert pos.g > 0 and pos.status() in status(app)  # stopped, and shown, where it went non-finite
        assert f"step {pos.step}" in rec.text()
