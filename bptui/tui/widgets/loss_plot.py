"""The Loss pane's plotext chart (imported when the first epoch is drawn: see ``empty_chart``)."""

from __future__ import annotations

from rich.text import Text
from textual_plotext import PlotextPlot


class LossPlot(PlotextPlot):
    """A plot whose failure is shown in its place: an exception here must never end the lesson."""

    def render(self):
        try:
            return super().render()
        except Exception as exc:  # plotext is third-party code: contain whatever it raises
            return Text(f"the chart could not be drawn: {exc!r}", style="italic")
