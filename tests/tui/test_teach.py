"""Predict mode (P), edit (=) and the Notation legend (N) driven through Pilot, wrong input included."""

from __future__ import annotations

import numpy as np
import pytest

from bptui.engine.network import initial_params
from bptui.tui import BptuiApp
from bptui.tui.screens.edit import EditScreen
from bptui.tui.screens.help import help_text
from bptui.tui.screens.notation import NotationScreen
from bptui.tui.screens.predict import PredictScreen

from .conftest import Recorder, pane_text, streetlight

BAD_NUMBERS = [
    ("", "type a number"),
    ("abc", "is not a number"),
    ("nan", "nan is not allowed"),
    ("inf", "infinite"),
    ("-inf", "infinite"),
    ("1e999", "infinite"),
    ("7" * 70, "characters long"),
]


def status(app: BptuiApp) -> str:
    return app.query_one("#status").render().plain


def snapshot(app: BptuiApp) -> dict:
    return {k: np.array(v, copy=True) for k, v in app.debugger.values().items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


async def type_in(pilot, text: str) -> None:
    await pilot.press(*list(text) if text else [])


async def clear(pilot) -> None:
    """Empty the focused input (as select-all and delete would)."""
    pilot.app.screen.focused.value = ""
    await pilot.pause()


def book_forward(sc, W1, x):
    z1 = x @ W1
    return z1, np.maximum(z1, 0)


# --- predict -------------------------------------------------------------------------------------


async def test_predict_mode_asks_refuses_bad_input_and_escape_cancels():
    app = BptuiApp(streetlight())
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("P")
        assert "predict 0/0" in status(app)
        await pilot.press("n")
        assert isinstance(app.screen, PredictScreen)
        question = app.screen.query_one("#predict-question").render().plain
        assert question.startswith("predict a1[0] (forward 1)")  # the Inspector's selection W1[0,0]: unit 0
        assert "a1   ? a1[0]: predict it" in pane_text(app, "inspector")  # where the answer goes
        before = snapshot(app)
        for text, message in BAD_NUMBERS:
            await clear(pilot)
            await type_in(pilot, text[:8])  # typed for real; the rest set at once (70 presses are slow)
            app.screen.focused.value = text
            await pilot.press("enter")
            assert isinstance(app.screen, PredictScreen), text
            assert message in app.screen.query_one("#predict-error").render().plain, text
            assert app.debugger.g == 0 and same(snapshot(app), before)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PredictScreen)
        assert app.debugger.g == 0 and "predict 0/0" in status(app)
        assert "nothing stepped" in rec.text()
        assert "predict it" not in pane_text(app, "inspector")


async def test_predictions_are_scored_against_the_books_numbers():
    sc = streetlight()
    app = BptuiApp(sc)
    rec = Recorder(app)
    W1, W2 = initial_params(sc).W
    _z1, a1 = book_forward(sc, W1, sc.data_inputs[0])
    y = float(a1 @ W2[:, 0])
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("P", "n")
        await type_in(pilot, f"{a1[0] + 0.0009:.6f}")  # within the absolute 0.001 of a1[0] = 0
        await pilot.press("enter")
        await pilot.pause()
        assert app.debugger.g == 1 and "predict 1/1" in status(app)
        assert "✓ right: a1[0] = 0" in rec.text()
        await pilot.press("n")
        assert "predict a2[0] (forward 2)" in app.screen.query_one("#predict-question").render().plain
        guess = y * 1.02  # 2% off: wrong
        await type_in(pilot, f"{guess:.6f}")
        await pilot.press("enter")
        await pilot.pause()
        assert app.debugger.g == 2 and "predict 1/2" in status(app)
        wrong = rec.messages[-1][0]
        assert wrong.startswith(f"✗ wrong: a2[0] = {y:.6g}, you said {guess:.6g}")
        assert f"within ±{0.01 * abs(y):.3g}" in wrong
        assert "a2 = " in wrong.splitlines()[1]  # the derivation line of the element, from the engine
        await pilot.press("n")
        await type_in(pilot, "0")
        await pilot.press("enter")  # the loss: 0 is wrong
        await pilot.pause()
        assert "predict 1/3" in status(app)
        await pilot.press("P")
        assert "predict" not in status(app).replace("Predict", "")
        assert "1 of 3 right" in rec.text()
        await pilot.press("n")  # plain stepping again
        assert app.debugger.g == 4 and not isinstance(app.screen, PredictScreen)


