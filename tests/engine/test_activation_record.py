"""One record per activation: a toy activation registered here (only) reaches every output.

softsign(z) = z / (1 + |z|), softsign′(z) = 1 / (1 + |z|)² = (1 − |a|)², is not built in: if any
of the engine, the loader, the derivation, the handout or the NumPy script kept its own table of
activations, one of these tests would fail with a KeyError or a missing symbol.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

from bptui.engine import Debugger, InitSpec, LayerSpec, Scenario, TrainingSpec, activations, losses
from bptui.engine.derivation import derive_parameter, derive_step
from bptui.export.handout import handout
from bptui.export.scripts import numpy_script
from bptui.scenario.loader import parse_scenario

from ..builders import scenario_toml

SOFTSIGN = activations.ActivationOp(
    "softsign",
    lambda slope: (
        lambda z: z / (1.0 + np.abs(z)),
        lambda z, a: (1.0 - np.abs(a)) ** 2,
        lambda z, a, da: da * (1.0 - np.abs(a)) ** 2,
    ),
    symbol="ssgn",
    tex=r"\mathrm{ssgn}",
    text="softsign (a toy)",
    numpy_forward="{a} = {z} / (1.0 + np.abs({z}))",
    numpy_backward="{dz} = {da} * (1.0 - np.abs({a})) ** 2",
    torch="torch.nn.functional.softsign({z})",
)
W1 = np.array([[0.3, -0.8, 0.5], [1.1, 0.2, -0.4]])  # row convention: inputs × units
W2 = np.array([[0.7], [-1.2], [0.9]])
X = np.array([[0.5, -1.5], [2.0, 0.25]])
T = np.array([[0.3], [-0.6]])


@pytest.fixture
def softsign():
    activations.register(SOFTSIGN)
    yield SOFTSIGN
    activations.unregister("softsign")


def scenario(epochs: int = 5) -> Scenario:
    return Scenario(
        title="softsign",
        inputs=2,
        convention="row",
        layers=(LayerSpec(3, "softsign", weights=W1, bias=False), LayerSpec(1, "identity", weights=W2, bias=False)),
        data_inputs=X,
        data_targets=T,
        init=InitSpec(seed=0),
        training=TrainingSpec(loss="half_squared_error", learning_rate=0.1, epochs=epochs),
    )


def first_loss(w1: np.ndarray) -> float:
    """The first sample's ½(y − t)², computed here without the engine."""
    h = X[:1] @ w1
    y = (h / (1 + np.abs(h))) @ W2
    return float(0.5 * np.sum((y - T[:1]) ** 2))


def test_forward_and_backward_match_finite_differences(softsign):
    d = Debugger(scenario())
    d.goto(d.layout.per_pass - 1)  # every backward step of the first pass, before its update
    v = d.values()
    h = X[:1] @ W1
    assert np.allclose(v["a1"], h / (1 + np.abs(h)), rtol=0, atol=1e-15)
    eps = 1e-6
    fd = np.zeros_like(W1)
    for idx in np.ndindex(W1.shape):
        up, down = W1.copy(), W1.copy()
        up[idx] += eps
        down[idx] -= eps
        fd[idx] = (first_loss(up) - first_loss(down)) / (2 * eps)
    assert np.allclose(v["dW1"], fd, rtol=1e-7, atol=1e-9)


def test_derivation_writes_its_symbols(softsign):
    d = Debugger(scenario())
    d.step()  # forward 1
    forward = derive_step(d)
    assert any("ssgn(z1[1])" in line.unicode() for line in forward.lines)
    assert any(r"\mathrm{ssgn}" in line.latex() for line in forward.lines)
    d.goto(5)  # backward 1
    backward = derive_step(d)
    assert any("ssgn′(z1[1])" in line.unicode() for line in backward.lines)
    chain = derive_parameter(d, "W1[0,1]")
    assert any("ssgn′" in line.unicode() for line in chain.lines)


def test_handout_names_it(softsign):
    text = handout(scenario(), tex=False)
    assert "softsign (a toy)" in text
    assert "ssgn(" in text


def test_numpy_script_reproduces_the_losses_bit_for_bit(softsign):
    sc = scenario()
    d = Debugger(sc)
    d.run(sc.training.epochs)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(numpy_script(sc), "<script>", "exec"), {})
    printed = [float(line.split()[-1]) for line in out.getvalue().splitlines()]
    assert printed == d.epoch_losses


def test_loader_accepts_it_only_while_registered(softsign, tmp_path: Path):
    text = scenario_toml((1, "softsign"), data="inputs = [[1.0]]\ntargets = [[0.5]]")
    assert parse_scenario(text, tmp_path / "t.toml").layers[0].activation == "softsign"
    activations.unregister("softsign")
    with pytest.raises(Exception, match="softsign"):
        parse_scenario(text, tmp_path / "t.toml")


def test_every_loss_has_its_derivation_and_code():
    """No loss falls through to another's formulas: each record carries its own."""
    for name in losses.names():
        loss = losses.make_loss(name)
        assert loss.term and loss.outer and loss.grad_expr and loss.numpy_online and loss.numpy_batch and loss.torch
    with pytest.raises(ValueError, match="unknown loss"):
        losses.make_loss("hinge")
