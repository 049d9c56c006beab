"""One BLAS thread for small matrix products, the library's default for big ones."""

from __future__ import annotations

import pytest

from bptui import blas

from ..builders import batch_scenario, streetlight

threadpoolctl = pytest.importorskip("threadpoolctl")


def blas_threads() -> int:
    return max(i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas")


def test_small_products_get_one_thread_tiny_and_big_ones_are_left_alone() -> None:
    assert blas.largest_product(streetlight()) == 12  # 3 inputs × 4 units, one sample a pass
    assert blas.choose_blas_threads(streetlight()) is None  # BLAS runs it on one thread anyway
    big = batch_scenario((256, 512, 10), 4096)
    assert blas.largest_product(big) == 4096 * 256 * 512
    assert blas.choose_blas_threads(big) is None
    small = batch_scenario((64, 64, 10), 4096)
    try:
        assert blas.choose_blas_threads(small) == 1
        assert blas_threads() == 1
    finally:
        while blas._held:
            blas._held.pop().restore_original_limits()
