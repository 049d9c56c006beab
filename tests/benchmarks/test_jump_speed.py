"""Undo, redo and home after a long run: at most one stride of replay (report only).

"Before" is the old way, measured in the same run: a forward jump went on from where it stood, so
undo after home recomputed the whole run (the same as a fresh timeline going there).
"""

from __future__ import annotations

import time

import pytest

from bptui.engine import Debugger
from tests.builders import streetlight

from .measure import ms, row

EPOCHS = 10_000
ROUNDS = 5


def best(fn) -> float:
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def measure() -> tuple[float, float, float, float, int]:
    """Best-of-``ROUNDS`` seconds of home, undo (of home) and redo after ``EPOCHS`` epochs, and
    what undo of home cost the old way (a full replay from the start: a fresh timeline going there)."""
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
    return home, undo, redo, old_undo, dbg.timeline._stride


def rows() -> list[dict]:
    home, undo, redo, old_undo, _ = measure()
    worst = max(home, undo, redo)
    return [
        row(
            f"undo/redo/home after {EPOCHS:,} epochs (streetlight) < 50 ms",
            "435 ms (issue)",
            f"home {ms(home)}, undo {ms(undo)}, redo {ms(redo)}",
            f"full replay (the old undo) {ms(old_undo)}",
            worst / old_undo,
            worst < 0.050,
        )
    ]


@pytest.mark.benchmark
def test_undo_redo_home_after_a_long_run(capsys) -> None:
    home, undo, redo, old_undo, stride = measure()
    with capsys.disabled():
        print(
            f"\n[benchmark] streetlight after {EPOCHS:,} epochs, best of {ROUNDS}: home {home * 1e3:.2f} ms, "
            f"undo of home {undo * 1e3:.2f} ms (before: {old_undo * 1e3:.0f} ms, a full replay), "
            f"redo {redo * 1e3:.2f} ms; stride {stride} epochs"
        )
