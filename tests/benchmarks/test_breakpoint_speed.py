"""A run with breakpoints against the same run without them, measured side by side.

Streetlight for the same number of epochs, interleaved in rounds so machine noise hits both alike;
the best round of each is compared and printed (shared machines are noisy: the figures are not
asserted). The test fails only if the watched run left different numbers, or is more than 3× slower.
"""

from __future__ import annotations

import time

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec
from bptui.engine.breakpoints import Breakpoint
from tests.builders import same_state, streetlight

EPOCHS = 5000
ROUNDS = 5
NEVER = (  # set, checked on every pass or epoch, and never firing in these epochs
    Breakpoint("loss_below", -1.0),
    Breakpoint("grad_norm", 1e9),
    Breakpoint("epoch", 10**6),
    Breakpoint("expect_fail"),
)


def alive() -> Scenario:
    """3-8-1 relu on positive inputs and weights, small steps: no unit ever dies, relu_dead never fires."""
    rng = np.random.RandomState(0)
    return Scenario(
        title="alive",
        inputs=3,
        layers=(LayerSpec(8, "relu"), LayerSpec(1, "identity")),
        data_inputs=rng.uniform(0.1, 1, (8, 3)),
        data_targets=rng.uniform(0.5, 1, (8, 1)),
        training=TrainingSpec(learning_rate=0.01, epochs=10),
        init=InitSpec(seed=0, low=0.1, high=0.5),
        convention="row",
    )


def run(watched: bool, extra: tuple[Breakpoint, ...] = (), make=streetlight, epochs: int = EPOCHS):
    dbg = Debugger(make())
    if watched:
        for bp in NEVER + extra:
            dbg.breakpoints.add(bp)
    t0 = time.perf_counter()
    out = dbg.run(epochs)
    elapsed = time.perf_counter() - t0
    assert out.hit is None
    return elapsed, dbg


def side_by_side(capsys, what: str, extra: tuple[Breakpoint, ...] = (), **kw) -> None:
    """``ROUNDS`` rounds of the plain run then the watched one; the best of each printed, their
    numbers compared bit for bit, the ratio bounded."""
    plain, watched = [], []
    for _ in range(ROUNDS):
        t, a = run(False, **kw)
        plain.append(t)
        t, b = run(True, extra, **kw)
        watched.append(t)
    same_state(a, b)
    ratio = min(watched) / min(plain)
    with capsys.disabled():
        print(
            f"\n[benchmark] {what}, best of {ROUNDS}: plain {min(plain) * 1e3:.1f} ms, "
            f"with {'relu_dead too' if extra else 'loss/grad-norm/epoch/expect breakpoints'} "
            f"{min(watched) * 1e3:.1f} ms, ratio {ratio:.2f}"
        )
    assert ratio < 3.0


@pytest.mark.benchmark
def test_a_run_with_breakpoints_stays_fast(capsys) -> None:
    side_by_side(capsys, f"streetlight {EPOCHS} epochs")


@pytest.mark.benchmark
def test_a_run_watching_relu_units_stays_fast(capsys) -> None:
    side_by_side(capsys, "3-8-1 relu, 8 samples, 2000 epochs", (Breakpoint("relu_dead"),), make=alive, epochs=2000)
