"""`bptui run` / `bptui check` as the engine sees them: divergence, --values, speed limits, ctrl+c."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..builders import run_bptui, scenario_toml
from ..processes import cpu_seconds

HIDDEN = scenario_toml(
    (1, "relu", "weights = [[-1e308, -1e308]]\nbiases = [0.0]"),
    (1, "identity", "weights = [[0.5]]\nbiases = [0.1]"),
    title="relu hides -inf",
    inputs=2,
    data="inputs = [[1.0, 1.0], [0.5, 1.0]]\ntargets = [[1.0], [0.0]]",
    training="learning_rate = 0.1\nepochs = 50",
)
WHERE = "training diverged: z1 became non-finite at epoch 1, sample 1/2, step forward 1"
CAUSE = "a product overflowed: z1 = a0·W1 + b1 with |a0| up to 1 and |W1| up to 1e+308 (the largest float64 is 1.8e308)"


@pytest.fixture
def hidden(tmp_path: Path) -> Path:
    path = tmp_path / "hidden.toml"
    path.write_text(HIDDEN)
    return path


@pytest.mark.parametrize("how", [["--epochs", "50"], ["--steps", "1"], ["--json", "--epochs", "50"]])
def test_run_reports_the_first_non_finite_value_even_when_the_activation_hides_it(hidden, how) -> None:
    result = run_bptui("run", str(hidden), *how)
    assert result.returncode == 3
    # one line, no RuntimeWarning; the cause (engine/diagnosis.py) closes it
    assert result.stderr.splitlines() == [f"bptui: {WHERE}; stopped there; cause: {CAUSE}"]
    if "--json" in how:
        doc = json.loads(result.stdout)
        assert doc["position"] == {"epoch": 1, "sample": 1, "step": "forward 1"}
        assert doc["values"]["z1"] == ["-inf"] and doc["loss"] == []
    else:
        assert "at epoch 1 · sample 1/2 · forward 1 (1/6)" in result.stdout


def test_check_reports_the_same_place(hidden, tmp_path: Path) -> None:
    with_expect = tmp_path / "expect.toml"
    with_expect.write_text(HIDDEN + '\n[[expect]]\nepoch = 3\nafter = "forward 2"\na2 = [0.1]\n')
    result = run_bptui("check", str(with_expect))
    lines = result.stdout.splitlines()
    assert lines[0] == f"{with_expect}: warning: {WHERE}"
    assert lines[1].startswith(f"{with_expect}: FAIL  epoch 3 sample 1 after forward 2: a2")  # still compared
    assert result.returncode == 1
    assert result.stderr == ""
    result = run_bptui("check", "--gradients", str(hidden))
    assert f"not checked after epoch 1: {WHERE}" in result.stdout
    assert result.stderr == ""


@pytest.mark.parametrize("which", ["all", "params", "none"])
def test_values_chooses_what_the_json_document_holds(which) -> None:
    result = run_bptui("run", "xor", "--json", "--epochs", "3", "--values", which)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert list(doc) == ["title", "position", "loss", "params", "values"]  # docs/SPEC.md §5.1: `values` always there
    assert len(doc["loss"]) == 3
    names = set(doc["values"])
    if which == "none":
        assert names == set()
    elif which == "params":
        assert names and all(n.rstrip("0123456789") in ("W", "b", "dW", "db", "loss") for n in names)
        assert {"W1", "dW1", "loss"} <= names
    else:
        assert {"a0", "t", "z1", "a1", "dz1", "dW1", "W1", "loss"} <= names


@pytest.mark.parametrize("fast", [True, False])
def test_the_streamed_document_equals_the_values_bit_for_bit(fast, monkeypatch, hidden) -> None:
    import io

    from bptui import jsonout
    from bptui.engine import Debugger
    from bptui.engine.values import to_jsonable
    from bptui.headless import json_document
    from bptui.scenario import load_scenario, resolve

    if not fast:
        monkeypatch.setattr(jsonout, "orjson", None)
    for scenario, epochs in ((load_scenario(resolve("xor")), 7), (load_scenario(hidden), 2)):
        dbg = Debugger(scenario)
        dbg.run(epochs)
        dbg.step()
        out = io.BytesIO()
        jsonout.write_document(out, dbg)
        streamed = json.loads(out.getvalue())
        reference = json_document(dbg)  # every number through float() and to_jsonable
        assert streamed == json.loads(json.dumps(reference))
        assert streamed["loss"] == [to_jsonable(x) for x in dbg.epoch_losses]


def interrupted(args: list[str], after: float) -> subprocess.CompletedProcess:
    """Ctrl+C once the command has used ``after`` seconds of CPU: more than its imports and the
    scenario's loading take (0.3 s), so the signal lands in the work itself, however loaded the
    machine (a wall-clock wait would have to be far longer to be as sure)."""
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "bptui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # ctrl+c as a terminal sends it, even when this suite runs in the background (where the
        # shell starts it with SIGINT ignored, and a child inherits that)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509 - nothing else resets it
    )
    deadline = time.monotonic() + 60
    while proc.poll() is None and cpu_seconds(proc.pid) < after and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the command ended before ctrl+c"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_ctrl_c_ends_a_long_run_with_130_and_one_line() -> None:
    result = interrupted(["run", "streetlight", "--epochs", "10000000"], after=0.8)
    assert result.returncode == 130
    assert result.stderr.splitlines() == ["bptui: interrupted"]


def test_ctrl_c_ends_a_long_gradient_check_with_130_and_one_line(tmp_path: Path) -> None:
    import numpy as np

    rng = np.random.RandomState(0)
    np.savez(tmp_path / "d.npz", inputs=rng.rand(2, 300), targets=np.eye(4)[[1, 2]])
    (tmp_path / "big.toml").write_text(
        scenario_toml(
            *[(1000, "tanh")] * 4,
            (4, "softmax"),
            title="wide and deep: each nudge recomputes 1000×1000 layers in extended precision",
            inputs=300,
            data='file = "d.npz"',
            training='loss = "cross_entropy"\nlearning_rate = 0.1',
        )
    )
    result = interrupted(["check", "--gradients", str(tmp_path / "big.toml")], after=0.8)
    assert result.returncode == 130
    assert result.stderr.splitlines() == ["bptui: interrupted"]


@pytest.mark.parametrize("shape", [(3, 1), (1, 70), (512, 4096), (10, 33), (7, 64), (0, 5)])
def test_c_order_copies_a_transposed_array_exactly(shape) -> None:
    """The block-by-block copy of a column-convention value (a transposed (samples, units) array)."""
    import numpy as np

    from bptui.jsonout import BLOCK, c_order, encode

    rows = np.random.RandomState(sum(shape)).standard_normal(shape[::-1])  # (samples, units), C order
    value = rows.T  # what the column convention shows: (units, samples), Fortran order
    copied = c_order(value)
    assert copied.flags.c_contiguous and copied.shape == value.shape
    assert np.array_equal(copied, value) and copied.tobytes() == np.ascontiguousarray(value).tobytes()
    assert c_order(rows) is rows  # already in C order: no copy
    assert json.loads(encode(value)) == value.tolist()
    assert BLOCK > 1
