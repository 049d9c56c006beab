"""The ``r`` question: how many epochs to run (default: the scenario's ``epochs``).

The field is a plain text Input checked by ``parse_epochs``, not ``Input(type="integer")``: that
type full-matches ``[-+]?(?:\\d*|\\d+_)*`` on every key, which backtracks exponentially (24 digits
then a letter froze the UI for 1.7 s, 28 for 36 s). The length is bounded too, so a paste of a
megabyte cannot make each key cost a megabyte.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Label

from bptui.engine import MAX_EPOCHS  # the most epochs a timeline holds

from ..widgets.field import Field
from .dialog import Dialog

MAX_CHARS = 16  # characters the field holds: room for the largest number and some spaces
RANGE = f"a whole number from 1 to {MAX_EPOCHS:,}"


def parse_epochs(text: str) -> int | str:
    """The number of epochs in ``text``, or one line saying why it is not one.

    ASCII digits only (``int()`` would also take ``+5``, ``1_0`` and ``١٢``), surrounding spaces
    allowed; linear in the length, which is checked first.
    """
    if len(text) > MAX_CHARS:
        return f"too long: {RANGE}"
    digits = text.strip(" ")
    if not digits:
        return f"type {RANGE}"
    if not (digits.isascii() and digits.isdigit()):
        return f"digits only: {RANGE}"
    n = int(digits)  # at most MAX_CHARS digits: cheap
    if not 1 <= n <= MAX_EPOCHS:
        return f"out of range: {RANGE}"
    return n


class EpochsInput(Field):
    """The epochs field; says so when an edit is refused for its length (instead of a bare bell)."""

    class Refused(Message):
        """An edit would have made the text longer than the field allows."""

    def restricted(self) -> None:
        super().restricted()
        self.post_message(self.Refused())


class RunDialog(Dialog[int | None]):
    """Dismisses with the number of epochs, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, default: int) -> None:
        super().__init__()
        self.default = default

    def answer(self, result: int | None) -> None:
        """Dismiss (once: keys that arrive together, enter enter or enter escape, are all handled;
        ``Dialog`` ignores the answers after the first)."""
        self.dismiss(result)

    def compose(self) -> ComposeResult:
        with Vertical(id="run-dialog") as box:
            box.border_title = "Run epochs"
            yield Label("How many epochs? (enter runs, escape cancels)")
            yield EpochsInput(str(self.default), id="epochs", select_on_focus=True, max_length=MAX_CHARS)
            yield Label("", id="run-error")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # deterministic screenshots, no idle redraws

    def _say(self, text: str) -> None:
        self.query_one("#run-error", Label).update(text)

    @on(Input.Changed)
    def check(self, event: Input.Changed) -> None:
        """Say at once what is wrong with the text (and nothing while it is right)."""
        n = parse_epochs(event.value)
        self._say(n if isinstance(n, str) and event.value.strip() else "")

    @on(EpochsInput.Refused)
    def refused(self) -> None:
        self._say(f"at most {MAX_CHARS} characters: {RANGE}")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        n = parse_epochs(event.value)
        if isinstance(n, str):
            self._say(n)
            return
        self.answer(n)

    def action_cancel(self) -> None:
        self.answer(None)
