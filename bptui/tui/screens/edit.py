"""The edit prompt (``=``): which value (the Inspector's selection by default) and its new number."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from bptui.engine.entry import MAX_CHARS, parse_number

from ..widgets.field import Field
from .dialog import Dialog

Check = Callable[[str, float | None], str | None]  # (name, value or None) → what is wrong, or None
Current = Callable[[str], str]  # name → its value now, as text ("" when the name is not valid)


class EditScreen(Dialog[tuple[str, float] | None]):
    """Dismisses with (name, value), checked by the App's ``check``; ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, name: str, check: Check, current: Current) -> None:
        super().__init__()
        self.target = name
        self.check = check
        self.current = current

    def compose(self) -> ComposeResult:
        now = self.current(self.target)
        with Vertical(id="edit-dialog", classes="prompt") as box:
            box.border_title = "Edit"
            yield Label(
                "Value: W1[0,1], b2[0], a0[1] (input), t[0] (target) or learning_rate",
                classes="prompt-hint",
                markup=False,
            )
            yield Field(self.target, id="edit-name", max_length=40)
            yield Label(f"now {now}", id="edit-now", markup=False)
            yield Field(
                now,
                id="edit-value",
                placeholder="the new value, e.g. 0.5",
                max_length=MAX_CHARS + 8,
                select_on_focus=True,
            )
            yield Label(
                "enter applies (u undoes it), tab switches fields, escape cancels", classes="prompt-hint", markup=False
            )
            yield Label("", id="edit-error", classes="prompt-error", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#edit-value", Input).focus()

    @on(Input.Changed, "#edit-name")
    def _name_changed(self, event: Input.Changed) -> None:
        now = self.current(event.value)
        self.query_one("#edit-now", Label).update(f"now {now}" if now else "")

    @on(Input.Submitted)
    def submit(self) -> None:
        name = self.query_one("#edit-name", Input).value.strip()
        error = self.check(name, None)
        if error is None:
            try:
                value = parse_number(self.query_one("#edit-value", Input).value)
            except ValueError as exc:
                error = str(exc)
            else:
                error = self.check(name, value)
        if error is not None:
            self.query_one("#edit-error", Label).update(error)
            return
        self.dismiss((name, value))

    def action_cancel(self) -> None:
        self.dismiss(None)
