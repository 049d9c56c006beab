"""The Loss pane's chart before any epoch, drawn as plotext draws it, without importing plotext.

plotext and textual-plotext cost the first frame some 15-20 ms of imports, for a chart that only
says there is nothing to draw yet. ``EmptyChart`` writes the very same characters and colours as
``LossPlot`` would for that chart (a centred note, an empty frame, the ``epoch`` label: checked
against plotext itself for sizes from 3×4 up in tests/tui/test_first_frame.py); the
pane puts the real plot in its place when there is a curve to draw (or when the room is too small
for this drawing to be plotext's).
"""

from __future__ import annotations

from rich.text import Text
from textual.color import Color
from textual.widget import Widget

from .loss_chart import NO_EPOCH

XLABEL = "epoch"
MIN_WIDTH, MIN_HEIGHT = 3, 4  # below this plotext draws something else: the pane uses plotext


def _sgr(rgb: tuple[int, int, int], ground: int) -> str:
    return f"\x1b[{ground};2;{rgb[0]};{rgb[1]};{rgb[2]}m"


def empty_chart_ansi(
    width: int, height: int, fg: tuple[int, int, int], bg: tuple[int, int, int], note: str = NO_EPOCH
) -> str:
    """What plotext's ``build()`` returns for a chart with only a title (``note``) and the x label,
    on textual-plotext's theme of these colours, at ``width``×``height`` (at least 3×4)."""
    back, ink, reset = _sgr(bg, 48), _sgr(bg, 48) + _sgr(fg, 38), "\x1b[0m"

    def seg(style: str, text: str) -> str:
        return f"{style}{text}{reset}" if text else ""

    def centred(text: str, left_of) -> str:
        if len(text) > width:
            return seg(back, " " * width)
        room = width - len(text)
        left = left_of(room)
        return seg(back, " " * left) + seg(ink, text) + seg(back, " " * (room - left))

    inner = width - 2
    lines = [centred(note, lambda room: room // 2), seg(ink, "┌" + "─" * inner + "┐")]
    lines += [seg(ink, "│") + seg(back, " " * inner) + seg(ink, "│")] * (height - 4)
    lines += [seg(ink, "└" + "─" * inner + "┘"), centred(XLABEL, lambda room: -(-room // 2))]
    return "\n".join(lines) + "\n"


def fits(width: int, height: int) -> bool:
    """Whether ``empty_chart_ansi`` draws what plotext would at this size."""
    return width >= MIN_WIDTH and height >= MIN_HEIGHT


class EmptyChart(Widget):
    DEFAULT_CSS = """
    EmptyChart {
        width: 1fr;
        height: 1fr;
    }
    """

    def render(self) -> Text:
        width, height = self.size
        if not fits(width, height):
            return Text("")  # the pane swaps in the real plot at such sizes
        variables = self.app.theme_variables  # the colours textual-plotext's "auto" theme takes
        fg = Color.parse(variables.get("foreground", "#e0e0e0")).rgb
        bg = Color.parse(variables.get("surface", "#1e1e1e")).rgb
        return Text.from_ansi(empty_chart_ansi(width, height, fg, bg))
