"""Batch-mode keys on a 64→64→64→64 tanh network of 512 samples: CPU time per key in the TUI.

Issue 13: each key cost 230–280 ms there (the engine 1 ms of it): the Inspector formatted every
element of 512×64 matrices, the derivation enumerated samples × units to pick one element. The
goal is ≤ 30 ms of CPU per key. Each key is pressed through Textual's Pilot in a headless app of
120×40 and timed in CPU time of the process (every thread: a key that starts a worker counts
it) from the key until the app is idle again, screen drawn. The median of a few presses of each
key is kept; the figures are reported, not asserted (shared machines are noisy).
"""

from __future__ import annotations

import asyncio
import statistics
import time

import pytest

from bptui.allocator import pin_malloc_thresholds
from bptui.blas import choose_blas_threads
from bptui.tui import BptuiApp

from ..builders import batch_scenario
from .measure import ms, row, show

GOAL = 0.030
SIZE = (120, 40)
# keys on the Network pane (the App's commands), then on the Inspector (← → choose an element of W
# or b, whose chain rule the derivation builds; ⏎ pins it), each followed by its way back
NETWORK_KEYS = ["n", "p", "down", "up", "f", "u"]
INSPECTOR_KEYS = ["right", "right", "left", "enter", "escape", "down", "up"]
ROUNDS = 5


async def measure_keys() -> dict[str, list[float]]:
    sc = batch_scenario((64, 64, 64, 64), 512)
    choose_blas_threads(sc)  # as `bptui` does before it starts the app
    pin_malloc_thresholds()
    app = BptuiApp(sc)
    times: dict[str, list[float]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for _ in range(4):  # into the backward pass: every Inspector row computed
            await pilot.press("n")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for keys, pane in ((NETWORK_KEYS, "network"), (INSPECTOR_KEYS, "inspector")):
            app.query_one(f"#{pane}").focus()
            await pilot.pause()
            for _ in range(ROUNDS):
                for key in keys:
                    t0 = time.process_time()
                    await pilot.press(key)
                    await pilot.app.workers.wait_for_complete()
                    await pilot.pause()
                    times.setdefault(f"{key} ({pane})", []).append(time.process_time() - t0)
    return times


def rows() -> list[dict]:
    times = asyncio.run(measure_keys())
    out = []
    for key, ts in times.items():
        best = statistics.median(ts)
        out.append(
            row(
                f"batch key {key}, 64-64-64-64 tanh x 512 samples: <= {GOAL * 1e3:.0f} ms CPU",
                "230-280 ms (issue)",
                f"{ms(best)} (median; worst {ms(max(ts))})",
                f"goal {GOAL * 1e3:.0f} ms",
                best / GOAL,
                best <= GOAL,
            )
        )
    return out


@pytest.mark.benchmark
def test_batch_mode_keys(capsys) -> None:
    result = rows()
    with capsys.disabled():
        print("\n" + show("batch-mode keys, CPU time per key", result))
