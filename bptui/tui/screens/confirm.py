"""A yes/no question (quit or open another file with unsaved edits): ``y`` yes, ``n``/escape no."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label

from .dialog import Dialog


class ConfirmDialog(Dialog[bool]):
    """Dismisses with ``True`` for yes; ``False`` for no, escape, or any other answer."""

    CSS_PATH = "files.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, title: str, question: str, yes: str = "yes") -> None:
        super().__init__()
        self.heading = title
        self.question = question
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm") as box:
            box.border_title = self.heading
            yield Label(Content(self.question))
            yield Label(
                Content.assemble(
                    ("y", "bold $text-accent"),
                    f" {self.yes}    ",
                    ("n", "bold $text-accent"),
                    " or ",
                    ("escape", "bold $text-accent"),
                    " no",
                )
            )

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
