"""What the four panes share: a focusable, scrollable box whose body is redrawn from ``state``."""
from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import Static

from ..state import State


class Pane(Vertical, can_focus=True):
    """A pane with a fixed border title; subclasses turn the state into ``Content``.

    ``Vertical`` rather than ``ScrollableContainer`` on purpose: the latter binds ←, → and home,
    which are stepping keys here. Only redraws when the content really changed, so a micro-step
    repaints only the panes it affects.
    """

    BINDINGS = [
        Binding("pageup", "scroll_page(-1)", "Page up", show=False),
        Binding("pagedown", "scroll_page(1)", "Page down", show=False),
    ]

    TITLE = ""
    state: reactive[State | None] = reactive(None)
    layer: reactive[int] = reactive(1)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE
        self._shown: Content | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="body", markup=False)

    def body(self, state: State) -> Content:
        """The pane's text for ``state``; overridden by each pane."""
        raise NotImplementedError

    def redraw(self) -> None:
        if self.state is None or not self.is_mounted:
            return
        content = self.body(self.state)
        if self._shown is not None and content.is_same(self._shown):
            return
        self._shown = content
        self.query_one("#body", Static).update(content)

    def on_mount(self) -> None:
        self.redraw()

    def watch_state(self) -> None:
        self.redraw()

    def watch_layer(self) -> None:
        self.redraw()

    def action_scroll_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.scrollable_content_region.height - 1), animate=False)
