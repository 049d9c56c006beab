"""The ``[[expect]]`` checkpoints as a list: each one reached or not, and whether it held.

A checkpoint is *reached* when its position is at or before the current one. Its result is
computed by moving the timeline to its exact micro-step and back (at most one checkpoint stride
replayed each way; nothing is recorded in the undo history), so it is always the result on the
timeline in use, edits included.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .expect import CheckResult, compare
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


def _evaluate(dbg, indices: list[int]) -> dict[int, CheckResult]:
    """Results of the checkpoints ``indices`` (sorted by position), read where each stands."""
    tl = dbg.timeline
    here = tl.g
    out: dict[int, CheckResult] = {}
    try:
        with np.errstate(all="ignore"):
            for i in indices:
                g = dbg._expect_gs[i]
                tl.goto(g)
                out[i] = compare(dbg._expect_at[i], g, dbg.values(), dbg.layout.unit)
    finally:
        tl.goto(here)
    return out


def checkpoint_states(dbg) -> list[CheckpointState]:
    """Every checkpoint in order of position, with its result when reached."""
    gs = dbg._expect_gs
    reached = [i for i, g in enumerate(gs) if g <= dbg.g]
    results = _evaluate(dbg, reached)
    return [CheckpointState(i + 1, dbg._expect_at[i], g, results.get(i), dbg.layout.unit) for i, g in enumerate(gs)]


def passed_between(dbg, lo: int, hi: int, most: int = 3) -> list[CheckpointState]:
    """The checkpoints a command from ``lo`` to ``hi`` passed (``lo < g ≤ hi``), the last ``most``."""
    idx = [i for i, g in enumerate(dbg._expect_gs) if lo < g <= hi][-most:]
    results = _evaluate(dbg, idx)
    return [CheckpointState(i + 1, dbg._expect_at[i], dbg._expect_gs[i], results[i], dbg.layout.unit) for i in idx]
