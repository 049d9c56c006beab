"""Divergence explained (``x``): the engine's diagnosis of the first non-finite value, as lines."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from .dialog import Dialog


class DivergenceScreen(Dialog[None]):
    BINDINGS = [Binding("escape,x,q", "dismiss", "Close", show=False)]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        text = "\n".join(self.lines) + "\n\nevery earlier state stays reachable (p, u, home) · escape, x or q closes"
        with VerticalScroll(id="divergence", classes="prompt") as box:
            box.border_title = "Divergence explained"
            yield Static(text, id="divergence-text", markup=False)
