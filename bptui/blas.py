"""BLAS threads chosen for the matrix sizes of a scenario (threadpoolctl, when installed).

OpenBLAS splits a product over every core once it passes its own size threshold. For the sizes of
teaching networks one thread is faster, and several times faster on a busy machine: measured on
a shared 2-core machine, a 64-64-10 batch of 4,096 samples took 13 ms an epoch on one thread and
57 ms on two; 64-64-64-64 at 512 samples, 2.5 ms and 11.5 ms. So when a scenario's largest
product (samples in a pass × fan-in × units) is under :data:`SMALL_PRODUCT` multiply-adds, bptui
limits BLAS to one thread for the process; bigger networks keep the library's default. Products
under :data:`TINY_PRODUCT` run on one thread anyway, so nothing is imported for them. Without
threadpoolctl nothing changes (set ``OPENBLAS_NUM_THREADS=1`` by hand). The thread count never
changes the numbers: BLAS splits the output matrix, not the sums.
"""

from __future__ import annotations

from itertools import pairwise

from bptui.engine.spec import BATCH, MINIBATCH, Scenario

SMALL_PRODUCT = 2**26  # ~67 M multiply-adds, ~20 ms on one core
TINY_PRODUCT = 2**13

_held: list[object] = []  # the active limit (kept alive for the life of the process)


def largest_product(scenario: Scenario) -> int:
    """Multiply-adds of the largest matrix product of one pass."""
    mode = scenario.training.mode
    rows = (
        scenario.samples
        if mode == BATCH
        else (min(scenario.training.batch_size, scenario.samples) if mode == MINIBATCH else 1)
    )
    sizes = (scenario.inputs, *(layer.units for layer in scenario.layers))
    return rows * max(a * b for a, b in pairwise(sizes))


def choose_blas_threads(scenario: Scenario) -> int | None:
    """Limit BLAS to one thread when the scenario's products are small; returns the limit set, if any."""
    if not TINY_PRODUCT <= largest_product(scenario) < SMALL_PRODUCT:
        return None
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: the numbers are the same, only slower on busy machines
        return None
    _held.append(ThreadpoolController().limit(limits=1, user_api="blas"))
    return 1
