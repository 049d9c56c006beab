"""The ``r`` question: how many epochs to run (default: the scenario's ``epochs``)."""
from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

MAX_EPOCHS = 10**9


class RunDialog(ModalScreen[int | None]):
    """Dismisses with the number of epochs, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, default: int) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical(id="run-dialog") as box:
            box.border_title = "Run epochs"
            yield Label("How many epochs? (enter runs, escape cancels)")
            yield Input(str(self.default), type="integer", id="epochs", select_on_focus=True)
            yield Label("", id="run-error")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # deterministic screenshots, no idle redraws

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        try:
            n = int(event.value)
        except ValueError:
            n = 0
        if not 1 <= n <= MAX_EPOCHS:
            self.query_one("#run-error", Label).update(f"enter a whole number from 1 to {MAX_EPOCHS:,}")
            return
        self.dismiss(n)

    def action_cancel(self) -> None:
        self.dismiss(None)
