"""`bptui run` / `bptui check` as the engine sees them: divergence, --values, speed limits, ctrl+c."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HIDDEN = textwrap.dedent(
    """
    title = "relu hides -inf"
    [network]
    inputs = 2
    [[network.layers]]
    units = 1
    activation = "relu"
    weights = [[-1e308, -1e308]]
    biases = [0.0]
    [[network.layers]]
    units = 1
    activation = "identity"
    weights = [[0.5]]
    biases = [0.1]
    [data]
    inputs = [[1.0, 1.0], [0.5, 1.0]]
    targets = [[1.0], [0.0]]
    [training]
    learning_rate = 0.1
    epochs = 50
    """
)
WHERE = "training diverged: z1 became non-finite at epoch 1, sample 1/2, step forward 1"


def bptui(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bptui", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


@pytest.fixture
def hidden(tmp_path: Path) -> Path:
    path = tmp_path / "hidden.toml"
    path.write_text(HIDDEN)
    return path


@pytest.mark.parametrize("how", [["--epochs", "50"], ["--steps", "1"], ["--json", "--epochs", "50"]])
def test_run_reports_the_first_non_finite_value_even_when_the_activation_hides_it(hidden, how) -> None:
    result = bptui("run", str(hidden), *how)
    assert result.returncode == 3
    assert result.stderr.splitlines() == [f"bptui: {WHERE}; stopped there"]  # one line, no RuntimeWarning
    if "--json" in how:
        doc = json.loads(result.stdout)
        assert doc["position"] == {"epoch": 1, "sample": 1, "step": "forward 1"}
        assert doc["values"]["z1"] == ["-inf"] and doc["loss"] == []
    else:
        assert "at epoch 1 · sample 1/2 · forward 1 (1/6)" in result.stdout


def test_check_reports_the_same_place(hidden, tmp_path: Path) -> None:
    with_expect = tmp_path / "expect.toml"
    with_expect.write_text(HIDDEN + '\n[[expect]]\nepoch = 3\nafter = "forward 2"\na2 = [0.1]\n')
    result = bptui("check", str(with_expect))
    lines = result.stdout.splitlines()
    assert lines[0] == f"{with_expect}: warning: {WHERE}"
    assert lines[1].startswith(f"{with_expect}: FAIL  epoch 3 sample 1 after forward 2: a2")  # still compared
    assert result.returncode == 1
    assert result.stderr == ""
    result = bptui("check", "--gradients", str(hidden))
    assert f"not checked after epoch 1: {WHERE}" in result.stdout
    assert result.stderr == ""
