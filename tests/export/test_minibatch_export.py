"""Exported scripts for mini-batches and momentum: NumPy bit for bit, PyTorch when it is installed."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys

import numpy as np
import pytest

from bptui.engine import Debugger
from bptui.export import export

from ..builders import minibatch_network

CASES = {
    "shuffled-short-last-of-one": {"batch_size": 3, "samples": 7},
    "shuffled-ce-momentum": {
        "batch_size": 2,
        "samples": 7,
        "loss": "cross_entropy",
        "sizes": (3, 4, 3),
        "momentum": 0.9,
    },
    "file-order-sum": {"batch_size": 4, "samples": 9, "shuffle": None, "reduction": "sum"},
    "size-one": {"batch_size": 1, "samples": 4, "convention": "row"},
    "one-batch": {"batch_size": 5, "samples": 5, "loss": "binary_cross_entropy", "momentum": 0.5},
    "online-momentum": {"mode": "online", "samples": 4, "momentum": 0.9, "convention": "row"},
    "batch-momentum": {"mode": "batch", "samples": 4, "momentum": 0.9},
}


def losses_of(sc) -> list[float]:
    d = Debugger(sc)
    d.run(sc.training.epochs)
    return d.epoch_losses


def printed(out: str) -> list[float]:
    return [float(line.split()[-1]) for line in out.strip().splitlines() if line.startswith("epoch ")]


@pytest.mark.parametrize("case", sorted(CASES))
def test_numpy_script_reproduces_bit_for_bit(case):
    sc = minibatch_network(13, **CASES[case])
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(export(sc, fmt="numpy"), "<numpy export>", "exec"), {"__name__": "__main__"})
    assert printed(out.getvalue()) == losses_of(sc)
    compile(export(sc, fmt="torch"), "<torch export>", "exec")


def test_numpy_script_runs_standalone(tmp_path):
    sc = minibatch_network(14, batch_size=2, samples=5, momentum=0.8)
    script = tmp_path / "train.py"
    script.write_text(export(sc, fmt="numpy"))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert printed(run.stdout) == losses_of(sc)
    assert "RandomState([shuffle, epoch]).permutation(len(X))" in script.read_text()


@pytest.mark.parametrize("case", sorted(CASES))
def test_torch_script(tmp_path, case):
    pytest.importorskip("torch")
    sc = minibatch_network(13, **CASES[case])
    script = tmp_path / "train_torch.py"
    script.write_text(export(sc, fmt="torch"))
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert printed(run.stdout) == pytest.approx(losses_of(sc), rel=1e-9, abs=1e-12)


def test_torch_sgd_momentum_is_classical_momentum_for_a_constant_rate():
    """torch.optim.SGD(momentum=μ): buf = μ·buf + g, W −= η·buf; bptui: v = μ·v − η·g, W += v."""
    torch = pytest.importorskip("torch")
    sc = minibatch_network(15, batch_size=2, samples=6, momentum=0.9, shuffle=None, convention="row")
    d = Debugger(sc)
    W = [torch.tensor(w.copy(), dtype=torch.float64, requires_grad=True) for w in d.params.W]
    b = [torch.tensor(x.copy(), dtype=torch.float64, requires_grad=True) for x in d.params.b if x is not None]
    opt = torch.optim.SGD(W + b, lr=sc.training.learning_rate, momentum=sc.training.momentum)
    X, T = torch.tensor(sc.data_inputs), torch.tensor(sc.data_targets)
    for _ in range(2 * 3):  # two epochs of three batches
        d.finish_sample()
        p = d.g // d.layout.per_pass - 1
        rows = slice((p % 3) * 2, (p % 3) * 2 + 2)
        a = X[rows]
        bi = iter(b)
        for layer, w in zip(sc.layers, W):
            z = a @ w + (next(bi) if layer.bias else 0)
            a = torch.tanh(z) if layer is not sc.layers[-1] else z
        loss = (0.5 * ((a - T[rows]) ** 2).sum(dim=1)).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    for mine, theirs in zip(d.params.W, W):
        assert np.allclose(mine, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
