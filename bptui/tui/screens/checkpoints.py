"""The checkpoints list (``k``): every ``[[expect]]`` block, ✓ held, ✗ failed (expected vs actual), · not reached."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from bptui.engine.checkpoints import CheckpointState
from bptui.printable import printable

from .dialog import Dialog


def checkpoints_text(states: list[CheckpointState]) -> str:
    if not states:
        return "this scenario has no [[expect]] blocks\n\nescape, k or q closes this list"
    held = sum(1 for s in states if s.result is not None and s.result.ok)
    failed = sum(1 for s in states if s.result is not None and not s.result.ok)
    head = f"{held} ✓ held · {failed} ✗ failed · {len(states) - held - failed} · not reached"
    body = "\n".join(printable(s.describe(), 600) for s in states)
    return f"{head}\n\n{body}\n\nescape, k or q closes this list"


class CheckpointsScreen(Dialog[None]):
    BINDINGS = [Binding("escape,k,q", "dismiss", "Close", show=False)]

    def __init__(self, states: list[CheckpointState]) -> None:
        super().__init__()
        self.states = states

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="checkpoints", classes="prompt") as box:
            box.border_title = "Checkpoints"
            yield Static(checkpoints_text(self.states), id="checkpoints-text", markup=False)
