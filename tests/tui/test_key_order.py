"""Keys that arrive together (one read from the terminal) and messages that arrive late: what the
pty abuse run found (issue 12).

Textual hands the App every key of a read at once, and a key reaches a binding only after it has
bubbled from the focused widget up to the App, one message queue at a time. So a message posted
before a dialog opened can be handled after it (a pane focused by a click, a late ``tab``), and
within an Input a character is inserted before a backspace that came first. These tests post the
events as the driver does (``post_message``, no waiting between them), not with ``pilot.press``,
which waits for each key to be handled.
"""

from __future__ import annotations

from textual import events
from textual.events import DescendantFocus

from bptui.tui import BptuiApp
from bptui.tui.screens import HelpScreen, RunDialog
from bptui.tui.screens.edit import EditScreen

from .conftest import streetlight

CHARACTERS = {"backspace": "\x7f", "enter": "\r", "escape": "\x1b", "question_mark": "?", "tab": "\t"}


def typed(app: BptuiApp, *keys: str) -> None:
    """Keys as the driver posts them from one read: all queued before any is handled."""
    for key in keys:
        app.post_message(events.Key(key, CHARACTERS.get(key, key if len(key) == 1 else None)))


async def test_a_pane_focused_late_does_not_take_the_focus_of_a_dialog():
    """A pane focused (by a click) just before ``?``: its focus message is handled after the help
    opened. The help keeps its focus, so ``q`` closes the help and does not quit, and escape
    closes it too (the pty run: the app quit on the probe's q; ``r`` found the help still open)."""
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        loss = app.query_one("#loss")
        app.post_message(DescendantFocus(loss))  # what the click's focus sends, arriving late
        await pilot.pause()
        assert app.screen.focused is None or app.screen.focused.screen is app.screen
        typed(app, "q")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert not isinstance(app.screen, HelpScreen)
        assert app.query_one("#loss").has_class("-current")  # the late focus still chose the pane
        await pilot.press("question_mark")
        app.post_message(DescendantFocus(app.query_one("#network")))
        await pilot.pause()
        typed(app, "escape")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, HelpScreen)
        await pilot.press("r")
        assert isinstance(app.screen, RunDialog)


async def test_keys_in_one_read_edit_the_run_dialog_in_order():
    """Backspaces then a digit in one read give the digit (Textual alone inserts the digit first,
    then the backspaces, bound one level up, delete it); a digit, backspace, digit give the last."""
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        field = app.screen.query_one("#epochs")
        assert field.value == "60"
        typed(app, "end", "backspace", "backspace", "backspace", "7")
        await pilot.pause()
        assert field.value == "7"
        typed(app, "8", "backspace", "9", "left", "1", "home", "delete")
        await pilot.pause()
        assert field.value == "19"
        typed(app, "end", "backspace", "backspace", "3", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, RunDialog)
        assert app.debugger.layout.completed_epochs(app.debugger.g) == 3


async def test_enter_twice_in_one_read_answers_the_edit_prompt_once():
    """``= enter enter``: the edit was dismissed twice, the second time popping the main screen
    (ScreenStackError: the app ended with a traceback, found by the pty abuse run)."""
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("equals_sign")
        assert isinstance(app.screen, EditScreen)
        field = app.screen.query_one("#edit-value")
        field.value = "0.5"
        typed(app, "enter", "enter", "enter")
        await pilot.pause()
        assert app._exception is None and app.is_running
        assert len(app.screen_stack) == 1
        assert app.edits_unsaved and app.debugger.target_undo() is not None  # the edit applied
        await pilot.press("u")  # and only once: one undo takes it back, nothing is left to undo
        await pilot.pause()
        assert app.debugger.target_undo() is None


async def test_a_key_typed_on_one_screen_does_not_act_on_the_next():
    """``r`` then enter in one read: the enter, sent to the main screen, was looked up after the
    Run dialog opened and ran the default 60 epochs. Keys typed together all belong to the screen
    on top when they came: ``? q q`` opens the help and nothing else (the q's were looked up in the
    help's bindings, the second one after the first had closed it: it quit)."""
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        typed(app, "r", "enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, RunDialog) and app.debugger.g == 0  # asked, nothing run
        await pilot.press("escape")
        typed(app, "question_mark", "q", "q")
        await pilot.pause()
        assert app.return_code is None and isinstance(app.screen, HelpScreen)
        await pilot.press("q")  # typed on the help: closes it
        assert app.return_code is None and not isinstance(app.screen, HelpScreen)
        await pilot.press("q")  # typed on the main screen: quits
        assert app.return_code == 0


async def test_escape_typed_with_the_enter_that_starts_a_run_stops_it():
    """enter escape in the Run dialog: the escape, looked up before the run began, did not stop
    it (a million epochs ran). Now the field takes both in order: the escape cancels."""
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("r")
        app.screen.query_one("#epochs").value = "1000000"
        typed(app, "enter", "escape")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.busy is None and not isinstance(app.screen, RunDialog)
        assert app.debugger.g == 0
