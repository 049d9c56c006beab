"""The ``[[expect]]`` checkpoints as a list: each one reached or not, and whether it held.

A checkpoint is *reached* when its position is at or before the current one. Its result is
computed by moving the timeline to its exact micro-step and back (at most one checkpoint stride
replayed each way; nothing is recorded in the undo history), so it is always the result on the
timeline in use, edits included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .expect import CheckResult, Expectations
from .spec import Expectation


@dataclass(frozen=True)
class CheckpointState:
    number: int  # 1-based, in the order of position
    expectation: Expectation
    g: int
    result: CheckResult | None  # None: not reached yet
    unit: str = "sample"  # what ``sample`` counts: "batch" in minibatch mode

    @property
    def mark(self) -> str:
        if self.result is None:
            return "·"
        return "✓" if self.result.ok else "✗"

    def describe(self) -> str:
        e = self.expectation
        where = f"epoch {e.epoch} {self.unit} {e.sample} after {e.after}"
        if self.result is None:
            return f"{self.mark} {self.number}. {where}: not reached ({', '.join(e.values)})"
        text = self.result.describe()
        return f"{self.mark} {self.number}. {text[6:] if text[:6] in ('ok    ', 'FAIL  ') else text}"


class Seekable(Protocol):
    """A timeline as far as checkpoints use it: where it stands, and a move."""

    @property
    def g(self) -> int: ...

    def goto(self, g: int) -> object: ...


class CheckpointHost(Protocol):
    """What the checkpoint list reads of a debugger (:class:`bptui.engine.debugger.Debugger` is one):
    its expectations, its position, its values there, and a timeline to visit each checkpoint on."""

    @property
    def expectations(self) -> Expectations: ...

    @property
    def timeline(self) -> Seekable: ...

    def values(self) -> dict: ...


def _evaluate(host: CheckpointHost, indices: Iterable[int]) -> dict[int, CheckResult]:
    """Results of the checkpoints ``indices`` (sorted by position), read where each stands."""
    tl, ex = host.timeline, host.expectations
    here = tl.g
    out: dict[int, CheckResult] = {}
    try:
        with np.errstate(all="ignore"):
            for i in indices:
                tl.goto(ex.gs[i])
                out[i] = ex.compare(i, host.values())
    finally:
        tl.goto(here)
    return out


def _state(ex: Expectations, i: int, result: CheckResult | None) -> CheckpointState:
    return CheckpointState(i + 1, ex.items[i], ex.gs[i], result, ex.unit)


def checkpoint_states(host: CheckpointHost) -> list[CheckpointState]:
    """Every checkpoint in order of position, with its result when reached."""
    ex = host.expectations
    results = _evaluate(host, ex.between(-1, host.timeline.g))
    return [_state(ex, i, results.get(i)) for i in range(len(ex))]


def passed_between(host: CheckpointHost, lo: int, hi: int, most: int = 3) -> list[CheckpointState]:
    """The checkpoints a command from ``lo`` to ``hi`` passed (``lo < g ≤ hi``), the last ``most``."""
    idx = host.expectations.between(lo, hi)[-most:]
    results = _evaluate(host, idx)
    return [_state(host.expectations, i, results[i]) for i in idx]
