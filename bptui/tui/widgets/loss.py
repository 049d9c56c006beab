"""The Loss pane: epoch loss against epoch, drawn by plotext (through textual-plotext).

The plot is rebuilt only when the curve or the axis scale change; the current epoch's running loss
is on a line of its own above it, which costs a line, not a plot, per step. During a run the App
hands the pane the curve so far (``live``), so the chart grows while the run goes on. A scenario
with a held-out test split adds a line with the test and training accuracy of the parameters shown.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.reactive import var
from textual.widgets import Static

from ..state import State
from .loss_chart import Chart, Curve, chart, curve
from .loss_plot import LossPlot
from .pane import Pane

__all__ = ["LossPane", "LossPlot"]


class LossPane(Pane):
    TITLE = "Loss"
    log_scale: var[bool] = var(False)
    live: var[Curve | None] = var(None)  # the curve of a run under way (set by the App)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="running", markup=False)
        yield LossPlot(id="plot")  # plotext is imported when there is a curve to draw (loss_plot)

    def watch_log_scale(self) -> None:
        self.border_subtitle = "log y (l)" if self.log_scale else "linear y (l)"
        self.redraw()

    def watch_live(self) -> None:
        self.redraw()

    def update_body(self) -> None:
        state = self.state
        if state is None or not self.is_mounted:
            return
        running = self.running(state)
        label = self.query_one("#running", Static)
        if running != label.content:  # a repaint of the label, not of the plot, unless it needs more lines
            width = max(1, label.content_region.width)
            rows = sum(max(1, -(-len(line) // width)) for line in running.split("\n"))
            label.update(running, layout=rows != label.content_region.height)
        c = self.live if self.live is not None else curve(state.losses)
        key = (len(c.y), float(c.y[-1]) if len(c.y) else None, float(c.x[-1]) if len(c.x) else None, self.log_scale)
        if key == self._drawn:
            return
        self._drawn = key
        self.plot(chart(c, self.log_scale))

    def show_failure(self, message: str) -> None:
        self.query_one("#running", Static).update(message)

    def plot(self, c: Chart) -> None:
        self.query_one(LossPlot).show(c)

    def running(self, state: State) -> str:
        """The current epoch's loss so far (the pane is narrow: keep it short)."""
        if self.live is not None:
            c = self.live
            text = f"run: epoch {int(c.x[-1]):,}: {c.y[-1]:.4g}" if len(c.y) else "run: first epoch…"
            return text + ("\naccuracy: when the run ends" if state.accuracy is not None else "")  # same height
        if state.running is None:
            text = f"epoch {state.position.epoch}: no loss yet"
        else:
            value, n = state.running
            text = f"epoch {state.position.epoch}: {value:.4g} ({n}/{state.position.samples})"
        return text + accuracy_line(state)


def accuracy_line(state: State) -> str:
    """``\ntest 76.9% · train 87.1%``: the parameters shown, scored; ``""`` without a test split.

    Short, to fit the narrow pane: at an epoch's end these are that epoch's accuracies."""
    acc = state.accuracy
    if acc is None:
        return ""
    return f"\ntest {100 * acc.test:.1f}% · train {100 * acc.train:.1f}%"
