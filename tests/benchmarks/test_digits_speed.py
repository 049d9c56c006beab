"""The digits scenario (64 inputs, 1,437 samples): a key in the TUI against streetlight's, ``r 20``
headless side by side with a hand-written NumPy loop training the same numbers (issue 11's goal,
≤ 1.10×; see test_minibatch_speed.py), and what scoring the test split adds to an epoch (report;
loose bounds)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from bptui.engine import Debugger
from bptui.engine.accuracy import AccuracyLog
from bptui.engine.kernel import PassKernel
from bptui.engine.network import Network, initial_params
from bptui.scenario import load_scenario
from bptui.tui import BptuiApp
from tests.benchmarks.test_minibatch_speed import GOAL, measure
from tests.builders import streetlight

DIGITS = Path(__file__).resolve().parents[2] / "scenarios" / "digits.toml"
KEYS = ["n"] * 6 + ["p", "n", "tab", "right", "right", "enter", "enter", "shift+tab", "n"]


async def key_times(scenario) -> list[float]:
    app = BptuiApp(scenario)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in KEYS:
            t0 = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            times.append(time.perf_counter() - t0)
    return sorted(times)


@pytest.mark.benchmark
async def test_a_key_on_digits_costs_about_what_it_costs_on_streetlight(capsys) -> None:
    digits = await key_times(load_scenario(DIGITS))
    small = await key_times(streetlight())
    median = len(KEYS) // 2
    with capsys.disabled():
        print(
            f"\n[benchmark] a key at 120×40 (step, back, Inspector, pin): digits median "
            f"{digits[median] * 1e3:.0f} ms, worst {digits[-1] * 1e3:.0f} ms; streetlight median "
            f"{small[median] * 1e3:.0f} ms, worst {small[-1] * 1e3:.0f} ms"
        )
    assert digits[median] < 3 * small[median] + 0.05


@pytest.mark.benchmark
def test_twenty_epochs_and_the_cost_of_scoring(capsys) -> None:
    sc = load_scenario(DIGITS)
    t0 = time.perf_counter()
    dbg = Debugger(sc)
    dbg.run(20)
    run = time.perf_counter() - t0
    side = measure(sc, 20, 5)  # r 20 and the hand loop, interleaved, CPU time (asserts the same numbers)
    lo, hi = side["spread"]
    net, params = Network.from_scenario(sc), initial_params(sc)
    log = AccuracyLog(net, sc.test_inputs, sc.test_targets)
    t0 = time.perf_counter()
    for _ in range(100):
        log.score(params)
    score = (time.perf_counter() - t0) / 100
    mini = dataclasses.replace(net, batch=True)  # what a mini-batch epoch of 32 costs, for scale
    kernel = PassKernel(mini)
    batches = [(sc.data_inputs[i : i + 32], sc.data_targets[i : i + 32]) for i in range(0, sc.samples, 32)]
    t0 = time.perf_counter()
    for _ in range(10):
        for x, t in batches:
            kernel.train(params, x, t)
    epoch = (time.perf_counter() - t0) / 10
    with capsys.disabled():
        print(
            f"\n[benchmark] digits: r 20 ({sc.training.mode}) {run:.2f} s, test accuracy "
            f"{dbg.accuracy().test:.1%}; side by side with a hand NumPy loop (5 rounds, CPU time) "
            f"{side['bptui'] * 1e3:.1f} vs {side['hand'] * 1e3:.1f} ms, ratio {side['ratio']:.2f} "
            f"(rounds {lo:.2f}–{hi:.2f}; goal ≤ {GOAL:.2f}); "
            f"scoring the 360 test samples {score * 1e6:.0f} µs an epoch, "
            f"{score / epoch:.1%} of a 32-sample mini-batch epoch ({epoch * 1e3:.1f} ms)"
        )
    assert run < 10
