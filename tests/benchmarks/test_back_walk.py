"""Stepping back (``p``) through an epoch after a run, across every sample boundary.

Issue 13: after a run, each ``p`` that crossed a sample boundary replayed from the epoch's
checkpoint (502 ms per ``p`` on a 64-unit online net of 512 samples): the passes replayed on the
way back were not cached. Goal: walking back through an epoch costs one replay, then about one
pass per step. "Before" is that old way measured in this run: the same walk on a timeline whose
pass cache holds nothing (each crossing replays from the checkpoint), over fewer steps (it is
slow). "Now" is the mean ``p`` but the slowest (the one replay), that replay, and the passes
computed beyond the one each ``p`` recomputes (within budget the pass cache cannot hold every
pass of a big net's epoch: anchors spread over it bound each replay to the gap between two).
"""

from __future__ import annotations

import pytest

from bptui.blas import choose_blas_threads
from bptui.engine import Debugger

from .measure import ms, row, show, wall
from .test_jump_speed import online64

EPOCHS = 3
OLD_CROSSINGS = 12  # samples walked back the old way (each a replay of up to an epoch)


def walk_back(dbg: Debugger, samples: int) -> tuple[list[float], int]:
    """``p`` until ``samples`` sample boundaries are crossed: the time of each, and passes computed."""
    tl = dbg.timeline
    S = tl.layout.per_pass
    start, computed = dbg.g, tl.passes_computed
    times = []
    while dbg.g > start - samples * S:
        times.append(wall(dbg.back))
    return times, tl.passes_computed - computed


def rows() -> list[dict]:
    sc = online64()
    choose_blas_threads(sc)
    samples = sc.samples
    dbg = Debugger(sc)
    dbg.run(EPOCHS)
    now, passes = walk_back(dbg, samples)  # the whole last epoch
    steps = len(now)
    extra = (passes - steps) / samples  # passes beyond the one each p recomputes, in epochs
    pass_time = sorted(now)[steps // 2]  # the median p: one pass (or part of one) recomputed
    rest = sorted(now)[:-1]  # every p but the slowest (the one replay of the epoch before)
    old = Debugger(sc, pass_cache_budget=0)  # the old timeline: no pass cached on the way back
    old.run(EPOCHS)
    before, _ = walk_back(old, OLD_CROSSINGS)
    crossing_old = sorted(before)[-OLD_CROSSINGS:]  # the p that crossed a boundary
    return [
        row(
            f"p through an epoch after a run, 64-64-64-64 online, {samples} samples: one replay, then ~one pass a step",
            f"{ms(sum(crossing_old) / len(crossing_old))} per sample boundary crossed (replays from the checkpoint)",
            f"{ms(sum(rest) / len(rest))} per p but one replay of {ms(max(now))}; "
            f"{extra:.2f} epochs replayed beyond one pass per p",
            f"median p {ms(pass_time)}",
            sum(rest) / len(rest) / pass_time,
            extra <= 2.0,
        )
    ]


@pytest.mark.benchmark
def test_walking_back_through_an_epoch(capsys) -> None:
    result = rows()
    with capsys.disabled():
        print("\n" + show("stepping back through an epoch", result))
