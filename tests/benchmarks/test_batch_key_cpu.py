"""CPU time per key in batch mode on a large net, against streetlight's, in the App (report only).

A 64-64-64-64 tanh net of 512 samples in batch mode (a 512×64 matrix per value) at 120×40,
headless: ``n`` pressed ``KEYS`` times (forward, loss, backward, update), each timed in CPU time of
this process until the app is idle again. The same keys on streetlight are the reference, measured
in the same run. Issue 13 measured 230-280 ms per key (the Inspector formatted every element, the
derivation enumerated every index); goal: at most 30 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import time

import pytest

from bptui.tui import BptuiApp
from tests.builders import batch_scenario, streetlight

from .measure import ms, row

KEYS = 16  # two passes of the 64-64-64-64 net (8 micro-steps each)
GOAL = 0.030


async def key_cpu(scenario) -> list[float]:
    app = BptuiApp(scenario)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(KEYS):
            t0 = time.process_time()
            await pilot.press("n")
            await pilot.pause()
            times.append(time.process_time() - t0)
    return times


def measure() -> tuple[float, float]:
    big = asyncio.run(key_cpu(batch_scenario((64, 64, 64, 64), 512)))
    small = asyncio.run(key_cpu(streetlight()))
    return statistics.median(big), statistics.median(small)


def rows() -> list[dict]:
    big, small = measure()
    return [
        row(
            "CPU per key, batch mode, 64-64-64-64 tanh, 512 samples (App, headless) <= 30 ms",
            "230-280 ms (issue)",
            f"{ms(big)} (median of {KEYS})",
            f"streetlight {ms(small)}",
            big / small,
            big <= GOAL,
        )
    ]


@pytest.mark.benchmark
def test_batch_mode_keys_cost_little_cpu(capsys) -> None:
    big, small = measure()
    with capsys.disabled():
        print(f"\n[benchmark] CPU per n, median of {KEYS}: 64-64-64-64 batch of 512 {ms(big)}, streetlight {ms(small)}")
