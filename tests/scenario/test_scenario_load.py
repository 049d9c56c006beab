"""Good scenario files: defaults, conventions, data sources, expectations, bundled lookup."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
from numpy.lib import format as npy_format

from bptui.engine import verify
from bptui.scenario import (
    DEFAULT_SCENARIO,
    ScenarioError,
    bundled,
    bundled_dir,
    load_scenario,
    parse_scenario,
    resolve,
)

from ..builders import scenario_toml


def minimal(data: str) -> str:
    """A 2-3-1 network whose ``[data]`` table holds ``data``."""
    return scenario_toml(
        (3, "tanh"), (1, "sigmoid"), title="Minimal", inputs=2, data=data, training="learning_rate = 0.5"
    )


INLINE = "inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]\ntargets = [[0], [1], [1], [0]]"
XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=float)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_applied(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, "m.toml", minimal(INLINE)))
    assert sc.title == "Minimal" and sc.description == "" and sc.source == ""
    assert sc.convention == "column"
    assert [(l.units, l.activation, l.bias, l.slope) for l in sc.layers] == [
        (3, "tanh", True, 0.01),
        (1, "sigmoid", True, 0.01),
    ]
    assert all(l.weights is None and l.biases is None for l in sc.layers)
    init = sc.init
    assert (init.distribution, init.low, init.high, init.std, init.seed) == ("uniform", -1.0, 1.0, 1.0, 0)
    tr = sc.training
    assert (tr.loss, tr.reduction, tr.learning_rate, tr.mode, tr.epochs) == (
        "half_squared_error",
        "mean",
        0.5,
        "online",
        100,
    )
    assert sc.data_inputs.dtype == np.float64 and sc.data_targets.dtype == np.float64
    np.testing.assert_array_equal(sc.data_inputs, XOR_X)
    np.testing.assert_array_equal(sc.data_targets, XOR_Y)
    assert sc.expectations == () and sc.path == tmp_path / "m.toml"


def test_every_key_given(tmp_path: Path) -> None:
    text = """title = "All"
