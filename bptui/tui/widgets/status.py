"""The status line (title, position, checkpoints, run progress) and the pane tabs shown when narrow."""

from __future__ import annotations

from textual.content import Content
from textual.reactive import reactive
from textual.widget import Widget

from bptui.printable import printable

from ..state import State


class StatusLine(Widget):
    """``Title · epoch E · sample S/N · STEP (k/2L+2)``, then checkpoint marks or run progress."""

    state: reactive[State | None] = reactive(None)
    progress: reactive[str] = reactive("")
    score: reactive[str] = reactive("")  # predict mode's "predict 3/5" (set by the App)

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scenario_title = title

    def render(self) -> Content:
        """The position always shows in full; the title gets what room is left, cut with ``…``."""
        parts: list[str | tuple[str, str]] = []
        if self.state is not None:
            parts.append((self.state.position.status(), "bold $text-accent"))
            for check in self.state.checks:
                parts += [
                    "  ",
                    (
                        "✓ checkpoint ok" if check.ok else "✗ checkpoint failed",
                        "bold " + ("$text-success" if check.ok else "$text-error"),
                    ),
                ]
            if self.state.stopped:
                parts += ["  ", (self.state.stopped, "bold $text-warning")]
            for held, label in self.state.passed:
                parts += [
                    "  ",
                    (f"{'✓' if held else '✗'} {label}", "bold " + ("$text-success" if held else "$text-error")),
                ]
        if self.progress:
            parts += ["  ", (self.progress, "bold $text-warning")]
        if self.score:
            parts += ["  ", (self.score, "bold $text-success")]
        rest = Content.assemble(*parts)
        room = self.content_region.width - rest.cell_length - 2
        title = Content.assemble((printable(self.scenario_title, None), "bold"))
        if room < 8:  # too narrow for a useful title: the position alone
            return rest
        if title.cell_length > room:
            title = title.truncate(room - 1) + Content("…")
        return Content.assemble(title, "  ", rest)

    def on_resize(self) -> None:
        self.refresh()


class PaneTabs(Widget):
    """Which pane is showing, and that tab reaches the others (only displayed when narrow)."""

    current: reactive[str] = reactive("")

    def __init__(self, titles: list[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles = titles

    def render(self) -> Content:
        parts: list[str | tuple[str, str]] = []
        for title in self.titles:
            parts += [(f" {title} ", "reverse bold" if title == self.current else "$text-muted"), " "]
        parts.append(("tab ⇄", "$text-muted"))
        return Content.assemble(*parts)
