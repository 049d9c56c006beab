"""The Loss pane: epoch loss against epoch, drawn by plotext (through textual-plotext).

The plot is rebuilt only when the completed losses or the axis scale change; the current epoch's
running loss is on a line of its own above it, which costs a line, not a plot, per step.
"""
from __future__ import annotations

import numpy as np
from textual.app import ComposeResult
from textual.reactive import var
from textual.widgets import Static
from textual_plotext import PlotextPlot

from ..state import State
from .pane import Pane

MAX_POINTS = 1000  # more would not show at terminal resolution and would slow plotext down


class LossPane(Pane):
    TITLE = "Loss"
    log_scale: var[bool] = var(False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="running", markup=False)
        yield PlotextPlot(id="plot")

    def watch_log_scale(self) -> None:
        self.border_subtitle = "log y (l)" if self.log_scale else "linear y (l)"
        self.redraw()

    def redraw(self) -> None:
        state = self.state
        if state is None or not self.is_mounted:
            return
        running = self.running(state)
        label = self.query_one("#running", Static)
        if running != label.content:  # a one-line repaint, not the plot's
            label.update(running, layout=False)
        losses = state.losses
        key = (len(losses), losses[-1] if losses else None, self.log_scale)
        if key == self._drawn:
            return
        self._drawn = key
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        plt.xlabel("epoch")
        if losses:
            y = np.asarray(losses, dtype=float)
            x = np.arange(1, len(y) + 1)
            if len(y) > MAX_POINTS:
                pick = np.linspace(0, len(y) - 1, MAX_POINTS).astype(int)
                x, y = x[pick], y[pick]
            finite = np.isfinite(y)
            x, y = x[finite], y[finite]
            if self.log_scale:
                y = np.maximum(y, np.finfo(float).tiny)  # log of 0 has no place on the axis
                plt.yscale("log")
            if len(y):
                plt.plot(x.tolist(), y.tolist(), marker="braille")
        else:
            plt.title("no epoch completed yet")
        plot.refresh()

    def running(self, state: State) -> str:
        """The current epoch's loss so far (the pane is narrow: keep it short)."""
        if state.running is None:
            return f"epoch {state.position.epoch}: no loss yet"
        value, n = state.running
        return f"epoch {state.position.epoch} now {value:.4g} ({n}/{state.position.samples})"
