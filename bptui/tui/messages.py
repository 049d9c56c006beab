"""Messages that carry events up to the App, which alone owns the Debugger."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from bptui.engine import Outcome

from .widgets.loss_chart import Curve


@dataclass
class RunProgress(Message):
    """A background run reached ``epochs`` completed epochs (throttled by the worker)."""

    epochs: int
    loss: float
    curve: Curve | None  # the loss_chart.Curve so far, for the live chart (None: a replay, no new epochs)


@dataclass
class RunDone(Message):
    """A background command (run or continue) has finished; the App refreshes its state."""

    outcome: Outcome
