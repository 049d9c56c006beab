"""The breakpoints dialog (``b``): the list (and which one stopped the last command), add, remove.

Add: choose a kind in the list (↑/↓, enter), type its threshold ``x`` or count ``N`` and press
enter. Remove: type a breakpoint's number in the second field. Wrong input gets one line in red
and changes nothing (the engine's :func:`parse_breakpoint` decides what is wrong).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from bptui.engine.breakpoints import COUNT, KINDS, THRESHOLD, Breakpoints, parse_breakpoint
from bptui.engine.steps import Layout

from ..widgets.field import Field
from .dialog import Dialog


def list_text(book: Breakpoints) -> str:
    """The breakpoints, numbered, the one that stopped the last command marked."""
    if not book.items:
        return "no breakpoints: runs go on to their end (and through inf and nan)"
    lines = []
    for i, bp in enumerate(book.items, start=1):
        line = f"{i}. {bp.describe()}"
        hit = book.last_hit
        if hit is not None and hit.breakpoint == bp:
            line += f"   ◀ fired last, at {hit.where()}"
        lines.append(line)
    return "\n".join(lines)


def _hint(kind: str) -> str:
    if kind in THRESHOLD:
        return f"{kind}: type x, e.g. 0.01, then enter"
    if kind in COUNT:
        return f"{kind}: type a whole number N ≥ 1, then enter"
    return f"{kind}: no number needed: enter adds it"


class BreakpointsScreen(Dialog[None]):
    BINDINGS = [Binding("escape", "close", "Close", show=False)]

    def __init__(self, book: Breakpoints, layout: Layout) -> None:
        super().__init__()
        self.book = book
        self.steps_layout = layout
        self.kind = next(iter(KINDS))

    def compose(self) -> ComposeResult:
        with Vertical(id="breakpoints-dialog", classes="prompt") as box:
            box.border_title = "Breakpoints"
            yield Label(list_text(self.book), id="bp-list", markup=False)
            yield Label(
                "add: choose a kind (↑ ↓, enter), type x or N, enter · remove: its number below, enter · escape closes",
                classes="prompt-hint",
                markup=False,
            )
            yield OptionList(*[Option(f"{k:<12} {what}", id=k) for k, what in KINDS.items()], id="bp-kinds")
            yield Label(_hint(self.kind), id="bp-kind", markup=False)
            yield Field(placeholder="x or N for the kind chosen", id="bp-value", max_length=40)
            yield Field(placeholder="number of a breakpoint to remove, e.g. 2", id="bp-remove", max_length=12)
            yield Label("", id="bp-error", classes="prompt-error", markup=False)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one(OptionList).focus()

    def _say(self, error: str = "") -> None:
        self.query_one("#bp-error", Label).update(error)

    def _refresh_list(self, note: str) -> None:
        self.query_one("#bp-list", Label).update(list_text(self.book))
        self.notify(note)

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.kind = event.option.id or self.kind
        self.query_one("#bp-kind", Label).update(_hint(self.kind))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.kind = event.option.id or self.kind
        self.query_one("#bp-kind", Label).update(_hint(self.kind))
        if self.kind in THRESHOLD or self.kind in COUNT:
            self.query_one("#bp-value", Input).focus()
        else:
            self._add("")

    def _add(self, text: str) -> None:
        try:
            bp = parse_breakpoint(self.kind, text, self.steps_layout)
        except ValueError as exc:
            self._say(f"{self.kind}: {exc}")
            return
        note = self.book.add(bp)
        self._say("" if note.startswith("breakpoint set") else note)
        self.query_one("#bp-value", Input).value = ""
        self._refresh_list(note)

    @on(Input.Submitted, "#bp-value")
    def _value(self, event: Input.Submitted) -> None:
        self._add(event.value)

    @on(Input.Submitted, "#bp-remove")
    def _remove(self, event: Input.Submitted) -> None:
        raw = event.value.strip()
        if not (raw.isascii() and raw.isdigit()) or not raw or len(raw) > 6:
            self._say(
                f"type the number of a breakpoint, 1 to {len(self.book.items)}"
                if self.book.items
                else "no breakpoints to remove"
            )
            return
        note = self.book.remove(int(raw) - 1)
        if note.startswith("no breakpoint"):
            self._say(note)
            return
        self._say()
        event.input.value = ""
        self._refresh_list(note)

    def action_close(self) -> None:
        self.dismiss(None)
