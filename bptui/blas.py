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

Start-up: OpenBLAS starts its thread pool when NumPy is imported, which cost the TUI some 35 ms of
its first frame on a busy 2-core machine (NumPy's import: ~50 ms on one thread, ~85 ms with the
pool). :func:`start_on_one_thread` (called by the TUI before anything imports NumPy) starts
OpenBLAS on one thread; :func:`choose_blas_threads` then gives big scenarios the library's
default back (one thread per core, as if nothing had been set), through threadpoolctl. Only done
when threadpoolctl is installed and the user did not set ``OPENBLAS_NUM_THREADS``. This module
imports nothing heavy at the top, so that it can run before NumPy is loaded.
"""

from __future__ import annotations

import os
import sys
from importlib.util import find_spec
from itertools import pairwise
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bptui.engine.spec import Scenario

SMALL_PRODUCT = 2**26  # ~67 M multiply-adds, ~20 ms on one core
TINY_PRODUCT = 2**13

_held: list[object] = []  # the active limit (kept alive for the life of the process)
_one_thread_start: list[bool] = []  # start_on_one_thread set OPENBLAS_NUM_THREADS=1 (and NumPy loaded)


def start_on_one_thread() -> bool:
    """Before NumPy is imported: have OpenBLAS start on one thread (see the module docstring)."""
    if "OPENBLAS_NUM_THREADS" in os.environ or "numpy" in sys.modules or find_spec("threadpoolctl") is None:
        return False
    os.environ["OPENBLAS_NUM_THREADS"] = "1"
    _one_thread_start.append(True)
    return True


def largest_product(scenario: Scenario) -> int:
    """Multiply-adds of the largest matrix product of one pass."""
    from bptui.engine.spec import BATCH, MINIBATCH

    mode = scenario.training.mode
    rows = (
        scenario.samples
        if mode == BATCH
        else (min(scenario.training.batch_size, scenario.samples) if mode == MINIBATCH else 1)
    )
    sizes = (scenario.inputs, *(layer.units for layer in scenario.layers))
    return rows * max(a * b for a, b in pairwise(sizes))


def choose_blas_threads(scenario: Scenario) -> int | None:
    """Limit BLAS to one thread when the scenario's products are small; returns the limit set, if any.

    After :func:`start_on_one_thread`, a scenario with big products gets one thread per core back."""
    product = largest_product(scenario)
    if _one_thread_start:
        _one_thread_start.clear()
        os.environ.pop("OPENBLAS_NUM_THREADS", None)  # NumPy has read it: not for child processes
        if product >= SMALL_PRODUCT:
            from threadpoolctl import ThreadpoolController

            cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
            _held.append(ThreadpoolController().limit(limits=cores, user_api="blas"))
            return None
    if not TINY_PRODUCT <= product < SMALL_PRODUCT:
        return None
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional: the numbers are the same, only slower on busy machines
        return None
    _held.append(ThreadpoolController().limit(limits=1, user_api="blas"))
    return 1
