"""Run-N's fast path against the book's hand-written NumPy loop, measured side by side.

Both train streetlight (3-4-1 relu, 4 samples, online) for the same number of epochs, interleaved
in rounds so machine noise hits both alike; the best round of each is compared. The figures are
printed; the assertion only guards against a gross regression (the engine being much slower than
the seed's loop), since shared machines are noisy.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from bptui.engine import Debugger
from tests.engine.conftest import STREETLIGHT_T, STREETLIGHT_X, streetlight

EPOCHS = 2000
ROUNDS = 5


def seed_loop(epochs: int) -> float:
    """Grokking ch. 6's cell (with its error accounting), as in seed 000."""
    np.random.seed(1)
    relu = lambda x: (x > 0) * x  # noqa: E731
    relu2deriv = lambda output: output > 0  # noqa: E731
    streetlights, walk_vs_stop = STREETLIGHT_X, STREETLIGHT_T
    alpha = 0.2
    weights_0_1 = 2 * np.random.random((3, 4)) - 1
    weights_1_2 = 2 * np.random.random((4, 1)) - 1
    for _ in range(epochs):
        layer_2_error = 0
        for i in range(len(streetlights)):
            layer_0 = streetlights[i : i + 1]
            layer_1 = relu(np.dot(layer_0, weights_0_1))
            layer_2 = np.dot(layer_1, weights_1_2)
            layer_2_error += np.sum((layer_2 - walk_vs_stop[i : i + 1]) ** 2)
            layer_2_delta = layer_2 - walk_vs_stop[i : i + 1]
            layer_1_delta = layer_2_delta.dot(weights_1_2.T) * relu2deriv(layer_1)
            weights_1_2 -= alpha * layer_1.T.dot(layer_2_delta)
            weights_0_1 -= alpha * layer_0.T.dot(layer_1_delta)
    return float(layer_2_error)


def engine_run(epochs: int) -> float:
    dbg = Debugger(streetlight())
    dbg.run(epochs)
    return 2 * dbg.epoch_losses[-1]


def timed(fn, epochs: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    result = fn(epochs)
    return time.perf_counter() - t0, result


@pytest.mark.benchmark
def test_run_n_is_not_slower_than_the_seed_loop(capsys) -> None:
    seed_times, engine_times = [], []
    for _ in range(ROUNDS):
        t, seed_err = timed(seed_loop, EPOCHS)
        seed_times.append(t)
        t, engine_err = timed(engine_run, EPOCHS)
        engine_times.append(t)
    assert engine_err == pytest.approx(seed_err, rel=1e-9)  # the same training, or the timing is moot
    best_seed, best_engine = min(seed_times), min(engine_times)
    ratio = best_engine / best_seed
    with capsys.disabled():
        print(
            f"\n[benchmark] streetlight {EPOCHS} epochs, best of {ROUNDS}: seed loop {best_seed * 1e3:.1f} ms "
            f"({best_seed / EPOCHS / 4 * 1e6:.2f} µs/sample), bptui run {best_engine * 1e3:.1f} ms "
            f"({best_engine / EPOCHS / 4 * 1e6:.2f} µs/sample), ratio {ratio:.2f}"
        )
    assert ratio < 1.5
