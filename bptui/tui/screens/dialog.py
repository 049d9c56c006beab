"""The base of every modal screen: it is dismissed once, and only while it is on top.

Keys that arrive in one read are all queued before any is handled (see ``widgets/field.py``), so
``enter enter`` submits a dialog twice, and a second ``dismiss`` pops whatever is on top by then:
the main screen (ScreenStackError: the app ends, found by the pty abuse run on the edit prompt)
or another dialog. Later answers are ignored instead.
"""

from __future__ import annotations

from typing import TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen

Result = TypeVar("Result")


class Dialog(ModalScreen[Result]):
    answered = False  # dismissed already: what was queued behind the answer is ignored

    def dismiss(self, result: Result | None = None) -> AwaitComplete:
        if self.answered or self.app.screen is not self:
            return AwaitComplete()
        self.answered = True
        return super().dismiss(result)
