"""Undo, redo, home and forward jumps after a long run: at most one stride of replay.

Issue 13: a forward jump went on from where it stood, so undo after ``home`` recomputed the whole
run (435 ms on streetlight after 10k epochs, 15 s on a 64-unit batch net, 909 s on a 64-unit
online net of 512 samples). "Before" is that old way measured in this run: a fresh timeline
going to the same place (the full replay the old undo made). "Now" is the slowest of home, undo,
redo and a forward jump into ground already covered (the slowest of a few rounds each), and the
goal is met when that is < 50 ms on streetlight and every jump computed at most one stride of
passes (plus the partial pass at either end). The networks of 64 units run fewer epochs than
10k (the replay they would save is proportionally longer: the figures scale with the epochs).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bptui.blas import choose_blas_threads
from bptui.engine import Debugger, Scenario

from ..builders import batch_scenario, streetlight
from .measure import ms, row, show, wall

ROUNDS = 3
GOAL = 0.050  # seconds, streetlight


def online64() -> Scenario:
    sc = batch_scenario((64, 64, 64, 64), 512)
    return replace(sc, title="online 64", training=replace(sc.training, mode="online"))


CASES = [
    ("streetlight", streetlight, 10_000),
    ("64-64-64-64 tanh batch of 512", lambda: batch_scenario((64, 64, 64, 64), 512), 2_000),
    ("256-512-512-10 tanh batch of 512", lambda: batch_scenario((256, 512, 512, 10), 512), 40),
    ("64-64-64-64 tanh online, 512 samples", online64, 20),
]


def jumps(dbg: Debugger) -> tuple[dict[str, float], int]:
    """The slowest time of each jump over a few rounds (the first is the one that replays; later
    ones may find its passes cached), and the most passes any of them computed."""
    tl = dbg.timeline
    end = dbg.g
    middle = end // 2 + 3  # a forward jump from home into covered ground, mid-pass
    worst: dict[str, float] = {}
    most = 0

    def timed(name: str, fn) -> None:
        nonlocal most
        before = tl.passes_computed
        t = wall(fn)
        worst[name] = max(worst.get(name, t), t)
        most = max(most, tl.passes_computed - before)

    for _ in range(ROUNDS):
        timed("home", dbg.home)
        timed("undo of home", dbg.undo)
        timed("redo", dbg.redo)
        timed("forward jump", lambda: dbg.goto(middle))
        timed("undo", dbg.undo)  # back to home
        dbg.undo()  # back at the end for the next round
        assert dbg.g == end
    return worst, most


def rows() -> list[dict]:
    out = []
    for name, build, epochs in CASES:
        sc = build()
        choose_blas_threads(sc)
        dbg = Debugger(sc)
        dbg.run(epochs)
        end = dbg.g
        times, most = jumps(dbg)
        stride = dbg.timeline._stride * dbg.layout.passes  # passes between two checkpoints
        full = wall(lambda: Debugger(sc).timeline.goto(end))  # noqa: B023  (the old undo of home)
        worst = max(times.values())
        bounded = most <= stride + 1
        goal = f"undo/redo/home/jump on {name} after {epochs:,} epochs: <= one stride"
        if name == "streetlight":
            goal += f", < {GOAL * 1e3:.0f} ms"
        out.append(
            row(
                goal,
                f"{ms(full)} (full replay)",
                f"{ms(worst)} worst ({', '.join(f'{k} {ms(v)}' for k, v in times.items())}); "
                f"{most} passes at most, stride {stride}",
                f"full replay {ms(full)}",
                worst / full,
                bounded and (worst < GOAL if name == "streetlight" else True),
            )
        )
    return out


@pytest.mark.benchmark
def test_undo_redo_home_after_a_long_run(capsys) -> None:
    result = rows()
    with capsys.disabled():
        print("\n" + show(f"jumps after a long run, slowest of {ROUNDS}", result))
