"""Found by the pty abuse run: escape right behind ``c`` (or behind the run dialog's enter) left the
app "busy" for good: its worker was cancelled before it started, so it never said it was done,
and every command after answered "a continue is under way"."""

from __future__ import annotations

import pytest

from bptui.tui import BptuiApp

from .abuse import load
from .conftest import post_keys


@pytest.mark.parametrize("name", ["sigmoid_221", "streetlight"])
async def test_escape_queued_behind_continue_leaves_the_app_usable(name):
    app = BptuiApp(load(name))
    async with app.run_test(size=(100, 30)) as pilot:
        post_keys(app, ("c", "c"), ("escape", "\x1b"))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.busy is None
        g = app.debugger.g
        await pilot.press("n")
        assert app.debugger.g == g + 1


async def test_escape_queued_behind_a_run_leaves_the_app_usable():
    app = BptuiApp(load("streetlight"))
    async with app.run_test(size=(100, 30)) as pilot:
        app.start_run(1000000)  # what the dialog's answer does, and escape in the same tick
        app.action_stop()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.busy is None
        assert app.debugger.g < 1000000 * app.debugger.layout.per_epoch  # stopped, not finished
        g = app.debugger.g
        await pilot.press("n")
        assert app.debugger.g == g + 1
