"""The command line as users and scripts meet it: exit codes, stderr lines, JSON, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bptui.cli import main
from bptui.scenario import bundled, bundled_dir

from ..builders import run_bptui, scenario_toml

DIVERGING = scenario_toml(
    (1, "identity", "weights = [[0.5]]"),
    title="Too large a step",
    data="inputs = [[2.0], [3.0]]\ntargets = [[1.0], [-1.0]]",
    training='loss = "half_squared_error"\nlearning_rate = 5.0\nepochs = 5000',
)


def test_every_bundled_scenario_checks_out() -> None:
    """Golden test: each bundled file's [[expect]] blocks (the textbooks' numbers) hold."""
    names = [name for name, _ in bundled()]
    assert {"streetlight", "single_neuron", "chain", "sigmoid_221", "sigmoid_221_bias", "xor"} <= set(names)
    result = run_bptui("check", *names)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines and all(": ok " in line for line in lines)


def test_list_names_and_titles() -> None:
    result = run_bptui("--list")
    assert result.returncode == 0
    assert any(line.split()[0] == "streetlight" and "Streetlight" in line for line in result.stdout.splitlines())


def test_run_json_is_the_spec_document(tmp_path: Path) -> None:
    result = run_bptui("run", "streetlight", "--json", cwd=tmp_path)  # bundled name, from any directory
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress bar when stderr is not a terminal
    doc = json.loads(result.stdout)
    assert set(doc) == {"title", "position", "loss", "params", "values"}
    assert doc["position"] == {"epoch": 60, "sample": 4, "step": "update"}
    assert len(doc["loss"]) == 60
    assert 2 * doc["loss"][9] == pytest.approx(0.634231159844, rel=1e-11)  # Grokking, "Error" at 10
    assert doc["params"]["b1"] is None and len(doc["params"]["W1"]) == 3  # row convention: (3, 4)
    assert doc["values"]["W2"] == doc["params"]["W2"]
    assert {"a0", "t", "z1", "a1", "z2", "a2", "loss", "da2", "dz2", "dW2", "da1", "dz1", "dW1"} <= set(doc["values"])


def test_run_steps_stops_mid_pass() -> None:
    result = run_bptui("run", "chain", "--steps", "4", "--json")
    doc = json.loads(result.stdout)
    assert doc["position"] == {"epoch": 1, "sample": 1, "step": "backward 2"}
    assert doc["values"]["da1"] == [-1.0]  # seed 000: ∂Loss/∂h = −2 × 0.5
    assert "dW1" not in doc["values"]  # not computed yet at this position


def test_run_table() -> None:
    result = run_bptui("run", "single_neuron", "--epochs", "3")
    assert result.returncode == 0
    assert "epoch 3 · sample 1/1 · update (4/4)" in result.stdout


def test_diverging_run_exits_3_with_valid_json(tmp_path: Path) -> None:
    path = tmp_path / "diverge.toml"
    path.write_text(DIVERGING)
    result = run_bptui("run", str(path), "--json")
    assert result.returncode == 3
    doc = json.loads(result.stdout)  # still one valid JSON document
    assert doc["position"]["epoch"] < 5000
    err = result.stderr.strip().splitlines()
    assert len(err) == 1 and "diverged" in err[0] and f"epoch {doc['position']['epoch']}" in err[0]


def test_bad_file_is_one_line_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('title = "x"\n[network]\ninputs = 2\nconvetion = "row"\n')
    for args in (("run", str(path)), ("check", str(path)), (str(path),)):
        result = run_bptui(*args)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"bptui: error: {path}:4:"), lines
        assert "did you mean 'convention'" in lines[0]
        assert "Traceback" not in result.stderr


def test_check_reports_a_mismatch_with_exit_1(tmp_path: Path) -> None:
    text = (bundled_dir() / "single_neuron.toml").read_text().replace("W1 = [[0.9]]", "W1 = [[0.95]]")
    path = tmp_path / "wrong.toml"
    path.write_text(text)
    result = run_bptui("check", str(path))
    assert result.returncode == 1
    assert any(line.startswith(f"{path}: FAIL") and "W1" in line for line in result.stdout.splitlines())


def test_missing_scenario_name() -> None:
    result = run_bptui("run", "no_such_thing")
    assert result.returncode == 2
    assert "bptui --list" in result.stderr


def test_run_never_imports_textual() -> None:
    code = (
        "import sys; from bptui.cli import main; rc = main(['run', 'streetlight', '--json']);"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'plotext')], 'UI imported';"
        "sys.exit(rc)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr


def test_bad_epochs_argument() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["run", "streetlight", "--epochs", "0"])
    assert exc.value.code == 2


def test_version() -> None:
    result = run_bptui("--version")
    assert result.returncode == 0 and result.stdout.startswith("bptui ")


@pytest.mark.parametrize(
    "args",
    [[], ["xor"], ["--ascii"], ["--ascii", "xor"], ["xor", "--ascii"], ["scenarios/streetlight.toml"], [""]],
)
def test_the_plain_tui_command_line_is_read_as_argparse_reads_it(args):
    from bptui.cli import _main_parser, _plain_tui

    ns = _main_parser().parse_args(args)
    assert not (ns.list or ns.web) and ns.host is None and ns.port is None
    assert _plain_tui(args) == (ns.scenario, ns.ascii)


@pytest.mark.parametrize(
    "args",
    [["--asc"], ["--ascii", "--ascii"], ["a", "b"], ["--list"], ["-h"], ["--", "xor"], ["-"], ["--web"], ["--ascii=1"]],
)
def test_anything_else_on_the_command_line_goes_to_argparse(args):
    from bptui.cli import _plain_tui

    assert _plain_tui(args) is None
