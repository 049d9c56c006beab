"""Gradient check: passes on every valid network, fails on a wrong derivative, skips relu kinks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec, network
from bptui.engine.gradcheck import TOLERANCE, _backprop, _pass_data, check_gradients, layer_fd

from ..builders import all_combinations, combo_id, random_scenario

COMBOS = all_combinations()
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_backprop_matches_finite_differences(combo):
    hidden, (act, loss), convention, mode = combo
    for seed in range(2):
        sc = random_scenario(
            seed * 7919 + COMBOS.index(combo),
            hidden,
            act,
            loss,
            convention,
            mode,
            sizes=(3, 4, 3, 2),
            samples=3,
            reduction=("sum", "mean")[seed],
        )
        if seed == 0:
            assert_stepping_computes_what_is_checked(sc)
        report = check_gradients(sc)
        assert report.ok, report.describe()
        assert report.worst < 1e-8  # far below the tolerance: the check has room to spare
        assert report.checked == 2 * (12 + 4 + 12 + 3 + 6 + 2)  # every element, at both points
        assert "\n" not in report.describe()


def assert_stepping_computes_what_is_checked(sc: Scenario) -> None:
    """The gradients the Debugger shows after stepping through backward 1 are, bit for bit, the ones
    ``check_gradients`` compares with finite differences: so this one suite covers the stepping
    path too (it replaces a second finite-difference suite that went through the Debugger)."""
    d = Debugger(sc)
    d.goto(2 * sc.depth + 1)
    net = d.timeline.net
    a0, t = _pass_data(sc, net)
    _, dWs, dbs = _backprop(net, network.initial_params(sc), a0, t)
    shown = d.values()
    for l in range(1, sc.depth + 1):
        dW = dWs[l - 1].T if sc.convention == "column" else dWs[l - 1]
        np.testing.assert_array_equal(shown[f"dW{l}"], dW)
        if dbs[l - 1] is not None:
            np.testing.assert_array_equal(shown[f"db{l}"], dbs[l - 1])


def _wrong(name: str, backward):
    """make_activation, with the backward pass of ``name`` replaced by a wrong one."""
    real = network.make_activation

    def make(act_name: str, slope: float = 0.01):
        act = real(act_name, slope)
        return dataclasses.replace(act, backward=backward) if act_name == name else act

    return make


@pytest.mark.parametrize(
    "name,backward",
    [
        ("sigmoid", lambda z, a, da: da * a),  # forgot the (1 − a)
        ("tanh", lambda z, a, da: da * (1.0 - a)),  # 1 − a instead of 1 − a²
        ("leaky_relu", lambda z, a, da: da * (z > 0)),  # the slope ignored
    ],
)
def test_a_wrong_derivative_is_caught(monkeypatch, name, backward):
    sc = random_scenario(5, name, "identity", "half_squared_error", "row", "online", sizes=(3, 4, 2))
    assert check_gradients(sc).ok
    monkeypatch.setattr(network, "make_activation", _wrong(name, backward))
    report = check_gradients(sc)
    assert not report.ok
    assert report.worst > 1e-3
    assert report.where.startswith(("W1", "b1"))  # the hidden layer's gradients are the wrong ones
    assert report.describe().startswith("gradients FAIL:")


def test_a_wrong_loss_gradient_is_caught(monkeypatch):
    sc = random_scenario(6, "tanh", "sigmoid", "binary_cross_entropy", "column", "batch", sizes=(2, 3, 1))
    loss = network.make_loss("binary_cross_entropy")
    wrong = dataclasses.replace(
        loss,
        evaluate=lambda y, t: (loss.per_sample(y, t), y - t),
        single=lambda y, t: (float(loss.per_sample(y, t)[0]), y - t),
    )
    monkeypatch.setattr(network, "make_loss", lambda name: wrong)
    assert not check_gradients(sc).ok


def test_relu_kinks_are_skipped_not_failed():
    """With zero weights every relu pre-activation sits at 0: relu'(0) = 0 in the engine, while a
    central difference averages the slopes 0 and 1. Those elements are counted as skipped."""
    sc = Scenario(
        title="kinks",
        inputs=2,
        layers=(LayerSpec(3, "relu", bias=False), LayerSpec(1, "identity")),
        data_inputs=np.array([[1.0, -2.0], [0.5, 0.3]]),
        data_targets=np.array([[1.0], [0.0]]),
        training=TrainingSpec(loss="half_squared_error", learning_rate=0.1, mode="online"),
        init=InitSpec(distribution="zeros"),
    )
    report = check_gradients(sc)
    assert report.skipped > 0
    assert report.ok, report.describe()
    assert "skipped at relu kinks" in report.describe()


def test_tiny_gradients_use_the_absolute_floor():
    """An input of 0 gives an exactly-zero gradient; a relative error of 0/0 must not fail."""
    sc = random_scenario(9, "sigmoid", "sigmoid", "half_squared_error", "row", "online", sizes=(2, 2, 1))
    sc = dataclasses.replace(sc, data_inputs=np.array([[0.0, 1e-9]] + [[0.3, 0.2]] * (sc.samples - 1)))
    assert check_gradients(sc).ok


@pytest.mark.parametrize("convention", ["row", "column"])
def test_layer_fd_at_the_current_position(convention):
    sc = random_scenario(11, "tanh", "softmax", "cross_entropy", convention, "online", sizes=(3, 4, 2))
    d = Debugger(sc)
    d.goto(5)  # backward 1 of the first sample: the engine's dW1 is on show
    before = [w.copy() for w in d.params.W]
    fd = layer_fd(d, 1)
    assert np.array_equal(fd.analytic, d.values()["dW1"])  # same arithmetic, same convention
    assert fd.numeric.shape == fd.errors.shape == fd.skipped.shape == fd.analytic.shape
    assert fd.rel_err < TOLERANCE and fd.rel_err == np.nanmax(fd.errors)
    assert all(np.array_equal(w, v) for w, v in zip(before, d.params.W))
    db = layer_fd(d, 2, "b")
    assert np.array_equal(db.analytic, d.values()["db2"]) and db.rel_err < TOLERANCE
    d.step()  # the update: the check still judges the pass's own gradient, from its starting weights
    after = layer_fd(d, 1)
    assert np.array_equal(after.analytic, fd.analytic) and after.rel_err < TOLERANCE
    with pytest.raises(ValueError):
        layer_fd(d, 3)


@pytest.mark.skipif(not SCENARIOS.is_dir(), reason="no bundled scenarios")
def test_bundled_scenarios_pass():
    from bptui.scenario import load_scenario

    for path in sorted(SCENARIOS.glob("*.toml")):
        report = check_gradients(load_scenario(path))
        assert report.ok, f"{path.name}: {report.describe()}"


@pytest.mark.parametrize("momentum", [0.0, 0.9])
@pytest.mark.parametrize("loss", ["half_squared_error", "cross_entropy"])
def test_minibatch_gradients_hold_and_use_the_first_batch(loss, momentum):
    from ..builders import minibatch_network

    sc = minibatch_network(21, batch_size=3, samples=7, loss=loss, sizes=(3, 4, 3), momentum=momentum)
    a0, _ = _pass_data(sc, None)
    perm = np.random.RandomState([7, 1]).permutation(7)
    assert np.array_equal(a0, sc.data_inputs[perm[:3]])
    report = check_gradients(sc)
    assert report.ok, report.describe()
    assert report.checked > 0
