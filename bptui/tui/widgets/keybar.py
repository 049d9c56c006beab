"""The key bar at the bottom: the commands that fit the width, never cut in the middle of a word.

Textual's Footer cuts its last key at narrow widths (``q Qu▏^p palette`` and a stray letter at 80
columns). This bar drops whole entries from the end instead, says ``…`` when it did, and always keeps
``? Help``, where every key is listed.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget

from ..keys import COMMANDS

ALWAYS = ("help", "quit")  # kept whatever the width: the way to every other key, and the way out
GAP = "  "


def _entry(b: Binding) -> list[tuple[str, str] | str]:
    return [(b.key_display or b.key.split(",")[0], "bold $text-accent"), " ", b.description]


def _width(parts: list[tuple[str, str] | str]) -> int:
    return Content.assemble(*parts).cell_length


def key_bar(width: int, bindings: list[Binding] = COMMANDS) -> Content:
    """The entries that fit ``width`` cells: shown bindings in order, then ``…`` and the kept ones."""
    shown = [b for b in bindings if b.show]
    kept = [b for b in shown if b.action in ALWAYS]
    rest = [b for b in shown if b.action not in ALWAYS]
    tail: list[tuple[str, str] | str] = []
    for b in kept:
        tail += [GAP, *_entry(b)]
    parts: list[tuple[str, str] | str] = []
    for b in rest:
        parts += ([GAP] if parts else []) + _entry(b)
    if _width(parts + tail) > width:  # not all fit: as many as leave room for "…"
        more: list[tuple[str, str] | str] = [("…", "$text-muted")]
        parts = []
        for b in rest:
            entry = ([GAP] if parts else []) + _entry(b)
            if _width(parts + entry + [GAP] + more + tail) > width:
                break
            parts += entry
        parts += ([GAP] if parts else []) + more
    line = Content.assemble(*parts, *tail)
    return line if line.cell_length <= width else line.truncate(width, ellipsis=True)


class KeyBar(Widget):
    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        padding: 0 1;
        background: $panel;
    }
    """

    def render(self) -> Content:
        return key_bar(self.content_region.width)

    def on_resize(self) -> None:
        self.refresh()
