"""Pinned malloc thresholds: a wide online network's passes stop page-faulting their temporaries."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

PROGRAM = textwrap.dedent(
    """
    import resource, sys
    import numpy as np
    from bptui.allocator import pin_malloc_thresholds
    if sys.argv[1] == "pin":
        assert pin_malloc_thresholds()
    from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec
    rng = np.random.RandomState(0)
    sc = Scenario(
        title="wide", inputs=256, layers=(LayerSpec(512, "relu"), LayerSpec(512, "relu"), LayerSpec(10, "softmax")),
        data_inputs=rng.rand(20, 256), data_targets=np.eye(10)[rng.randint(0, 10, 20)],
        training=TrainingSpec(loss="cross_entropy", learning_rate=0.01),
        init=InitSpec(distribution="normal", std=0.05), convention="row",
    )
    d = Debugger(sc)
    d.run(1)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    d.run(5)
    print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 100, d.epoch_losses[-1].hex())
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt")
def test_pinned_thresholds_remove_the_page_faults_of_each_pass_and_change_no_number() -> None:
    runs = {
        how: subprocess.run(
            [sys.executable, "-c", PROGRAM, how], capture_output=True, text=True, check=True
        ).stdout.split()
        for how in ("default", "pin")
    }
    faults_default, faults_pinned = float(runs["default"][0]), float(runs["pin"][0])
    assert runs["default"][1] == runs["pin"][1]  # bit-identical losses
    assert faults_pinned < 10 < faults_default  # ~1,000 a pass by default here
