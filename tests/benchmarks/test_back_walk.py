"""Stepping back through an epoch after a run, across sample boundaries (report only).

A 64-64-64-64 tanh net trained online on 512 samples for two epochs; then ``p`` (back one
micro-step) ``BACK`` times from the end: the steps within a sample, the steps that cross into the
previous sample, and the first one (which may replay from the epoch's checkpoint) are timed
apart. Issue 13 measured 502 ms per ``p`` across a sample boundary (every crossing replayed from
the epoch checkpoint) against 0.14 ms within a sample. Goal: one replay, then one pass per step.
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec

from .measure import ms, row

SIZES, SAMPLES, EPOCHS = (64, 64, 64, 64), 512, 2
BACK = 8 * 8 + 1  # eight sample boundaries crossed (8 micro-steps per pass of three layers)
GOAL = 0.005  # seconds per p across a boundary after the first: a pass, not a replay


def online_net() -> Scenario:
    rng = np.random.RandomState(0)
    return Scenario(
        title="online 64",
        inputs=SIZES[0],
        layers=tuple(LayerSpec(u, "tanh") for u in SIZES[1:-1]) + (LayerSpec(SIZES[-1], "identity"),),
        data_inputs=rng.rand(SAMPLES, SIZES[0]),
        data_targets=rng.rand(SAMPLES, SIZES[-1]),
        training=TrainingSpec(mode="online", learning_rate=0.01),
        init=InitSpec(seed=0),
        convention="row",
    )


def measure() -> tuple[float, list[float], list[float], float]:
    """(first p, p across boundaries after it, p within a sample, one full pass) in seconds."""
    dbg = Debugger(online_net())
    dbg.run(EPOCHS)
    per_pass = dbg.layout.per_pass
    first, crossing, within = 0.0, [], []
    for i in range(BACK):
        g = dbg.g
        t0 = time.perf_counter()
        dbg.goto(g - 1)
        t = time.perf_counter() - t0
        if i == 0:
            first = t
        elif (g - 1) % per_pass == 0:  # g - 1 ends a pass: this p crossed into the previous sample
            crossing.append(t)
        else:
            within.append(t)
    fresh = Debugger(online_net())
    t0 = time.perf_counter()
    fresh.goto(per_pass)  # one whole pass, micro-step by micro-step
    one_pass = time.perf_counter() - t0
    return first, crossing, within, one_pass


def rows() -> list[dict]:
    first, crossing, within, one_pass = measure()
    across = statistics.median(crossing)
    return [
        row(
            f"p across a sample boundary after a run (64-64-64-64 online, {SAMPLES} samples): one pass, not a replay",
            "502 ms per p (issue)",
            f"{ms(across)} per crossing (median of {len(crossing)}; first p {ms(first)})",
            f"one pass {ms(one_pass)}; p within a sample {ms(statistics.median(within))}",
            across / one_pass,
            across <= GOAL,
        )
    ]


@pytest.mark.benchmark
def test_walking_back_across_sample_boundaries(capsys) -> None:
    first, crossing, within, one_pass = measure()
    with capsys.disabled():
        print(
            f"\n[benchmark] back through an epoch, 64-64-64-64 online, {SAMPLES} samples: first p {ms(first)}, "
            f"across a boundary median {ms(statistics.median(crossing))} (max {ms(max(crossing))}), "
            f"within a sample {ms(statistics.median(within))}; one pass {ms(one_pass)}"
        )
