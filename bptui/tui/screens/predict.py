"""The predict-mode question (``P``, then a step): type the value the next micro-step computes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from bptui.engine.entry import MAX_CHARS, parse_number

from ..widgets.field import Field
from .dialog import Dialog


class PredictScreen(Dialog[float | None]):
    """Dismisses with the guess, or ``None`` when cancelled (escape: nothing steps)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, question: str, rule: str, score: str = "") -> None:
        super().__init__()
        self.question = question
        self.rule = rule
        self.score = score

    def compose(self) -> ComposeResult:
        with Vertical(id="predict-dialog", classes="prompt") as box:
            box.border_title = "Predict"
            yield Label(f"{self.question}: what will it be?", id="predict-question", markup=False)
            yield Label(f"{self.rule} · enter answers, escape cancels{self.score}", classes="prompt-hint", markup=False)
            yield Field(placeholder="a number, e.g. 0.25", id="guess", max_length=MAX_CHARS + 8)
            yield Label("", id="predict-error", classes="prompt-error", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # deterministic screenshots, no idle redraws

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        try:
            guess = parse_number(event.value)
        except ValueError as exc:
            self.query_one("#predict-error", Label).update(str(exc))
            return
        self.dismiss(guess)

    def action_cancel(self) -> None:
        self.dismiss(None)
