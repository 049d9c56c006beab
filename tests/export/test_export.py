"""Exports: the seed-000 handouts line for line, and scripts that reproduce bptui's epoch losses."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bptui.engine import Debugger
from bptui.export import export

from ..builders import all_combinations, chain_scenario, combo_id, random_scenario, single_neuron_scenario

GOLDEN = Path(__file__).parent / "golden"
SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def engine_losses(sc) -> list[float]:
    d = Debugger(sc)
    d.run(sc.training.epochs)
    return d.epoch_losses


def printed_losses(out: str) -> list[float]:
    lines = out.strip().splitlines()
    assert all(re.fullmatch(r"epoch \d+ loss \S+", ln) for ln in lines), out[:200]
    return [float(ln.split()[-1]) for ln in lines]


# --- handouts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,build,fmt,kw",
    [
        ("single_neuron.md", single_neuron_scenario, "markdown", {}),
        ("single_neuron.txt", single_neuron_scenario, "text", {}),
        ("chain.md", chain_scenario, "markdown", {}),
        ("chain.txt", chain_scenario, "text", {}),
        ("chain_W1.md", chain_scenario, "markdown", {"param": "W1[0,0]"}),
    ],
)
def test_golden(name, build, fmt, kw):
    """The golden files were checked by hand against seed 000 (see the two tests below)."""
    assert export(build(), fmt=fmt, **kw) == (GOLDEN / name).read_text()


def test_single_neuron_is_seed_000_first_example():
    text = (GOLDEN / "single_neuron.txt").read_text()
    for line in [
        "z1 = W1 · a0 + b1 = 0.5 × 2 + 1 = 2",  # seed 000 "Forward Pass" 1: y = wx + b = 0.5 × 2 + 1 = 2
        "loss = ½(a1 − t)² = ½ × (2 − 4)² = 2",  # forward 2: Loss = ½ (4 − 2)² = 2
        "da1 = ∂loss/∂a1 = a1 − t = 2 − 4 = −2",  # backward 1: ∂Loss/∂y = y − y_target = 2 − 4 = −2
        "dW1 = ∂loss/∂z1 · ∂z1/∂W1 = dz1 · a0 = (−2) × 2 = −4",  # backward 2–3: ∂y/∂w = x = 2; ∂Loss/∂w = −2 × 2 = −4
        "db1 = ∂loss/∂z1 · ∂z1/∂b1 = dz1 · 1 = (−2) × 1 = −2",  # ∂y/∂b = 1; ∂Loss/∂b = −2 × 1 = −2
        "W1 ← W1 − η · dW1 = 0.5 − 0.1 × (−4) = 0.5 + 0.4 = 0.9",  # update: w_new = 0.5 − 0.1 × (−4) = 0.5 + 0.4 = 0.9
        "b1 ← b1 − η · db1 = 1 − 0.1 × (−2) = 1 + 0.2 = 1.2",  # b_new = 1 − 0.1 × (−2) = 1 + 0.2 = 1.2
    ]:
        assert f"   {line}\n" in text, line


def test_chain_is_seed_000_second_example():
    text = (GOLDEN / "chain.txt").read_text()
    expected = [
        "z1 = W1 · a0 + b1 = 0.5 × 2 + 1 = 2",  # Forward Pass 1: h = w1 x + b1 = 0.5 × 2 + 1 = 2
        "z2 = W2 · a1 + b2 = 0.5 × 2 + 1 = 2",  # Forward Pass 2: y = w2 h + b2 = 0.5 × 2 + 1 = 2
        "loss = ½(a2 − t)² = ½ × (2 − 4)² = 2",  # Forward Pass 3: Loss = ½ (4 − 2)² = 2
        "da2 = ∂loss/∂a2 = a2 − t = 2 − 4 = −2",  # Backward 1: ∂Loss/∂y = y − y_target = 2 − 4 = −2
        # Backward 2: ∂y/∂w2 = h = 2; 4: ∂Loss/∂w2 = −2 × 2 = −4
        "dW2 = ∂loss/∂z2 · ∂z2/∂W2 = dz2 · a1 = (−2) × 2 = −4",
        "db2 = ∂loss/∂z2 · ∂z2/∂b2 = dz2 · 1 = (−2) × 1 = −2",  # ∂y/∂b2 = 1; ∂Loss/∂b2 = −2 × 1 = −2
        "da1 = ∂loss/∂z2 · ∂z2/∂a1 = dz2 · W2 = (−2) × 0.5 = −1",  # ∂y/∂h = w2 = 0.5; ∂Loss/∂h = −2 × 0.5 = −1
        "dW1 = ∂loss/∂z1 · ∂z1/∂W1 = dz1 · a0 = (−1) × 2 = −2",  # ∂h/∂w1 = x = 2; ∂Loss/∂w1 = −1 × 2 = −2
        "db1 = ∂loss/∂z1 · ∂z1/∂b1 = dz1 · 1 = (−1) × 1 = −1",  # ∂h/∂b1 = 1; ∂Loss/∂b1 = −1 × 1 = −1
        "W1 ← W1 − η · dW1 = 0.5 − 0.1 × (−2) = 0.5 + 0.2 = 0.7",  # Update: w1_new = 0.5 − 0.1 × (−2) = 0.5 + 0.2 = 0.7
        "b1 ← b1 − η · db1 = 1 − 0.1 × (−1) = 1 + 0.1 = 1.1",  # b1_new = 1 − 0.1 × (−1) = 1 + 0.1 = 1.1
        "W2 ← W2 − η · dW2 = 0.5 − 0.1 × (−4) = 0.5 + 0.4 = 0.9",  # w2_new = 0.5 − 0.1 × (−4) = 0.5 + 0.4 = 0.9
        "b2 ← b2 − η · db2 = 1 − 0.1 × (−2) = 1 + 0.2 = 1.2",  # b2_new = 1 − 0.1 × (−2) = 1 + 0.2 = 1.2
    ]
    positions = [text.index(f"   {line}\n") for line in expected]
    assert positions == sorted(positions)  # in the seed's order
    md = (GOLDEN / "chain.md").read_text()
    assert (
        r"dW_{1} = \frac{\partial \text{loss}}{\partial z_{1}} \cdot \frac{\partial z_{1}}{\partial W_{1}}"
        r" = dz_{1} \cdot a_{0} = \left(-1\right) \times 2 = -2" in md
    )
    assert [h for h in md.splitlines() if h.startswith("### ")] == [
        "### Forward pass",
        "### Loss",
        "### Backward pass (backpropagation)",
        "### Update",
    ]


@pytest.mark.skipif(not (SCENARIOS / "chain.toml").exists(), reason="bundled chain.toml not there yet")
@pytest.mark.parametrize("name", ["chain", "single_neuron"])
def test_bundled_files_give_the_golden_derivation(name):
    """The scenario files have their own titles; from the first pass on, the handout is the golden one."""
    from bptui.scenario import load_scenario

    got = export(load_scenario(SCENARIOS / f"{name}.toml"))
    want = (GOLDEN / f"{name}.md").read_text()
    cut = "## Epoch 1"
    assert got[got.index(cut) :] == want[want.index(cut) :]


def test_steps_and_passes():
    sc = chain_scenario()
    three = export(sc, steps=3, fmt="text")
    assert "forward 2" in three and "da2 = " in three and "backward 2" not in three
    assert "Epoch 1" not in export(sc, steps=0, fmt="text")
    two_passes = export(sc, steps=12, fmt="text")
    assert "Epoch 1, sample 1 of 1" in two_passes and "Epoch 2, sample 1 of 1" in two_passes
    assert "W1 ← W1 − η · dW1 = 0.7 − 0.1 × " in two_passes  # the second pass starts from w1 = 0.7


def test_bad_requests_are_value_errors():
    sc = chain_scenario()
    for kw in ({"param": "W3[0,0]"}, {"param": "nonsense"}, {"fmt": "pdf"}, {"steps": -1}, {"steps": 10**7}):
        with pytest.raises(ValueError):
            export(sc, **kw)


@pytest.mark.parametrize("mode", ["online", "batch"])
def test_large_layers_are_summarised(mode):
    sc = random_scenario(4, "relu", "softmax", "cross_entropy", "row", mode, sizes=(20, 16, 10), samples=5)
    text = export(sc, steps=2 * 2 + 2, param="W1[3,7]", fmt="text")
    assert "more elements computed the same way" in text
    assert "(20×16 values)" in text  # initial W1, by its shape
    md = export(sc, fmt="markdown")
    assert md.count("$$") % 2 == 0


# --- scripts ------------------------------------------------------------------------------------

COMBOS = all_combinations()


@pytest.mark.parametrize("combo", COMBOS, ids=combo_id)
def test_numpy_script_reproduces_the_epoch_losses(combo):
    """Run in-process for every combination (the subprocess test below runs a few as a user would)."""
    hidden, (act, loss), convention, mode = combo
    i = COMBOS.index(combo)
    sc = random_scenario(i, hidden, act, loss, convention, mode, reduction=("sum", "mean")[i % 2], bias=i % 3 != 0)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(export(sc, fmt="numpy"), "<numpy export>", "exec"), {"__name__": "__main__"})
    assert printed_losses(out.getvalue()) == engine_losses(sc)  # bit for bit
    compile(export(sc, fmt="torch"), "<torch export>", "exec")


def _bundled_or_built():
    scs = [chain_scenario(), random_scenario(1, "tanh", "softmax", "cross_entropy", "column", "batch")]
    if SCENARIOS.is_dir():
        from bptui.scenario import load_scenario

        scs += [load_scenario(p) for p in sorted(SCENARIOS.glob("*.toml"))]
    return scs


def test_numpy_script_as_a_standalone_program(tmp_path):
    for sc in _bundled_or_built():
        script = tmp_path / "train.py"
        script.write_text(export(sc, fmt="numpy"))
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)
        got, want = printed_losses(run.stdout), engine_losses(sc)
        assert len(got) == sc.training.epochs
        assert got == pytest.approx(want, rel=1e-12, abs=0), sc.title


def test_torch_script(tmp_path):
    pytest.importorskip("torch")
    for sc in _bundled_or_built():
        script = tmp_path / "train_torch.py"
        script.write_text(export(sc, fmt="torch"))
        run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True, cwd=tmp_path)
        assert printed_losses(run.stdout) == pytest.approx(engine_losses(sc), rel=1e-9, abs=1e-12), sc.title


@pytest.mark.skipif(not (SCENARIOS / "chain.toml").exists(), reason="bundled chain.toml not there yet")
def test_through_the_command_line(tmp_path):
    """`bptui export` prints what :func:`export` returns; a bad --param is a one-line error."""
    from bptui.scenario import load_scenario

    path = SCENARIOS / "chain.toml"
    run = subprocess.run(
        [sys.executable, "-m", "bptui", "export", str(path), "--param", "W1", "--format", "text"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == export(load_scenario(path), param="W1", fmt="text")
    bad = subprocess.run(
        [sys.executable, "-m", "bptui", "export", str(path), "--param", "W7[0,0]"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "W7[0,0]" in bad.stderr
