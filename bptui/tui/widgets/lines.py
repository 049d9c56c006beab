"""A widget showing lines of ``Content`` that repaints only the cells that changed.

``Static.update`` repaints the whole widget; over a slow SSH link a micro-step should cost only
what it really changes. The view keeps the rows it shows and marks dirty just the span of each
row that differs. It is exactly the size of its pane and pages through its lines itself (``▲``/``▼``
rows say how many are above and below, and which keys show them): a scrolled Textual container
would change its virtual size whenever the number of lines changes, and that relayouts and
repaints the whole pane, border included, at every step.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget


class RowsWidget(Widget):
    """Rows of ``Content``, each rendered on its own when Textual asks for it (the Line API).

    Textual's default renders a widget's whole content for any dirty row; here a row is turned
    into a strip only when it changed (or the width did), so a step costs the rows it changed.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[Content] = []  # what is on screen, one Content per row
        self._strips: dict[int, tuple[Content, int, Strip]] = {}  # row → (its content, width, strip)

    def render(self) -> Content:
        return Content("\n").join(self._rows)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y >= len(self._rows):
            return Strip.blank(width, self.visual_style.rich_style)
        row = self._rows[y]
        cached = self._strips.get(y)
        if cached is not None and cached[0] is row and cached[1] == width:
            return cached[2]
        strip = Visual.to_strips(self, row, width, 1, self.visual_style)[0]
        self._strips[y] = (row, width, strip)
        return strip

    def _set_rows(self, rows: list[Content], full: bool = False) -> None:
        """Show ``rows``: mark dirty only the span of each row that differs (all of it if ``full``)."""
        old, self._rows = self._rows, rows
        if len(self._strips) > 2 * max(len(rows), 1):
            self._strips.clear()
        if full:
            self.refresh()
            return
        blank = Content("")
        dirty = []
        for y in range(max(len(old), len(rows))):
            span = _changed_span(old[y] if y < len(old) else blank, rows[y] if y < len(rows) else blank)
            if span is not None:
                dirty.append(Region(span[0], y, span[1] - span[0], 1))
        if dirty:
            self.refresh(*dirty)


class LinesView(RowsWidget):
    DEFAULT_CSS = """
    LinesView {
        width: 100%;
        height: 100%;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Content] = []
        self._top = 0  # the first line shown

    @property
    def lines(self) -> list[Content]:
        """Every line, shown or not."""
        return self._lines

    @property
    def rows(self) -> list[Content]:
        """The rows on screen, paging marks included."""
        return self._rows

    def show(self, lines: list[Content]) -> None:
        self._lines = lines
        self._repaint()

    def scroll_lines(self, delta: int) -> None:
        """Page by ``delta`` lines (negative: up)."""
        self._top += delta
        self._repaint()

    def page(self, direction: int) -> None:
        self.scroll_lines(direction * max(1, self.size.height - 2))

    def reveal(self, y: int) -> None:
        """Make line ``y`` visible (the Inspector's selected element)."""
        height = self.size.height
        if not height:
            return
        if y < self._top + (self._top > 0):
            self._top = max(0, y - 1)
        elif y >= self._top + height - 1:
            self._top = y - height + 2
        else:
            return
        self._repaint()

    def on_resize(self) -> None:
        self._repaint(full=True)

    def _frame(self) -> list[Content]:
        """The rows for the current size and offset: the lines that fit, ▲/▼ where some do not."""
        width, height = self.size.width, self.size.height
        lines, n = self._lines, len(self._lines)
        if height <= 0:
            return []
        if n <= height:
            self._top = 0
            rows = list(lines)
        else:
            self._top = min(max(0, self._top), n - height + 1)
            up = self._top > 0
            room = height - up
            down = self._top + room < n
            room -= down
            rows = [_mark(f"▲ {self._top} more above (pgup)")] if up else []
            rows += lines[self._top : self._top + room]
            if down:
                rows.append(_mark(f"▼ {n - self._top - room} more below (pgdn)"))
        return [line if line.cell_length <= width else line.truncate(max(1, width - 1)) + Content("…") for line in rows]

    def _repaint(self, full: bool = False) -> None:
        self._set_rows(self._frame(), full)


def _mark(text: str) -> Content:
    return Content.assemble((text, "italic $text-muted"))


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