async def test_a_scenarios_predict_list_asks_only_on_its_steps():
    app = BptuiApp(streetlight(predict=("dW1[0,1]",)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("P", "n", "n", "n", "n")
        assert app.debugger.g == 4 and not isinstance(app.screen, PredictScreen)
        await pilot.press("n")
        assert "predict dW1[0,1] (backward 1)" in app.screen.query_one("#predict-question").render().plain
        await type_in(pilot, "1")
        await pilot.press("enter")
        await pilot.pause()
        assert app.debugger.g == 5


# --- edit ----------------------------------------------------------------------------------------


async def test_edit_refuses_bad_input_in_the_prompt_and_leaves_state_intact():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        before = snapshot(app)
        await pilot.press("equals_sign")
        assert isinstance(app.screen, EditScreen)
        assert app.screen.query_one("#edit-name").value == "W1[0,0]"
        assert app.screen.query_one("#edit-value").value == repr(float(app.debugger.params.W[0][0, 0]))
        for text, message in BAD_NUMBERS:
            await clear(pilot)
            await type_in(pilot, text[:8])
            app.screen.focused.value = text
            await pilot.press("enter")
            assert message in app.screen.query_one("#edit-error").render().plain, text
        await pilot.press("shift+tab")  # to the name
        for name, message in [
            ("z1[0]", "computed by the network"),
            ("W9[0,0]", "layers 1 to 2"),
            ("W1[5,5]", "W1 is 3×4"),
            ("\x1b[2J", "cannot edit"),
        ]:
            app.screen.query_one("#edit-name").value = name  # an escape sequence cannot be typed
            await pilot.press("enter")
            assert message in app.screen.query_one("#edit-error").render().plain, name
        await clear(pilot)
        await type_in(pilot, "learning_rate")
        await pilot.press("tab")
        await clear(pilot)
        await type_in(pilot, "0")
        await pilot.press("enter")
        assert "greater than 0" in app.screen.query_one("#edit-error").render().plain
        assert app.debugger.g == 1 and same(snapshot(app), before)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
        assert same(snapshot(app), before) and app.debugger.timeline.net.learning_rate == 0.2
        await pilot.press("u")
        assert app.debugger.g == 0  # nothing was recorded but the step


async def test_edit_a_weight_marks_it_later_steps_use_it_and_undo_is_exact():
    sc = streetlight()
    app = BptuiApp(sc)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        before = snapshot(app)
        await pilot.press("equals_sign")
        await pilot.pause()
        name = app.screen.query_one("#edit-name").value
        assert name == "W1[0,0]"  # the Inspector's selection
        await type_in(pilot, "0.5")  # the value is selected on focus: typing replaces it
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EditScreen)
        assert f"{name}: " in rec.text() and "→ 0.5 ✎" in rec.text()
        i, j = (int(v) for v in name[3:-1].split(","))
        W1 = initial_params(sc).W[0].copy()
        W1[i, j] = 0.5
        z1, a1 = book_forward(sc, W1, sc.data_inputs[0])
        assert np.array_equal(app.debugger.values()["z1"], z1)  # the pass is recomputed with the edit
        assert "W1   ✎" in pane_text(app, "inspector")
        await pilot.press("n", "n")
        W2 = initial_params(sc).W[1]
        assert app.debugger.values()["a2"][0] == pytest.approx(float(a1 @ W2[:, 0]), abs=1e-15)
        await pilot.press("u", "u", "u")  # the two steps, then the edit
        assert same(snapshot(app), before)
        assert "✎" not in pane_text(app, "inspector")
        await pilot.press("U")
        assert app.debugger.params_values()["W1"][i, j] == 0.5


async def test_edit_the_learning_rate_by_name():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("equals_sign", "shift+tab")
        await clear(pilot)
        await type_in(pilot, "lr")
        assert app.screen.query_one("#edit-now").render().plain == "now 0.2"
        await pilot.press("tab")
        await type_in(pilot, "0.05")
        await pilot.press("enter")
        await pilot.pause()
        assert app.debugger.timeline.net.learning_rate == 0.05


# --- notation, help and palette ------------------------------------------------------------------


async def test_notation_legend_and_the_scenarios_names():
    app = BptuiApp(streetlight(names={"a0": "x", "a1": "h", "a2": "y"}))
    async with app.run_test(size=(120, 40)) as pilot:
        assert "a1 (h)" in pane_text(app, "inspector")
        await pilot.press("N")
        assert isinstance(app.screen, NotationScreen)
        text = app.screen.query_one("Static").render().plain
        for piece in ("a0", "the input sample", "dz{l}", "δ{l}", "This scenario's names", "learning rate (0.2"):
            assert piece in text, piece
        await pilot.press("q")
        assert not isinstance(app.screen, NotationScreen)


async def test_help_and_palette_list_the_teaching_keys():
    text = help_text().plain
    assert "P " in text and "predict mode" in text
    assert "= " in text and "edit the selected weight" in text
    assert "N " in text and "notation legend" in text
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        commands = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Predict (P)", "Edit (=)", "Notation (N)"} <= set(commands)
        await commands["Predict (P)"].callback()
        await pilot.pause()
        assert app.predicting and "predict 0/0" in status(app)


async def test_a_seed_000_lesson_in_predict_mode_with_the_books_numbers():
    """y = w·x + b, x = 2, w = 0.5, b = 1, t = 4, η = 0.1: y = 2, loss = 2, ∂loss/∂w = −4, w → 0.9."""
    from .conftest import single_neuron

    app = BptuiApp(single_neuron())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("P")
        for asked, answer in (
            ("a1[0] (forward 1)", "2"),
            ("loss (loss)", "2"),
            ("dW1[0,0] (backward 1)", "-4"),
            ("W1[0,0] (update)", "0.9"),
        ):
            await pilot.press("n")
            assert f"predict {asked}" in app.screen.query_one("#predict-question").render().plain
            await type_in(pilot, answer)
            await pilot.press("enter")
            await pilot.pause()
        assert "predict 4/4" in status(app)
        assert app.debugger.params_values()["W1"][0, 0] == pytest.approx(0.9, abs=1e-15)


async def test_an_edit_is_unsaved_until_saved_and_the_save_keeps_it(tmp_path):
    from bptui.scenario import load_scenario
    from bptui.tui import files

    app = BptuiApp(streetlight(predict=("a2",), names={"a1": "h"}))
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.has_unsaved_edits()
        await pilot.press("equals_sign", "shift+tab")
        await clear(pilot)
        await type_in(pilot, "lr")
        await pilot.press("tab")
        await type_in(pilot, "0.05")
        await pilot.press("enter")
        await pilot.pause()
        assert app.has_unsaved_edits()
        await pilot.press("equals_sign")
        await type_in(pilot, "0.25")
        await pilot.press("enter")
        await pilot.pause()
        assert files.save_to(app, tmp_path / "lesson.toml", overwrite=False) is None
        assert not app.has_unsaved_edits()
    saved = load_scenario(tmp_path / "lesson.toml")
    assert saved.training.learning_rate == 0.05
    assert saved.layers[0].weights[0, 0] == 0.25  # row convention: W1[0,0]
    assert saved.predict == ("a2",) and saved.names == {"a1": "h"}
