"""The Network picture as side-by-side vertical strips, so a micro-step repaints little.

Textual writes a partial update of a line from the left edge of the widget piece ("chop") that
holds it up to the last changed cell: a change at the right of one wide widget repaints the
whole row. The picture is therefore cut into strips at the neurons' edges (each column of neurons
with its arrowheads is a strip, each gap of edges is a strip): the values and highlights a step
changes sit at the left of their own strip, and the edges, which only an update changes, are
not written again.
"""

from __future__ import annotations

import itertools

from textual.containers import Horizontal
from textual.content import Content
from textual.geometry import Size

from .lines import RowsWidget, _width
from .netdraw import Canvas
from .netlayout import Geometry


class NetStrip(RowsWidget):
    """One vertical slice of the picture; repaints only the rows (and span) that changed."""

    DEFAULT_CSS = """
    NetStrip {
        width: auto;
        height: auto;
    }
    """

    def __init__(self) -> None:
        super().__init__()

    @property
    def lines(self) -> list[Content]:
        return self._rows

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return _width(self._rows)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._rows)

    def show(self, lines: list[Content]) -> None:
        resized = Size(_width(lines), len(lines)) != self.size
        self._set_rows(lines)
        if resized:
            self.refresh(layout=True)


class NetStrips(Horizontal):
    """A fixed number of strips (set by the network's depth); unused ones are empty."""

    DEFAULT_CSS = """
    NetStrips {
        width: auto;
        height: auto;
    }
    """

    def __init__(self, count: int, *, id: str | None = None) -> None:
        super().__init__(*[NetStrip() for _ in range(count)], id=id)

    def show(self, slices: list[list[Content]]) -> None:
        strips = list(self.query_children(NetStrip))
        for k, strip in enumerate(strips):
            strip.show(slices[k] if k < len(slices) else [])

    @property
    def lines(self) -> list[Content]:
        """The whole picture's rows, the strips joined (for tests and for reading it as text)."""
        strips = [s.lines for s in self.query_children(NetStrip)]
        rows = max((len(s) for s in strips), default=0)
        return [Content.assemble(*[s[y] if y < len(s) else "" for s in strips]) for y in range(rows)]


def strip_count(depth: int) -> int:
    """Strips a picture of ``depth`` layers needs at most: a neuron column and a gap per layer, and more."""
    return 2 * (depth + 1) + 2


def cuts(geo: Geometry, count: int) -> list[int]:
    """Where the strips start: at each neuron column (one cell early, for its arrowhead) and just
    after it (its back arrowhead), at the targets; ``count + 1`` boundaries from 0 to the width."""
    at = {0, geo.width}
    for col in geo.columns:
        first = col.x + (col.width - geo.node_width) // 2
        at.add(max(0, first - 1))
        at.add(min(geo.width, first + geo.node_width + 1))
    if geo.annex is not None:
        at.add(geo.annex.x)
    bounds = sorted(x for x in at if 0 <= x <= geo.width)
    while len(bounds) > count + 1:  # more cuts than strips: merge the narrowest neighbours
        k = min(range(1, len(bounds) - 1), key=lambda i: bounds[i + 1] - bounds[i - 1])
        del bounds[k]
    return bounds


def slices(canvas: Canvas, bounds: list[int]) -> list[list[Content]]:
    """The canvas cut at ``bounds`` into strips of rows of ``Content``."""
    out = []
    for a, b in itertools.pairwise(bounds):
        rows = []
        for y in range(canvas.height):
            runs = _runs(canvas.cells[y][a:b])
            rows.append(Content.assemble(*[(t, s) if s else t for t, s in runs]))
        out.append(rows)
    return out


def _runs(cells) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for ch, st in cells:
        if out and out[-1][1] == st:
            out[-1] = (out[-1][0] + ch, st)
        else:
            out.append((ch, st))
    return out
