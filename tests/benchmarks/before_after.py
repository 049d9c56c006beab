"""Issue 13's engine goals measured on two checkouts side by side: ``before`` and this one.

    python -m tests.benchmarks.before_after /path/to/an/older/checkout [--rounds N]

Each probe runs in a fresh process per checkout (``PYTHONPATH`` = that checkout), the two
alternating for ``--rounds`` rounds (best of each kept), with one BLAS thread for both (as
``bptui`` chooses for these sizes). The probes use only the API both checkouts have (Debugger,
Scenario, the TUI app), so an older checkout works too (``git archive COMMIT | tar -x -C DIR``).
Prints one line per figure: before, now, and their ratio.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path

from .test_kernel_speed import hand_loop

ROOT = Path(__file__).resolve().parents[2]

PROBES = r"""
import asyncio, json, os, sys, time
from dataclasses import replace
import numpy as np
from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec

def net(sizes, samples, mode):
    rng = np.random.RandomState(0)
    layers = tuple(LayerSpec(u, "tanh") for u in sizes[1:-1]) + (LayerSpec(sizes[-1], "identity"),)
    return Scenario(title="probe", inputs=sizes[0], layers=layers, data_inputs=rng.rand(samples, sizes[0]),
                    data_targets=rng.rand(samples, sizes[-1]), training=TrainingSpec(mode=mode, learning_rate=0.01),
                    init=InitSpec(distribution="normal", std=0.1, seed=0), convention="row")

def streetlight():
    X = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]], float)
    T = np.array([[1], [1], [0], [0]], float)
    layers = (LayerSpec(4, "relu", bias=False), LayerSpec(1, "identity", bias=False))
    return Scenario(title="streetlight", inputs=3, layers=layers, data_inputs=X, data_targets=T,
                    training=TrainingSpec(learning_rate=0.2),
                    init=InitSpec(seed=1, low=-1.0, high=1.0), convention="row")

def wall(fn):
    t0 = time.perf_counter(); fn(); return time.perf_counter() - t0

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

out = {}
which = sys.argv[1]
if which == "jumps":
    for name, sc, epochs in [("streetlight 10k", streetlight(), 10_000),
                             ("batch 64x4 512, 2k", net((64, 64, 64, 64), 512, "batch"), 2_000),
                             ("online 64x4 512, 20", net((64, 64, 64, 64), 512, "online"), 20)]:
        d = Debugger(sc); d.run(epochs)
        h = wall(d.home); u = wall(d.undo); r = wall(d.redo)
        out[f"home+undo+redo, {name} epochs (s)"] = h + u + r
elif which == "walk":
    d = Debugger(net((64, 64, 64, 64), 512, "online")); d.run(3)
    S = 8
    start = d.g
    times = []
    while d.g > start - 40 * S:
        times.append(wall(d.back))
    out["p, mean over 40 samples walked back, online 64x4 512 (s)"] = sum(times) / len(times)
    out["p, slowest (s)"] = max(times)
elif which == "keys":
    from bptui.tui import BptuiApp
    async def main():
        app = BptuiApp(net((64, 64, 64, 64), 512, "batch"))
        times = {}
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            for _ in range(4):
                await pilot.press("n")
            await pilot.pause()
            for _ in range(3):
                for key in ["n", "p", "down", "up"]:
                    t0 = time.process_time()
                    await pilot.press(key)
                    await pilot.app.workers.wait_for_complete()
                    await pilot.pause()
                    times.setdefault(key, []).append(time.process_time() - t0)
        return times
    for key, ts in asyncio.run(main()).items():
        out[f"batch key {key}, 64x4 512, CPU (s)"] = sorted(ts)[len(ts) // 2]
elif which == "memory":
    d = Debugger(streetlight()); tl = d.timeline
    r0, h0 = rss(), tl.history_bytes()
    d.run(250_000)
    out["streetlight 250k epochs: RSS growth / reported"] = (rss() - r0) / (tl.history_bytes() - h0)
elif which == "kernel":
    from bptui.engine.network import initial_params
    LR = 0.01
    exec(sys.argv[2])  # the hand loop of test_kernel_speed, the same for both checkouts
    for sizes, mode, samples, epochs in [((2, 2, 1), "online", 4, 2000), ((64, 64, 64, 64), "online", 256, 10),
                                         ((256, 512, 512, 10), "online", 32, 6), ((64, 64, 10), "batch", 4096, 10),
                                         ((256, 512, 512, 10), "batch", 512, 6)]:
        sc = net(sizes, samples, mode)
        hand, eng = [], []
        for _ in range(5):
            t0 = time.process_time(); hand_loop(sc, epochs); hand.append(time.process_time() - t0)
            t0 = time.process_time(); d = Debugger(sc); d.run(epochs); eng.append(time.process_time() - t0)
        out[f"kernel {'-'.join(map(str, sizes))} {mode}: bptui / hand loop"] = min(eng) / min(hand)
print(json.dumps(out))
"""


def probe(root: Path, which: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(root), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    args = [sys.executable, "-c", PROBES, which, inspect.getsource(hand_loop)]
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", type=Path)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--only", nargs="*", default=["jumps", "walk", "keys", "memory", "kernel"])
    args = parser.parse_args()
    for which in args.only:
        best: dict[str, dict[str, float]] = {"before": {}, "now": {}}
        for _ in range(args.rounds):
            for label, root in (("before", args.before), ("now", ROOT)):
                for k, v in probe(root, which).items():
                    best[label][k] = min(v, best[label].get(k, v))
        for k, now in best["now"].items():
            old = best["before"].get(k)
            ratio = f"{now / old:.3f}" if old else "-"
            print(f"{k:<60} before {old if old is None else f'{old:.4g}':>10}  now {now:>10.4g}  now/before {ratio}")


if __name__ == "__main__":
    main()
