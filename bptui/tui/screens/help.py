"""The ``?`` screen: every key, generated from the same table as the bindings."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from ..keys import COMMANDS, HELP, NAVIGATION, keys_of
from .dialog import Dialog


def help_text() -> Content:
    rows = [(keys_of(b), HELP[b.action]) for b in COMMANDS] + NAVIGATION
    width = max(len(k) for k, _ in rows)
    lines = [Content.assemble((f"{k:<{width}}", "bold $text-accent"), "  ", what) for k, what in rows]
    lines.append(Content.assemble(("\nescape, ? or q closes this help", "$text-muted")))
    return Content("\n").join(lines)


class HelpScreen(Dialog[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "dismiss", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as box:
            box.border_title = "Keys"
            yield Static(help_text(), markup=False)
