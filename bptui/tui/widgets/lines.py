"""A widget showing lines of ``Content`` that repaints only the cells that changed.

``Static.update`` repaints the whole widget; over a slow SSH link a micro-step should cost only
what it really changes. The view keeps its previous lines and marks dirty just the span of each
row that differs. It fills its pane (blank rows are lines too, so they never need repainting) and
asks for a layout pass only when its extent has to change.
"""
from __future__ import annotations

from textual.content import Content
from textual.geometry import Region, Size
from textual.widget import Widget


class LinesView(Widget):
    DEFAULT_CSS = """
    LinesView {
        width: auto;
        height: auto;
        min-width: 100%;
        min-height: 100%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Content] = []

    @property
    def lines(self) -> list[Content]:
        return self._lines

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return _width(self._lines)  # as wide as the widest line, scrolling if the pane is narrower

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render(self) -> Content:
        return Content("\n").join(self._lines)

    def show(self, lines: list[Content]) -> None:
        old, self._lines = self._lines, lines
        room = self.parent.scrollable_content_region.size if isinstance(self.parent, Widget) else Size(0, 0)
        if Size(max(room.width, _width(lines)), max(room.height, len(lines))) != self.size:
            self.refresh(layout=True)  # the extent changes: a layout pass and a full repaint
            return
        blank = Content("")
        dirty = []
        for y in range(max(len(old), len(lines))):
            a = old[y] if y < len(old) else blank
            b = lines[y] if y < len(lines) else blank
            span = _changed_span(a, b)
            if span is not None:
                dirty.append(Region(span[0], y, span[1] - span[0], 1))
        if dirty:
            self.refresh(*dirty)


def _width(lines: list[Content]) -> int:
    return max((line.cell_length for line in lines), default=0)


def _cells(line: Content) -> list[tuple[str, tuple]]:
    """Each character with the styles that cover it."""
    styles: list[list] = [[] for _ in line.plain]
    for span in line.spans:
        for i in range(span.start, min(span.end, len(styles))):
            styles[i].append(span.style)
    return [(ch, tuple(st)) for ch, st in zip(line.plain, styles)]


def _changed_span(a: Content, b: Content) -> tuple[int, int] | None:
    """Cells ``[start, end)`` where two lines differ; ``None`` if they are the same."""
    if a.is_same(b):
        return None
    if a.cell_length != len(a.plain) or b.cell_length != len(b.plain):  # wide characters: whole row
        return 0, max(a.cell_length, b.cell_length)
    ca, cb = _cells(a), _cells(b)
    n = max(len(ca), len(cb))
    ca += [(" ", ())] * (n - len(ca))
    cb += [(" ", ())] * (n - len(cb))
    start = next((i for i in range(n) if ca[i] != cb[i]), None)
    if start is None:
        return None
    end = next(i for i in range(n, 0, -1) if ca[i - 1] != cb[i - 1])
    return start, end
