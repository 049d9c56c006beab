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


CHILD = """
import os, sys
from bptui import blas

assert blas.start_on_one_thread()  # before NumPy: OpenBLAS starts on one thread
import threadpoolctl
from tests.builders import batch_scenario, streetlight

def threads():
    return max(i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas")

print(threads())
sc = {"big": batch_scenario((256, 512, 10), 4096), "small": batch_scenario((64, 64, 10), 4096), "tiny": streetlight()}
blas.choose_blas_threads(sc[sys.argv[1]])
print(threads(), "OPENBLAS_NUM_THREADS" in os.environ)
"""


@pytest.mark.parametrize("size", ["big", "small", "tiny"])
def test_the_tui_starts_openblas_on_one_thread_and_big_scenarios_get_the_default_back(size) -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"} | {"PYTHONPATH": str(root)}
    default = subprocess.run(
        [
            sys.executable,
            "-c",
            (
                "import threadpoolctl, numpy; print(max(i['num_threads'] for i in "
                "threadpoolctl.threadpool_info() if i['user_api'] == 'blas'))"
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, size], cwd=root, env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "1"  # started on one thread
    assert out[1] == (default[0] if size == "big" else "1")  # big: the library's default again
    assert out[2] == "False"  # the variable is not left for child processes
