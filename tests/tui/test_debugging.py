"""Breakpoints (b), the checkpoints list (k) and divergence explained (x), driven through Pilot.

Wrong input in every prompt is refused with a message and changes nothing.
"""

from __future__ import annotations

import numpy as np

from bptui.engine import Expectation
from bptui.engine.breakpoints import Breakpoint
from bptui.tui import BptuiApp
from bptui.tui.files import replace_scenario
from bptui.tui.screens.breakpoints import BreakpointsScreen
from bptui.tui.screens.checkpoints import CheckpointsScreen
from bptui.tui.screens.divergence import DivergenceScreen
from bptui.tui.screens.help import help_text

from ..builders import diverging
from .conftest import Recorder, single_neuron, streetlight


def status(app: BptuiApp) -> str:
    return app.query_one("#status").render().plain


def text_of(app: BptuiApp, selector: str) -> str:
    return app.screen.query_one(selector).render().plain


async def enter_text(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector)
    field.focus()
    field.value = ""
    await pilot.press(*list(text))
    await pilot.press("enter")
    await pilot.pause()


async def test_breakpoints_dialog_adds_refuses_wrong_input_and_removes():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("b")
        assert isinstance(app.screen, BreakpointsScreen)
        assert text_of(app, "#bp-list") == "1. non-finite value"
        book = app.debugger.breakpoints
        await pilot.press("enter")  # the first kind: loss_below
        for wrong, says in [("abc", "not a number"), ("nan", "nan is not allowed"), ("", "type a number")]:
            await enter_text(pilot, "#bp-value", wrong)
            assert says in text_of(app, "#bp-error"), wrong
            assert [b.kind for b in book.items] == ["nonfinite"]
        await enter_text(pilot, "#bp-value", "0.05")
        assert book.items[-1] == Breakpoint("loss_below", 0.05) and text_of(app, "#bp-error") == ""
        assert "2. loss < 0.05" in text_of(app, "#bp-list")
        app.screen.query_one("#bp-kinds").focus()
        await pilot.press("down", "down", "down", "enter")  # epoch
        for wrong, says in [("-3", "negative"), ("0", "out of range"), ("x1", "not a whole number"), ("", "whole")]:
            await enter_text(pilot, "#bp-value", wrong)
            assert says in text_of(app, "#bp-error"), wrong
            assert len(book.items) == 2
        await enter_text(pilot, "#bp-value", "7")
        assert book.items[-1] == Breakpoint("epoch", 7)
        app.screen.query_one("#bp-kinds").focus()
        await pilot.press("down", "enter")  # sample: streetlight has 4
        await enter_text(pilot, "#bp-value", "5")
        assert "4 sample" in text_of(app, "#bp-error") and len(book.items) == 3
        for wrong, says in [("two", "type the number"), ("-1", "type the number"), ("9", "no breakpoint 9")]:
            await enter_text(pilot, "#bp-remove", wrong)
            assert says in text_of(app, "#bp-error"), wrong
            assert len(book.items) == 3
        await enter_text(pilot, "#bp-remove", "3")
        assert [b.kind for b in book.items] == ["nonfinite", "loss_below"]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, BreakpointsScreen)


async def test_a_run_stops_at_the_breakpoint_says_so_and_undo_returns():
    app = BptuiApp(streetlight())
    rec = Recorder(app)
    app.debugger.breakpoints.add(Breakpoint("loss_below", 0.05))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.debugger.position.epoch == 30 and app.debugger.position.step == "update"
        assert "⏸ loss < 0.05" in status(app)
        assert "breakpoint loss < 0.05 fired at epoch 30, sample 4/4, step update" in rec.text()
        await pilot.press("b")
        assert "◀ fired last, at epoch 30" in text_of(app, "#bp-list")
        await pilot.press("escape", "u")
        await pilot.pause()
        assert app.debugger.g == 0 and "⏸" not in status(app)


async def test_checkpoints_list_and_the_status_mark_as_one_is_passed():
    sc = single_neuron()
    wrong = Expectation(epoch=1, sample=1, after="loss", tolerance=1e-9, values={"loss": np.array(9.0)})
    from dataclasses import replace

    app = BptuiApp(replace(sc, expectations=sc.expectations + (wrong,)))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        assert isinstance(app.screen, CheckpointsScreen)
        body = text_of(app, "#checkpoints-text")
        assert "0 ✓ held · 0 ✗ failed · 3 · not reached" in body and "· 1. epoch 1 sample 1 after forward 1" in body
        await pilot.press("escape", "s")  # the whole sample: passes all three
        await pilot.pause()
        line = status(app)
        assert "✓ checkpoint 1/3" in line and "✗ checkpoint 2/3" in line and "✓ checkpoint 3/3" in line
        await pilot.press("k")
        body = text_of(app, "#checkpoints-text")
        assert "2 ✓ held · 1 ✗ failed · 0 · not reached" in body
        assert "✗ 2. epoch 1 sample 1 after loss: loss = [2.] expected [9.] (off by 7)" in body  # ½(2 − 4)² = 2
        assert app.debugger.g == 4  # listing moved nothing
        await pilot.press("k")
        assert not isinstance(app.screen, CheckpointsScreen)


async def test_explain_divergence_on_x():
    app = BptuiApp(diverging())
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("x")
        assert "nothing here is non-finite" in rec.text() and not isinstance(app.screen, DivergenceScreen)
        await pilot.press("r", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "x explains it" in rec.text() and "⏸ non-finite value" in status(app)
        g = app.debugger.g
        await pilot.press("x")
        assert isinstance(app.screen, DivergenceScreen)
        body = text_of(app, "#divergence-text")
        assert "cause: a product overflowed: (y − t)²" in body and "learning_rate = 0.02" in body
        await pilot.press("escape", "home")
        await pilot.pause()
        assert app.debugger.g == 0
        await pilot.press("u")
        await pilot.pause()
        assert app.debugger.g == g


async def test_keys_are_in_help_and_the_palette():
    text = help_text().plain
    for key, what in [("b", "breakpoints"), ("k", "checkpoints"), ("x", "explain a divergence")]:
        assert any(line.startswith(key + " ") and what in line for line in text.splitlines()), key
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)):
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert any(t.startswith("Breakpoints (b)") for t in titles)
        assert any(t.startswith("Checkpoints (k)") for t in titles)
        assert any(t.startswith("Why diverged (x)") for t in titles)


async def test_opening_resets_breakpoints_and_reloading_keeps_them():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        app.debugger.breakpoints.add(Breakpoint("epoch", 3))
        app.debugger.breakpoints.add(Breakpoint("sample", 4))
        await replace_scenario(app, streetlight(), keep_breakpoints=True)
        await pilot.pause()
        assert [b.kind for b in app.debugger.breakpoints.items] == ["nonfinite", "epoch", "sample"]
        await replace_scenario(app, single_neuron(), keep_breakpoints=True)  # 1 sample: sample 4 goes
        assert [b.kind for b in app.debugger.breakpoints.items] == ["nonfinite", "epoch"]
        await replace_scenario(app, streetlight())
        assert [b.kind for b in app.debugger.breakpoints.items] == ["nonfinite"]