description = "d"
source = "s"
[network]
inputs = 2
convention = "row"
[[network.layers]]
units = 2
activation = "leaky_relu"
slope = 0.2
weights = [[0.1, 0.2], [0.3, 0.4]]
biases = [1, 2]
[[network.layers]]
units = 2
activation = "softmax"
bias = false
[init]
distribution = "normal"
std = 0.5
seed = 7
[data]
inputs = [[1, 2]]
targets = [[1, 0]]
[training]
loss = "cross_entropy"
reduction = "sum"
learning_rate = 1
mode = "batch"
epochs = 3
[[expect]]
epoch = 2
sample = 1
after = "  backward   1 "
tolerance = 1e-3
loss = 0.25
dW1 = [[1, 2], [3, 4]]
"""
    sc = parse_scenario(text, tmp_path / "all.toml")
    first, second = sc.layers
    assert (first.activation, first.slope, second.bias) == ("leaky_relu", 0.2, False)
    np.testing.assert_array_equal(first.weights, [[0.1, 0.2], [0.3, 0.4]])
    np.testing.assert_array_equal(first.biases, [1.0, 2.0])
    assert first.biases.dtype == np.float64
    assert (sc.init.distribution, sc.init.std, sc.init.seed) == ("normal", 0.5, 7)
    assert (
        sc.training.loss,
        sc.training.reduction,
        sc.training.learning_rate,
        sc.training.mode,
        sc.training.epochs,
    ) == ("cross_entropy", "sum", 1.0, "batch", 3)
    (exp,) = sc.expectations
    assert (exp.epoch, exp.sample, exp.after, exp.tolerance, exp.line) == (2, 1, "backward 1", 1e-3, 30)
    assert exp.values["loss"].dtype == np.float64 and exp.values["loss"].size == 1
    np.testing.assert_array_equal(exp.values["dW1"], [[1, 2], [3, 4]])
    assert (sc.description, sc.source) == ("d", "s")


@pytest.mark.parametrize(
    ("convention", "weights"), [("column", "[[1, 2], [3, 4], [5, 6]]"), ("row", "[[1, 3, 5], [2, 4, 6]]")]
)
def test_weight_shapes_follow_the_convention(tmp_path: Path, convention: str, weights: str) -> None:
    text = minimal(INLINE).replace("inputs = 2\n", f'inputs = 2\nconvention = "{convention}"\n', 1)
    text = text.replace('activation = "tanh"', f'activation = "tanh"\nweights = {weights}')
    sc = parse_scenario(text, tmp_path / "w.toml")
    expected = np.array([[1, 2], [3, 4], [5, 6]], dtype=float)
    np.testing.assert_array_equal(sc.layers[0].weights, expected if convention == "column" else expected.T)
    wrong = "row" if convention == "column" else "column"
    with pytest.raises(ScenarioError, match=f'set convention = "{convention}"'):
        parse_scenario(text.replace(f'convention = "{convention}"', f'convention = "{wrong}"'), tmp_path / "w.toml")


@pytest.mark.parametrize("header", ["", "x1, x2 , label\n"])
def test_csv_with_and_without_header(tmp_path: Path, header: str) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "xor.csv").write_text(header + "0,0,0\n0,1,1\n\n1,0,1\r\n1,1,0", encoding="utf-8")
    path = write(tmp_path, "c.toml", minimal('file = "data/xor.csv"\ntarget_columns = 1'))
    sc = load_scenario(path)
    np.testing.assert_array_equal(sc.data_inputs, XOR_X)
    np.testing.assert_array_equal(sc.data_targets, XOR_Y)


def test_data_path_is_relative_to_the_scenario_not_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "xor.csv").write_text("0,0,0\n0,1,1\n1,0,1\n1,1,0\n", encoding="utf-8")
    write(tmp_path / "sub", "c.toml", minimal('file = "xor.csv"'))
    monkeypatch.chdir(tmp_path)
    sc = load_scenario("sub/c.toml")
    np.testing.assert_array_equal(sc.data_targets, XOR_Y)


def test_npz(tmp_path: Path) -> None:
    np.savez(tmp_path / "xor.npz", inputs=XOR_X.astype(np.float32), targets=XOR_Y.astype(np.int64), extra=np.zeros(3))
    sc = load_scenario(write(tmp_path, "n.toml", minimal('file = "xor.npz"')))
    assert sc.data_inputs.dtype == np.float64 and sc.data_targets.dtype == np.float64
    np.testing.assert_array_equal(sc.data_inputs, XOR_X)
    np.testing.assert_array_equal(sc.data_targets, XOR_Y)


@pytest.mark.parametrize(
    ("arrays", "message"),
    [
        ({"inputs": XOR_X}, "has no array named 'targets'"),
        ({"inputs": XOR_X, "targets": XOR_Y[:3]}, "4 rows of inputs but 3 rows of targets"),
        ({"inputs": XOR_X.reshape(4, 1, 2), "targets": XOR_Y}, "must be 2-D"),
        ({"inputs": XOR_X, "targets": np.hstack([XOR_Y, XOR_Y])}, "each sample needs 1 value "),
        ({"inputs": np.array([["a", "b"]] * 4), "targets": XOR_Y}, "must hold numbers"),
        ({"inputs": np.array([[0, np.nan]] * 4), "targets": XOR_Y}, "only finite numbers"),
        ({"inputs": np.zeros((0, 2)), "targets": np.zeros((0, 1))}, "no samples"),
    ],
)
def test_bad_npz(tmp_path: Path, arrays: dict, message: str) -> None:
    np.savez(tmp_path / "d.npz", **arrays)
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(write(tmp_path, "n.toml", minimal('file = "d.npz"')))
    assert info.value.path == str(tmp_path / "d.npz")


def test_npz_object_array_is_never_unpickled(tmp_path: Path) -> None:
    np.savez(tmp_path / "d.npz", inputs=np.array([[0, {}]] * 4, dtype=object), targets=XOR_Y)
    with pytest.raises(ScenarioError, match="must hold numbers"):
        load_scenario(write(tmp_path, "n.toml", minimal('file = "d.npz"')))


def test_npz_declared_shape_beyond_limit_is_refused_before_loading(tmp_path: Path) -> None:
    """A tiny .npz whose header claims 10**9 rows must be refused from the header alone."""
    with zipfile.ZipFile(tmp_path / "d.npz", "w") as archive:
        for name, width in (("inputs", 2), ("targets", 1)):
            header = io.BytesIO()
            npy_format.write_array_header_1_0(header, {"descr": "<f8", "fortran_order": False, "shape": (10**9, width)})
            archive.writestr(f"{name}.npy", header.getvalue())
    with pytest.raises(ScenarioError, match="more than the limits"):
        load_scenario(write(tmp_path, "n.toml", minimal('file = "d.npz"')))


def test_not_a_zip(tmp_path: Path) -> None:
    (tmp_path / "d.npz").write_bytes(b"not a zip")
    with pytest.raises(ScenarioError, match=r"not a valid \.npz"):
        load_scenario(write(tmp_path, "n.toml", minimal('file = "d.npz"')))


def test_data_file_that_is_a_directory(tmp_path: Path) -> None:
    (tmp_path / "d.csv").mkdir()
    with pytest.raises(ScenarioError, match="is a directory") as info:
        load_scenario(write(tmp_path, "n.toml", minimal('file = "d.csv"')))
    assert info.value.line == 11


def test_scenario_that_is_a_directory_or_missing(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="is a directory"):
        load_scenario(tmp_path)
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(tmp_path / "nope.toml")


def test_oversized_scenario_file_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    with open(path, "wb") as handle:
        handle.truncate(17 * 2**20)  # sparse: costs no disk
    with pytest.raises(ScenarioError, match="larger than the limit of 16 MiB"):
        load_scenario(path)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + minimal(INLINE).encode())
    assert load_scenario(path).title == "Minimal"


def test_batch_mode_expect_counts_all_samples(tmp_path: Path) -> None:
    text = minimal(INLINE).replace("learning_rate = 0.5", 'learning_rate = 0.5\nmode = "batch"')
    ok = text + '[[expect]]\nafter = "forward 1"\na1 = [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]\n'
    assert parse_scenario(ok, tmp_path / "b.toml").expectations[0].values["a1"].shape == (3, 4)
    with pytest.raises(ScenarioError, match="give exactly 12"):
        parse_scenario(text + '[[expect]]\nafter = "forward 1"\na1 = [0, 0, 0]\n', tmp_path / "b.toml")


def test_resolve_path_and_bundled_name(tmp_path: Path) -> None:
    path = write(tmp_path, "mine.toml", minimal(INLINE))
    assert resolve(str(path)) == path
    folder = bundled_dir()
    assert (folder / f"{DEFAULT_SCENARIO}.toml").is_file()
    assert resolve(DEFAULT_SCENARIO) == folder / "streetlight.toml"
    assert resolve("streetlight.toml").resolve() == (folder / "streetlight.toml").resolve()


@pytest.mark.parametrize("name", ["no_such_scenario", "../scenarios/streetlight", "/nonexistent/x.toml"])
def test_resolve_unknown_name(name: str) -> None:
    with pytest.raises(ScenarioError, match="no such file or bundled scenario") as info:
        resolve(name)
    assert "bptui --list" in str(info.value)


def test_bundled_list_and_every_bundled_scenario_loads_and_holds() -> None:
    listed = bundled()
    assert [name for name, _ in listed] == sorted(name for name, _ in listed)
    assert DEFAULT_SCENARIO in dict(listed)
    for name, title in listed:
        sc = load_scenario(resolve(name))
        assert sc.title == title
        failures = [r.describe() for r in verify(sc) if not r.ok]
        assert not failures, (name, failures)
