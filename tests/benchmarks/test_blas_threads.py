"""BLAS threads for small matrices: one thread against the library's default, side by side (report only)."""

from __future__ import annotations

import time

import pytest

from bptui.blas import SMALL_PRODUCT, largest_product
from bptui.engine import Debugger, Scenario

from ..builders import batch_scenario
from .measure import ms, row

threadpoolctl = pytest.importorskip("threadpoolctl")

CASES = [((3, 4, 1), 4096, 200), ((64, 64, 10), 4096, 20), ((64, 64, 64, 64), 512, 60)]


def per_epoch(sc: Scenario, epochs: int) -> tuple[float, list[float]]:
    dbg = Debugger(sc)
    t0 = time.perf_counter()
    dbg.run(epochs)
    return (time.perf_counter() - t0) / epochs, dbg.epoch_losses


def measure() -> list[tuple[str, float, float]]:
    """(case, best seconds per epoch with one BLAS thread, with the library's default), interleaved."""
    out = []
    for sizes, samples, epochs in CASES:
        sc = batch_scenario(sizes, samples)
        assert largest_product(sc) < SMALL_PRODUCT  # bptui chooses one thread for these
        one, default = [], []
        for _ in range(3):  # interleaved rounds
            with threadpoolctl.threadpool_limits(limits=1, user_api="blas"):
                t, losses_one = per_epoch(sc, epochs)
            one.append(t)
            t, losses_default = per_epoch(sc, epochs)
            default.append(t)
        assert losses_one == losses_default  # the thread count never changes the numbers
        out.append((f"{'-'.join(map(str, sizes))} batch of {samples}", min(one), min(default)))
    return out


def rows() -> list[dict]:
    """Report only: which thread count is faster for these sizes depends on the machine's load
    (one thread was 5-35x faster on a busy 2-core machine; two can win on a quiet one)."""
    cases = measure()
    ratio = sum(one for _, one, _ in cases) / sum(default for _, _, default in cases)
    return [
        row(
            "BLAS threads for small matrices: chosen (one thread) and documented",
            "default 5-35x slower than one thread, busy machine (issue)",
            "one thread: " + "; ".join(f"{name} {ms(one)}/epoch" for name, one, _ in cases),
            "default threads: " + "; ".join(f"{ms(default)}" for _, _, default in cases),
            ratio,
            None,
        )
    ]


@pytest.mark.benchmark
def test_one_blas_thread_for_small_matrices(capsys) -> None:
    lines = [
        f"{name}: one thread {one * 1e3:.2f} ms/epoch, default {default * 1e3:.2f} ms/epoch ({default / one:.1f}x)"
        for name, one, default in measure()
    ]
    with capsys.disabled():
        print("\n[benchmark] BLAS threads, best of 3:\n  " + "\n  ".join(lines))
