"""Messages that carry events up to the App, which alone owns the Debugger."""
from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from bptui.engine import Outcome


@dataclass
class SelectLayer(Message):
    """A pane asks to select another layer (``delta`` of +1 or −1)."""

    delta: int


@dataclass
class MoveElement(Message):
    """A pane asks to move the selected parameter element (``delta`` of +1 or −1)."""

    delta: int


@dataclass
class RunProgress(Message):
    """A background run reached ``epochs`` completed epochs (throttled by the worker)."""

    epochs: int
    loss: float
    curve: object | None  # the loss_chart.Curve so far, for the live chart (None: a replay, no new epochs)


@dataclass
class RunDone(Message):
    """A background command (run or continue) has finished; the App refreshes its state."""

    outcome: Outcome
