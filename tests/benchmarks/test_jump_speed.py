"""Undo, redo and home after a long run: at most one stride of replay (report only).

"Before" is the old way, measured in the same run: a forward jump went on from where it stood, so
undo after home recomputed the whole run (the same as a fresh timeline going there).
"""

from __future__ import annotations

import time

import pytest

from bptui.engine import Debugger
from tests.builders import streetlight

EPOCHS = 10_000
ROUNDS = 5


def best(fn) -> float:
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


@pytest.mark.benchmark
def test_undo_redo_home_after_a_long_run(capsys) -> None:
    sc = streetlight()
    dbg = Debugger(sc)
    dbg.run(EPOCHS)
    end = dbg.g

    def home_undo_redo() -> tuple[float, float, float]:
        t0 = time.perf_counter()
        dbg.home()
        t1 = time.perf_counter()
        dbg.undo()
        t2 = time.perf_counter()
        dbg.redo()
        t3 = time.perf_counter()
        dbg.undo()  # back at the end for the next round
        return t1 - t0, t2 - t1, t3 - t2

    rounds = [home_undo_redo() for _ in range(ROUNDS)]
    home, undo, redo = (min(r[i] for r in rounds) for i in range(3))
    old_undo = best(lambda: Debugger(sc).timeline.goto(end))  # what undo after home used to cost
    assert dbg.g == end
    with capsys.disabled():
        print(
            f"\n[benchmark] streetlight after {EPOCHS:,} epochs, best of {ROUNDS}: home {home * 1e3:.2f} ms, "
            f"undo of home {undo * 1e3:.2f} ms (before: {old_undo * 1e3:.0f} ms, a full replay), "
            f"redo {redo * 1e3:.2f} ms; stride {dbg.timeline._stride} epochs"
        )
