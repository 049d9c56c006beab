"""History memory: what the timeline says it holds is what it holds, within a documented budget."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bptui.engine import MAX_EPOCHS, Debugger

from ..builders import random_network, streetlight

# Measured in a child process: tracemalloc counts every thread's allocations, and under pytest-xdist
# the worker's own messaging thread allocates (~100 KB) while the run goes on.
GROWTH = """
import json, sys, tracemalloc
from bptui.engine import Debugger
from tests.builders import random_network, streetlight
sc = streetlight() if sys.argv[1] == "online" else random_network(1, mode="batch", sizes=(2, 3, 1))
dbg = Debugger(sc)
base = dbg.timeline.history_bytes()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
tracemalloc.reset_peak()
dbg.run(20_000)
grown = tracemalloc.get_traced_memory()[1] - before
tracemalloc.stop()
print(json.dumps([grown, dbg.timeline.history_bytes() - base, dbg.timeline.history_bytes(),
                  dbg.timeline.history_budget()]))
"""


@pytest.mark.parametrize("which", ["online", "batch"])
def test_history_bytes_count_what_a_long_run_really_holds(which) -> None:
    """Peak bytes allocated (and traced: NumPy reports its arrays) while a run of 20,000 epochs goes."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", GROWTH, which], cwd=root, env=env, capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    grown, counted, held, budget = json.loads(out.stdout)
    # every byte a run keeps is history (numbers in arrays): no per-epoch or per-checkpoint objects,
    # and growing the arrays never holds two copies at once (the peak is what stays)
    assert grown <= counted + 16 * 1024
    assert counted >= 20_000 * 8  # one float64 per epoch loss, at least
    assert held <= budget


def test_the_checkpoint_budget_is_never_exceeded_and_thinning_keeps_jumps_exact() -> None:
    sc = random_network(2, sizes=(3, 6, 2), samples=4)
    budget = 40 * (Debugger(sc).params.nbytes() + 8)
    dbg = Debugger(sc, checkpoint_budget=budget)
    dbg.run(3_000)
    tl = dbg.timeline
    assert tl._checkpoints.nbytes() <= budget
    assert tl.checkpoint_count() <= 40
    assert dbg.replay_cost(1_234 * dbg.layout.per_epoch + 3) <= tl._stride * dbg.layout.passes + 1


def test_a_timeline_holds_at_most_max_epochs() -> None:
    dbg = Debugger(streetlight())
    out = dbg.run(MAX_EPOCHS + 1)
    assert not out.moved and "10,000,000" in out.message and "10,000,001" in out.message and dbg.g == 0
    assert not dbg.goto((MAX_EPOCHS + 1) * dbg.layout.per_epoch).moved
