"""`bptui run --json` and `bptui check` on a minibatch scenario with momentum (clusters_minibatch)."""

from __future__ import annotations

import json

import numpy as np

from bptui.engine import Debugger
from bptui.scenario import load_scenario, resolve
from tests.builders import run_bptui as bptui


def test_json_counts_batches_and_holds_da0_and_the_velocities():
    run = bptui("run", "clusters_minibatch", "--steps", "13", "--json")
    assert run.returncode == 0, run.stderr
    doc = json.loads(run.stdout)
    assert doc["position"] == {"epoch": 1, "batch": 3, "step": "forward 1"}
    d = Debugger(load_scenario(resolve("clusters_minibatch")))
    d.goto(13)
    values = d.values()
    for name in ("a0", "vW1", "vb2", "da0", "W2"):
        if name in doc["values"]:
            assert np.array_equal(np.asarray(doc["values"][name]), np.asarray(values[name])), name
    assert {"vW1", "vW2", "vb1", "vb2"} <= doc["values"].keys()
    assert "da0" not in doc["values"]  # forward 1 of batch 3: the backward values are not computed yet
    after = json.loads(bptui("run", "clusters_minibatch", "--steps", "11", "--json").stdout)
    assert after["position"]["step"] == "backward 1" and len(after["values"]["da0"]) == 4  # 4 samples × 2


def test_check_verifies_the_bundled_minibatch_checkpoints_and_gradients():
    run = bptui("check", "--gradients", "clusters_minibatch")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(": ok ") == 2 and "gradients ok" in run.stdout
    assert "ok    epoch 1 batch 2 after update: vW2" in run.stdout


def test_the_table_ends_at_the_last_batch():
    run = bptui("run", "clusters_minibatch", "--epochs", "2")
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "at epoch 2 · batch 8/8 · update (6/6)"
