"""What the four panes share: a focusable, scrollable box whose body is redrawn from ``state``."""

from __future__ import annotations

import contextlib

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.reactive import var

from ..state import State
from .lines import LinesView


class Pane(Vertical, can_focus=True):
    """A pane with a fixed border title; subclasses turn the state into ``Content``.

    ``Vertical`` rather than ``ScrollableContainer`` on purpose: the latter binds ←, → and home,
    which are stepping keys here. The body repaints only the lines that changed, so a micro-step
    costs the terminal only what it really changed.

    A failure while drawing is shown in the pane and the app goes on (``redraw`` contains it): one
    pane's bug must never end a lesson.
    """

    BINDINGS = [
        Binding("pageup", "scroll_page(-1)", "Page up", show=False),
        Binding("pagedown", "scroll_page(1)", "Page down", show=False),
    ]

    TITLE = ""
    state: var[State | None] = var(None)
    digits: var[int] = var(4)  # significant digits of the numbers shown (+/-; 17 = full)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE
        self.failure: str | None = None  # what went wrong in the last draw, if anything
        self.drawn_at: Size | None = None  # the size of the last draw (the first frame waits for it)

    def compose(self) -> ComposeResult:
        yield LinesView(id="body")

    def body(self, state: State) -> list[Content]:
        """The pane's lines for ``state``; overridden by each pane."""
        raise NotImplementedError

    def update_body(self) -> None:
        """Show ``state``; panes that are not a list of lines override this."""
        if self.state is not None:
            self.query_one(LinesView).show(self.body(self.state))

    def redraw(self) -> None:
        """Draw the body for ``state`` at the pane's size. Not before the pane is laid out: the
        watchers of every bound value fire on mount, and ``on_resize`` draws once at the real size."""
        if self.state is None or not self.is_mounted or not self.size.area:
            return
        self.guarded(self.update_body)
        self.drawn_at = self.size

    def guarded(self, draw) -> None:
        """Call ``draw``; if it fails, say so in the pane instead of ending the app."""
        try:
            draw()
            self.failure = None
        except Exception as exc:  # noqa: BLE001 - contained on purpose: see the class docstring
            self.failure = f"{type(exc).__name__}: {exc}"
            # a pane being removed (a scenario replaced before its first layout) has no body left
            # to draw in or to tell: NoMatches here must not end the app either
            with contextlib.suppress(NoMatches):
                self.show_failure(f"this pane could not be drawn ({self.failure}); every key still works")
            self.log.error(f"{self.TITLE} pane failed", exc)

    def show_failure(self, message: str) -> None:
        self.query_one(LinesView).show([Content.assemble((message, "bold $text-error"))])

    def on_mount(self) -> None:
        self.redraw()

    def on_resize(self) -> None:
        self.redraw()  # the Network adapts its number width, the Chain rule re-wraps

    def watch_state(self) -> None:
        self.redraw()

    def watch_digits(self) -> None:
        self.redraw()

    def action_scroll_page(self, direction: int) -> None:
        views = self.query(LinesView)
        if views:
            views.first().page(direction)  # the view pages itself (see LinesView)
        else:
            self.scroll_relative(y=direction * max(1, self.scrollable_content_region.height - 1), animate=False)
