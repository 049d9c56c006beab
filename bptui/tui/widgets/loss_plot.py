"""The Loss pane's chart, with plotext imported only when there is a curve to draw.

plotext and textual-plotext cost the first frame some 15-20 ms of imports, for a chart that only
says there is nothing to draw yet. Until the first curve, ``LossPlot`` writes the very same
characters and colours as plotext would for that chart (a centred note, an empty frame, the
``epoch`` label: checked against plotext itself for sizes from 3×4 up in
tests/tui/test_first_frame.py); at smaller sizes, and from the first curve on, plotext draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget

from .loss_chart import NO_EPOCH, Chart

if TYPE_CHECKING:
    from textual_plotext.plot import Plot

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


def empty_chart_text(
    width: int, height: int, fg: tuple[int, int, int], bg: tuple[int, int, int], note: str = NO_EPOCH
) -> Text:
    """``Text.from_ansi(empty_chart_ansi(...))`` built directly: the same text and styles, without
    loading and running Rich's ANSI decoder on every start-up (the tests check they are equal)."""
    back = Style(bgcolor=RichColor.from_rgb(*bg))
    ink = Style(color=RichColor.from_rgb(*fg), bgcolor=RichColor.from_rgb(*bg))
    text = Text()

    def seg(style: Style, part: str) -> None:
        if part:
            text.append(part, style)

    def centred(part: str, left_of) -> None:
        if len(part) > width:
            seg(back, " " * width)
        else:
            room = width - len(part)
            left = left_of(room)
            seg(back, " " * left)
            seg(ink, part)
            seg(back, " " * (room - left))
        text.append("\n")

    inner = width - 2
    centred(note, lambda room: room // 2)
    seg(ink, "┌" + "─" * inner + "┐")
    text.append("\n")
    for _ in range(height - 4):
        seg(ink, "│")
        seg(back, " " * inner)
        seg(ink, "│")
        text.append("\n")
    seg(ink, "└" + "─" * inner + "┘")
    text.append("\n")
    centred(XLABEL, lambda room: -(-room // 2))
    return text


def fits(width: int, height: int) -> bool:
    """Whether ``empty_chart_ansi`` draws what plotext would at this size."""
    return width >= MIN_WIDTH and height >= MIN_HEIGHT


class LossPlot(Widget):
    """The Loss pane's chart: plotext's drawing (through textual-plotext's ``Plot``), made when the
    first curve is drawn; until then the empty chart, drawn here as plotext draws it.

    What ``textual_plotext.PlotextPlot`` does (its "auto" theme from the app's ``surface`` and
    ``foreground``; the plot sized to the widget at each render), in one widget whose class does
    not import plotext, so the DOM stays the same when the first curve comes (a swap of widgets
    would lay the pane out again: three frames for that key instead of one). A failure while
    drawing is shown in the chart's place: an exception here must never end the lesson.
    """

    DEFAULT_CSS = """
    LossPlot {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._plot: Plot | None = None
        self._chart = Chart(note=NO_EPOCH)

    @property
    def plt(self) -> Plot:
        """textual-plotext's plotter (plotext is imported the first time it is asked for)."""
        if self._plot is None:
            from textual_plotext.plot import Plot

            self._plot = Plot()
        return self._plot

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda theme: self.refresh())

    def show(self, c: Chart) -> None:
        """Draw ``c`` (plotext is not imported for the empty chart, unless the room is too small)."""
        self._chart = c
        if self._plot is not None or c.x or c.xticks or c.note != NO_EPOCH:
            self._draw(c)
        self.refresh()

    def _draw(self, c: Chart) -> None:
        plt = self.plt
        plt.clear_figure()
        plt.xlabel(XLABEL)
        if c.note:
            plt.title(c.note)
        if c.x:
            plt.plot(c.x, c.y, marker="braille")
            plt.yticks(c.yticks, c.ylabels)
            plt.ylim(*c.ylim)
        if c.xticks:
            plt.xticks(c.xticks, c.xlabels)
            plt.xlim(*c.xlim)

    def _colours(self) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        variables = self.app.theme_variables  # what textual-plotext's "auto" theme takes
        fg = Color.parse(variables.get("foreground", "#e0e0e0")).rgb
        bg = Color.parse(variables.get("surface", "#1e1e1e")).rgb
        return fg, bg

    def render(self) -> Text:
        try:
            width, height = self.size
            if self._plot is None:
                if fits(width, height):
                    return empty_chart_text(width, height, *self._colours())
                self._draw(self._chart)  # a size this drawing is not plotext's at: plotext draws it
            return Text.from_ansi(self._build(width, height))
        except Exception as exc:  # noqa: BLE001 - plotext is third-party code: contain whatever it raises
            return Text(f"the chart could not be drawn: {exc!r}", style="italic")

    def _build(self, width: int, height: int) -> str:
        """As ``PlotextPlot.render``: the plot sized to the widget, on the app's theme."""
        from plotext._dict import themes
        from textual_plotext.plot import _rgbify_theme, _sequence

        name = f"textual-auto-{self.app.theme}"
        if name not in themes:
            fg, bg = self._colours()
            # textual-plotext registers its "auto" theme with these very arguments (PlotextPlot)
            themes[name] = _rgbify_theme(bg, bg, fg, "default", _sequence)  # type: ignore[arg-type]
        plot = self.plt
        plot.plotsize(width, height)
        plot._set_size(width, height)  # as textual-plotext does (its issue 5)
        plot.theme(name)
        return plot.build()
