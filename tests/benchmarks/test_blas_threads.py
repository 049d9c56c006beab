"""BLAS threads for small matrices: one thread against the library's default, side by side (report only)."""

from __future__ import annotations

import time

import pytest

from bptui.blas import SMALL_PRODUCT, largest_product
from bptui.engine import Debugger, Scenario

from ..builders import batch_scenario

threadpoolctl = pytest.importorskip("threadpoolctl")

CASES = [((3, 4, 1), 4096, 200), ((64, 64, 10), 4096, 20), ((64, 64, 64, 64), 512, 60)]


def per_epoch(sc: Scenario, epochs: int) -> tuple[float, list[float]]:
    dbg = Debugger(sc)
    t0 = time.perf_counter()
    dbg.run(epochs)
    return (time.perf_counter() - t0) / epochs, dbg.epoch_losses


@pytest.mark.benchmark
def test_one_blas_thread_for_small_matrices(capsys) -> None:
    lines = []
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
        lines.append(
            f"{'-'.join(map(str, sizes))} batch of {samples}: one thread {min(one) * 1e3:.2f} ms/epoch, "
            f"default {min(default) * 1e3:.2f} ms/epoch ({min(default) / min(one):.1f}x)"
        )
    with capsys.disabled():
        print("\n[benchmark] BLAS threads, best of 3:\n  " + "\n  ".join(lines))
