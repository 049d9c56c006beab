"""A run with breakpoints against the same run without them, measured side by side.

Streetlight for the same number of epochs, interleaved in rounds so machine noise hits both alike;
the best round of each is compared and printed (shared machines are noisy: the figures are not
asserted). The test fails only if the watched run left different numbers, or is more than 3× slower.
"""

from __future__ import annotations

import time

import pytest

from bptui.engine import Debugger
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


def run(watched: bool, extra: tuple[Breakpoint, ...] = ()) -> tuple[float, Debugger]:
    dbg = Debugger(streetlight())
    if watched:
        for bp in NEVER + extra:
            dbg.breakpoints.add(bp)
    t0 = time.perf_counter()
    out = dbg.run(EPOCHS)
    elapsed = time.perf_counter() - t0
    assert out.hit is None
    return elapsed, dbg


@pytest.mark.benchmark
def test_a_run_with_breakpoints_stays_fast(capsys) -> None:
    plain, watched = [], []
    for _ in range(ROUNDS):
        t, a = run(False)
        plain.append(t)
        t, b = run(True)
        watched.append(t)
    same_state(a, b)
    ratio = min(watched) / min(plain)
    with capsys.disabled():
        print(
            f"\n[benchmark] streetlight {EPOCHS} epochs, best of {ROUNDS}: plain {min(plain) * 1e3:.1f} ms, "
            f"with loss/grad-norm/epoch/expect breakpoints {min(watched) * 1e3:.1f} ms, ratio {ratio:.2f}"
        )
    assert ratio < 3.0
