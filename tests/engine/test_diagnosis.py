"""Divergence explained: the operation named, the weights' growth measured, a learning rate suggested.

Each scenario is built so the cause is known in advance: a sigmoid whose exp overflows, a
softmax whose exp underflows to an exact 0 under a log, and plain gradient descent on
y = w·x with η·x² = 9, whose error in w is multiplied by 1 − 9 = −8 at every update.
"""

from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec
from bptui.engine.diagnosis import diagnose, find_nonfinite


def one_layer(act: str, loss: str, W, x, t, lr: float = 0.1, bias: bool = False) -> Scenario:
    return Scenario(
        title="one layer",
        inputs=len(x),
        layers=(LayerSpec(len(t), act, weights=np.array(W, float), bias=bias),),
        data_inputs=np.array([x], float),
        data_targets=np.array([t], float),
        training=TrainingSpec(loss=loss, reduction="sum", learning_rate=lr, epochs=1000),
        init=InitSpec(seed=0),
        convention="row",
    )


def run_to_divergence(sc: Scenario) -> Debugger:
    dbg = Debugger(sc)
    out = dbg.run(1000)
    assert out.diverged is not None
    return dbg


def test_sigmoid_exp_overflow_then_log_of_0_in_binary_cross_entropy() -> None:
    # z = −1000: exp(1000) overflows, sigmoid rounds to exactly 0, and ln 0 = −inf with t = 1
    dbg = run_to_divergence(one_layer("sigmoid", "binary_cross_entropy", [[-1000.0]], [1.0], [1.0]))
    assert dbg.position.step == "loss" and dbg.values()["a1"][0] == 0.0
    d = diagnose(dbg)
    assert d is not None and d.value == "loss"
    assert d.cause.startswith("log of 0 in binary cross entropy: ln y with y = 0 exactly")
    assert any("exp overflow in sigmoid: z1 = -1000" in line for line in d.details)
    assert "learning_rate" in d.suggestion


def test_saturated_sigmoid_at_1_is_log_of_1_minus_y() -> None:
    dbg = run_to_divergence(one_layer("sigmoid", "binary_cross_entropy", [[40.0]], [1.0], [0.0]))
    d = diagnose(dbg)
    assert d is not None and "ln(1 − y) with y = 1 exactly" in d.cause


def test_softmax_underflow_gives_log_of_0_in_cross_entropy() -> None:
    dbg = run_to_divergence(one_layer("softmax", "cross_entropy", [[0.0, -800.0]], [1.0], [0.0, 1.0]))
    d = diagnose(dbg)
    assert d is not None and d.cause.startswith("log of 0 in cross entropy: ln y with y = 0 exactly at unit 1")
    assert any("softmax" in line for line in d.details)


def test_runaway_gradient_descent_product_overflow_and_the_norms_growth() -> None:
    sc = one_layer("identity", "half_squared_error", [[0.5]], [3.0], [1.0], lr=1.0)
    dbg = run_to_divergence(sc)
    here = dbg.g
    d = diagnose(dbg)
    assert d is not None and d.cause.startswith("a product overflowed: (y − t)²")
    # w − 1/3 is multiplied by −8 per epoch, so ‖w‖ grows ×8 (to float precision, w ≫ 1/3)
    norms = [n for _, n in d.norms]
    assert len(norms) == 6
    ratios = np.array(norms[1:]) / np.array(norms[:-1])
    assert ratios == pytest.approx(8.0, rel=1e-9)
    assert d.growth == pytest.approx(64.0, rel=1e-9)  # the loss ∝ (w − 1/3)²
    assert "learning_rate = 0.02" in d.suggestion and "×64" in d.suggestion
    assert dbg.g == here  # reading the norms moved the timeline back


def test_every_earlier_state_stays_reachable_after_a_diagnosis() -> None:
    sc = one_layer("identity", "half_squared_error", [[0.5]], [3.0], [1.0], lr=1.0)
    dbg = run_to_divergence(sc)
    diagnose(dbg)
    assert dbg.undo().moved and dbg.g == 0
    assert dbg.redo().moved and find_nonfinite(dbg) is not None


def test_nothing_to_explain_on_finite_values() -> None:
    dbg = Debugger(one_layer("identity", "half_squared_error", [[0.5]], [3.0], [1.0], lr=0.01))
    dbg.run(3)
    assert diagnose(dbg) is None and find_nonfinite(dbg) is None


def test_an_update_that_overflows_is_named() -> None:
    sc = one_layer("identity", "half_squared_error", [[1e300]], [1e8], [0.0], lr=1.0)
    dbg = Debugger(sc)
    dbg.breakpoints.reset()
    out = dbg.run(3)
    assert out.diverged is not None
    d = diagnose(dbg, out.diverged)
    assert d is not None and d.value == out.diverged.value
    assert "overflowed" in d.cause
