"""A long lesson does not grow: a closed dialog leaves nothing behind (issue 10's leak hunt).

Two things kept closed dialogs alive: the key-order guard remembered the screen of every key, and a
key typed into the Run dialog's field never came back to be forgotten; Textual's style cache kept
the last 1024 widgets' drawn lines (``bptui.tui.leaks``). Both are checked by what is still alive
after the dialogs closed, not by bytes (a count does not depend on the machine).
"""

from __future__ import annotations

import gc
import weakref

from textual._styles_cache import StylesCache
from textual.widget import Widget

from bptui.tui import BptuiApp
from bptui.tui.screens import RunDialog

from .conftest import streetlight


async def test_closed_dialogs_and_their_widgets_are_freed():
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        gc.collect()
        widgets_before = sum(isinstance(o, Widget) for o in gc.get_objects())
        closed: list[weakref.ref] = []
        for _ in range(12):
            await pilot.press("r")
            assert isinstance(app.screen, RunDialog)
            closed.append(weakref.ref(app.screen))
            await pilot.press("5", "escape")  # a key the dialog's field consumed, then close
            await pilot.press("question_mark")
            closed.append(weakref.ref(app.screen))
            await pilot.press("escape")
        await pilot.pause()
        gc.collect()
        assert not [ref() for ref in closed if ref() is not None]
        widgets_after = sum(isinstance(o, Widget) for o in gc.get_objects())
        assert widgets_after == widgets_before
        style_caches = sum(isinstance(o, StylesCache) for o in gc.get_objects())
        assert style_caches <= widgets_after  # one per living widget at most: none of a closed dialog's
        assert app.debugger.g == 0  # and the escapes closed the dialogs without running
