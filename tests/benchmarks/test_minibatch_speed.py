"""Minibatch run-N against a hand-written NumPy mini-batch loop, measured side by side.

The network and data have the digits set's shape (issue 11): 64 inputs, 16 sigmoid units, 10
softmax outputs with cross-entropy, 1,797 random samples, mini-batches of 32 drawn in a shuffled
order each epoch. The hand-written loop is what a student writes after Nielsen's chapter 1-3: the
same documented order, ``dz2 = (y − t)/m`` (softmax and cross-entropy fused), in-place SGD. Both
run interleaved in many short rounds, timed in CPU time of this process (a loaded shared machine
swings wall time by ±50%); the best round of each is compared. The ratio is printed (shared
machines are noisy; the goal is ≤ 1.10), and the test fails only if the two trainings disagree.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec

SAMPLES, SIZES, BATCH, SEED = 1797, (64, 16, 10), 32, 1
EPOCHS = 10
ROUNDS = 15
LR = 0.5


def scenario() -> Scenario:
    rng = np.random.RandomState(0)
    X = rng.randint(0, 17, (SAMPLES, SIZES[0])) / 16.0  # the digits' 0..16 grey levels, scaled
    T = np.eye(SIZES[-1])[rng.randint(0, SIZES[-1], SAMPLES)]
    return Scenario(
        title="digits-shaped",
        inputs=SIZES[0],
        layers=(LayerSpec(SIZES[1], "sigmoid"), LayerSpec(SIZES[2], "softmax")),
        data_inputs=X,
        data_targets=T,
        training=TrainingSpec(
            loss="cross_entropy", learning_rate=LR, mode="minibatch", batch_size=BATCH, shuffle=SEED, epochs=EPOCHS
        ),
        init=InitSpec(distribution="normal", std=0.1, seed=2),
        convention="row",
    )


def hand_loop(sc: Scenario, epochs: int) -> tuple[list[float], np.ndarray]:
    X, T = sc.data_inputs, sc.data_targets
    rng = np.random.RandomState(sc.init.seed)
    W1 = 0.1 * rng.standard_normal(SIZES[:2])
    W2 = 0.1 * rng.standard_normal(SIZES[1:])
    b1, b2 = np.zeros(SIZES[1]), np.zeros(SIZES[2])
    n = len(X)
    losses = []
    for epoch in range(1, epochs + 1):
        order = np.random.RandomState([SEED, epoch]).permutation(n)
        total = 0.0
        for start in range(0, n, BATCH):
            idx = order[start : start + BATCH]
            x, t = X[idx], T[idx]
            m = len(idx)
            a1 = 1.0 / (1.0 + np.exp(-(x @ W1 + b1)))
            z2 = a1 @ W2 + b2
            e = np.exp(z2 - z2.max(axis=1, keepdims=True))
            y = e / e.sum(axis=1, keepdims=True)
            total += -np.sum(t * np.log(y))
            dz2 = (y - t) / m
            dz1 = (dz2 @ W2.T) * a1 * (1.0 - a1)
            W2 -= LR * (a1.T @ dz2)
            b2 -= LR * dz2.sum(axis=0)
            W1 -= LR * (x.T @ dz1)
            b1 -= LR * dz1.sum(axis=0)
        losses.append(total / n)
    return losses, W1


def engine_run(sc: Scenario, epochs: int) -> tuple[list[float], np.ndarray]:
    d = Debugger(sc)
    d.run(epochs)
    return d.epoch_losses, d.params.W[0]


def unchecked_run(sc: Scenario, epochs: int) -> tuple[list[float], np.ndarray]:
    """The same fast path without the divergence check run-N makes (an instrument, not a mode)."""
    d = Debugger(sc)
    d.timeline.goto(epochs * d.layout.per_epoch)
    return d.epoch_losses, d.params.W[0]


@pytest.mark.benchmark
def test_minibatch_run_against_a_hand_written_loop(capsys) -> None:
    sc = scenario()
    hand_t, eng_t, raw_t = [], [], []
    for _ in range(ROUNDS):
        t0 = time.process_time()
        hand_losses, hand_W1 = hand_loop(sc, EPOCHS)
        hand_t.append(time.process_time() - t0)
        t0 = time.process_time()
        eng_losses, eng_W1 = engine_run(sc, EPOCHS)
        eng_t.append(time.process_time() - t0)
        t0 = time.process_time()
        unchecked_run(sc, EPOCHS)
        raw_t.append(time.process_time() - t0)
    assert eng_losses == pytest.approx(hand_losses, rel=1e-8)  # the same training, or the timing is moot
    assert np.allclose(eng_W1, hand_W1, rtol=1e-8, atol=1e-12)
    best_hand, best_eng = min(hand_t), min(eng_t)
    passes = EPOCHS * -(-SAMPLES // BATCH)
    with capsys.disabled():
        print(
            f"\n[benchmark] 64-16-10 softmax, {SAMPLES} samples, batch {BATCH}, {EPOCHS} epochs, best of {ROUNDS}: "
            f"hand-written loop {best_hand * 1e3:.1f} ms ({best_hand / passes * 1e6:.1f} µs/batch), "
            f"bptui run {best_eng * 1e3:.1f} ms ({best_eng / passes * 1e6:.1f} µs/batch), "
            f"ratio {best_eng / best_hand:.2f}; without run-N's divergence check {min(raw_t) / best_hand:.2f}"
        )
