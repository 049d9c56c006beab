"""Issue 8, fault 6: a jump that replays much (undo of home after a long run, redo) never freezes the UI."""

from __future__ import annotations

import threading

import numpy as np

from bptui.engine import Debugger
from bptui.tui import BptuiApp
from bptui.tui import app as app_module

from .conftest import Recorder, press_and_wait, streetlight


async def test_a_costly_jump_runs_in_the_worker_and_lands_exactly(scenario, monkeypatch):
    monkeypatch.setattr(app_module, "INLINE_PASSES", 0)  # every jump counts as costly
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e", "e", "n", "n")
        g = app.debugger.g
        for keys, expected in [(("home",), 0), (("u",), g), (("U",), 0), (("u",), g), (("p",), g - 1)]:
            await press_and_wait(pilot, *keys)
            assert app.busy is None and app.debugger.g == expected, keys
        reference = Debugger(streetlight())
        reference.goto(g - 1)
        for name, value in reference.values().items():
            np.testing.assert_array_equal(app.state.values[name], value, err_msg=name)
        assert app.state.losses.tolist() == reference.epoch_losses


async def test_keys_during_a_costly_jump_say_it_is_under_way(scenario, monkeypatch):
    app = BptuiApp(scenario)
    rec = Recorder(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r", *"30", "enter")
        await app.workers.wait_for_complete()
        await pilot.press("home")
        await pilot.pause()
        dbg = app.debugger
        end = dbg.target_undo()
        monkeypatch.setattr(app_module, "INLINE_PASSES", 0)
        assert end is not None and dbg.replay_cost(end) > app_module.INLINE_PASSES  # undo goes to the worker
        release = threading.Event()
        undo = dbg.undo

        def held_undo(**kw):  # the jump stays under way until the test lets it go
            assert release.wait(30)
            return undo(**kw)

        monkeypatch.setattr(dbg, "undo", held_undo)
        try:
            await pilot.press("u")
            assert app.busy == "undo"
            await pilot.press("n", "e")
            assert rec.text().count("an undo is under way") == 2
        finally:
            release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.busy is None and dbg.g == end  # the undo landed; n and e did nothing


async def test_undo_after_home_after_a_long_run_replays_at_most_one_stride(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await press_and_wait(pilot, "r", *"5000", "enter")
        dbg = app.debugger
        end = dbg.g
        await pilot.press("home")
        assert dbg.replay_cost(end) <= app_module.INLINE_PASSES  # a checkpoint near the end: no full replay
        await press_and_wait(pilot, "u")
        assert dbg.g == end and dbg.position.epoch == 5000
