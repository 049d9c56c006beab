"""Saving in the TUI (issue 9, ctrl+s) and quitting with unsaved edits (q asks first).

Every prompt is also given wrong input: a clear message, and the app's scenario, Debugger and
position untouched.
"""

from __future__ import annotations

import numpy as np
import pytest
from textual.widgets import Input, Label

from bptui.engine import LayerSpec, Scenario, TrainingSpec
from bptui.scenario import load_scenario
from bptui.tui import BptuiApp
from bptui.tui.screens.confirm import ConfirmDialog
from bptui.tui.screens.save_file import SaveDialog

from .conftest import Recorder, error_of, press_each, streetlight_file

# --- ctrl+s: save -----------------------------------------------------------------------------------


async def test_save_writes_the_current_parameters_bit_for_bit(folder):
    app = streetlight_file()
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e", "s", "n")  # one epoch, one more sample, into the next pass
        await press_each(pilot, "ctrl+s")
        dialog = app.screen
        assert isinstance(dialog, SaveDialog)
        field = dialog.query_one(Input)
        assert field.value == "streetlight-epoch1-update1.toml"
        await press_each(pilot, "enter")
        assert not isinstance(app.screen, SaveDialog)
        saved = folder / "streetlight-epoch1-update1.toml"
        loaded = load_scenario(saved)
        for l, layer in enumerate(loaded.layers, start=1):
            here = app.debugger.params_values()[f"W{l}"]
            assert (
                np.array_equal(layer.weights, here) and layer.weights.tobytes() == np.ascontiguousarray(here).tobytes()
            )
        assert loaded.expectations == ()
        assert str(saved) in rec.text() and "epoch 2 · sample 2/4 · forward 1" in rec.text()
        assert saved.read_text().startswith("# Saved by bptui")


async def test_save_prompt_refuses_wrong_names_and_asks_before_overwriting(folder):
    app = streetlight_file()
    rec = Recorder(app)
    (folder / "taken.toml").write_text("keep me")
    (folder / "dir.toml").mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n")
        await press_each(pilot, "ctrl+s")
        field = app.screen.query_one(Input)
        before = sorted(p.name for p in folder.iterdir())
        for wrong, says in [
            ("", "type a file name"),
            ("   ", "type a file name"),
            ("nope/x.toml", "does not exist"),
            ("dir", "is a folder"),
            ("sub/", "is a folder"),
            ("a\x00b", "NUL"),
        ]:
            field.value = wrong
            await pilot.press("enter")
            assert isinstance(app.screen, SaveDialog), wrong
            assert says in error_of(app, "#save-error"), wrong
        field.value = "taken"  # .toml is added
        await pilot.press("enter")
        assert "taken.toml exists: press enter again to overwrite" in error_of(app, "#save-error")
        assert (folder / "taken.toml").read_text() == "keep me"
        assert sorted(p.name for p in folder.iterdir()) == before
        assert app.debugger.g == 1
        field.value = "taken.tom"  # another name resets the question…
        field.value = "taken.toml"
        await pilot.press("enter")
        assert (folder / "taken.toml").read_text() == "keep me"  # …so it is asked again
        await press_each(pilot, "enter")  # the second enter on the same name overwrites
        assert not isinstance(app.screen, SaveDialog)
        assert load_scenario(folder / "taken.toml").title == app.scenario.title
        assert "saved" in rec.text()


async def test_save_cancelled_writes_nothing(folder):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        before = sorted(p.name for p in folder.iterdir())
        await press_each(pilot, "ctrl+s")
        await pilot.press("escape")
        assert not isinstance(app.screen, SaveDialog)
        assert sorted(p.name for p in folder.iterdir()) == before


async def test_save_at_a_non_finite_position_is_refused_before_asking(folder):
    """w = 1e200, x = 1e100: z² overflows, dW = inf and the update makes W1 = -inf at step 4."""
    overflowing = Scenario(
        title="Overflow",
        inputs=1,
        layers=(LayerSpec(1, "identity", weights=np.array([[1e200]]), biases=np.array([0.0])),),
        data_inputs=np.array([[1e100]]),
        data_targets=np.array([[0.0]]),
        training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=1.0),
    )
    app = BptuiApp(overflowing)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n", "n", "n", "n")
        assert app.debugger.position.step == "update" and np.isinf(app.debugger.params_values()["W1"]).all()
        before = sorted(p.name for p in folder.iterdir())
        await press_each(pilot, "ctrl+s")
        assert not isinstance(app.screen, SaveDialog)
        assert rec.messages[-1][1] == "error" and rec.messages[-1][0].startswith("W1 holds a non-finite number")
        assert sorted(p.name for p in folder.iterdir()) == before
        await pilot.press("p")  # one step back the weights are finite again: saving works
        await press_each(pilot, "ctrl+s")
        assert isinstance(app.screen, SaveDialog)


async def test_save_in_the_prompt_reports_a_write_error_and_stays_open(folder, monkeypatch):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        await press_each(pilot, "ctrl+s")
        import bptui.scenario.writer as writer

        def refuse(*args, **kw):
            raise writer.SaveError("cannot write here (Permission denied)")

        monkeypatch.setattr(writer, "save_scenario", refuse)  # bptui.tui.files loads it when saving
        await pilot.press("enter")
        assert isinstance(app.screen, SaveDialog) and "Permission denied" in error_of(app, "#save-error")


async def test_save_clears_the_unsaved_edits_mark(folder):
    app = streetlight_file()
    async with app.run_test(size=(120, 40)) as pilot:
        app.edits_unsaved = True
        await press_each(pilot, "ctrl+s", "enter")
        assert not app.has_unsaved_edits()


# --- q and unsaved edits ------------------------------------------------------------------------------


async def test_quit_without_edits_quits_at_once(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.has_unsaved_edits()
        await press_each(pilot, "q")
        assert app._exit


@pytest.mark.parametrize("no", ["n", "escape"])
async def test_quit_with_unsaved_edits_asks_first(scenario, no):
    app = BptuiApp(scenario)
    async with app.run_test(size=(80, 24)) as pilot:
        app.edits_unsaved = True
        await press_each(pilot, "q")
        assert isinstance(app.screen, ConfirmDialog) and not app._exit
        assert "unsaved edits" in str(app.screen.query_one(Label).render())
        await pilot.press("q", "x", "space")  # other keys answer nothing and do nothing
        assert isinstance(app.screen, ConfirmDialog) and app.debugger.g == 0 and not app._exit
        await press_each(pilot, no)
        assert not isinstance(app.screen, ConfirmDialog) and not app._exit
        await pilot.press("n")
        assert app.debugger.g == 1  # the app goes on
        await press_each(pilot, "q", "y")
        assert app._exit


async def test_ctrl_q_with_unsaved_edits_asks_too(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        app.edits_unsaved = True
        await press_each(pilot, "ctrl+q")
        assert isinstance(app.screen, ConfirmDialog) and not app._exit
        await press_each(pilot, "ctrl+q")  # asked once, not stacked
        assert sum(isinstance(s, ConfirmDialog) for s in app.screen_stack) == 1
        await press_each(pilot, "y")
        assert app._exit
