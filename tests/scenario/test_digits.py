"""The bundled digits data set, the ``[data] test_samples`` split, and test accuracy.

Numbers are checked against independent NumPy: the data against a checksum of scikit-learn's
CSV, training and the accuracies against a hand-written batch loop.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bptui.engine import Debugger, LayerSpec, Scenario, TrainingSpec
from bptui.engine.accuracy import accuracy, classes
from bptui.engine.network import Network, initial_params
from bptui.scenario import ScenarioError, load_scenario, parse_scenario
from bptui.scenario.writer import same_scenario, save_scenario, snapshot

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"
DIGITS = SCENARIOS / "digits.toml"
# SHA-256 of sklearn/datasets/data/digits.csv.gz decompressed (scikit-learn 1.9.1): 1,797 lines of
# 64 pixel counts 0..16 and the class, comma-separated
CSV_SHA256 = "6ebb3d2fee246a4e99363262ddf8a00a3c41bee6014c373ed9d9216ba7f651b8"


def npz_arrays() -> tuple[np.ndarray, np.ndarray]:
    with np.load(SCENARIOS / "digits.npz", allow_pickle=False) as f:
        return f["inputs"].astype(np.float64), f["targets"].astype(np.float64)


def test_the_data_file_is_the_uci_digits_unchanged_but_scaled() -> None:
    X, T = npz_arrays()
    assert X.shape == (1797, 64) and T.shape == (1797, 10)
    assert (SCENARIOS / "digits.npz").stat().st_size < 100_000
    counts = np.rint(X * 16)
    assert np.array_equal(counts / 16, X)  # every input is a count / 16, exactly
    assert counts.min() == 0 and counts.max() == 16
    assert np.array_equal(T.sum(axis=1), np.ones(1797)) and set(np.unique(T)) == {0.0, 1.0}  # one-hot
    assert np.bincount(T.argmax(axis=1)).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    rows = np.hstack([counts.astype(np.int64), T.argmax(axis=1)[:, None]])
    text = "".join(",".join(map(str, r)) + "\n" for r in rows.tolist())
    assert hashlib.sha256(text.encode()).hexdigest() == CSV_SHA256


def test_the_scenario_holds_the_last_360_out() -> None:
    sc = load_scenario(DIGITS)
    X, T = npz_arrays()
    assert sc.samples == 1437 and sc.test_samples == 360
    assert np.array_equal(sc.data_inputs, X[:1437]) and np.array_equal(sc.test_inputs, X[1437:])
    assert np.array_equal(sc.data_targets, T[:1437]) and np.array_equal(sc.test_targets, T[1437:])
    assert np.bincount(sc.test_targets.argmax(axis=1)).min() >= 33  # every digit is tested
    assert (sc.inputs, [l.units for l in sc.layers], sc.layers[-1].activation) == (64, [16, 10], "softmax")
    assert sc.training.loss == "cross_entropy"


def numpy_batch_training(sc: Scenario, epochs: int) -> tuple[list[float], list[float], float, list[float]]:
    """Gradient descent written out by hand, full-batch or in shuffled mini-batches (epoch E's order
    ``RandomState([seed, E]).permutation(n)``, as documented): epoch losses, test accuracy after
    each epoch, the training accuracy at the end, and the loss of each epoch's first pass (tanh
    hidden layer, softmax, mean cross-entropy)."""
    rng = np.random.RandomState(sc.init.seed)
    W1 = sc.init.std * rng.standard_normal((16, 64))  # column convention: (units, inputs)
    W2 = sc.init.std * rng.standard_normal((10, 16))
    b1, b2 = np.zeros(16), np.zeros(10)
    X, T, lr = sc.data_inputs, sc.data_targets, sc.training.learning_rate
    n = len(X)
    size = sc.training.batch_size if sc.training.mode == "minibatch" else n

    def forward(x):
        a1 = np.tanh(x @ W1.T + b1)
        z2 = a1 @ W2.T + b2
        y = np.exp(z2 - z2.max(axis=1, keepdims=True))
        return a1, y / y.sum(axis=1, keepdims=True)

    def score(x, t):
        return float(np.mean(forward(x)[1].argmax(axis=1) == t.argmax(axis=1)))

    losses, tests, firsts = [], [], []
    for epoch in range(1, epochs + 1):
        seed = sc.training.shuffle
        order = np.arange(n) if size == n or seed is None else np.random.RandomState([seed, epoch]).permutation(n)
        total = 0.0
        for start in range(0, n, size):
            x, t = X[order[start : start + size]], T[order[start : start + size]]
            a1, y = forward(x)
            per = -np.sum(t * np.log(y), axis=1)
            total += per.sum()
            if start == 0:
                firsts.append(float(np.mean(per)))
            dz2 = (y - t) / len(x)
            dz1 = (dz2 @ W2) * (1 - a1**2)
            W2 -= lr * dz2.T @ a1
            b2 -= lr * dz2.sum(axis=0)
            W1 -= lr * dz1.T @ x
            b1 -= lr * dz1.sum(axis=0)
        losses.append(float(total / n))
        tests.append(score(sc.test_inputs, sc.test_targets))
    return losses, tests, score(X, T), firsts


def test_training_and_test_accuracy_match_an_independent_numpy_loop() -> None:
    sc = load_scenario(DIGITS)
    losses, tests, train, firsts = numpy_batch_training(sc, 20)
    dbg = Debugger(sc)
    start = dbg.accuracy()
    assert start is not None and start.epoch == 0
    dbg.run(20)
    np.testing.assert_allclose(dbg.epoch_losses, losses, rtol=0, atol=1e-12)
    assert dbg.test_accuracies().tolist() == tests  # the same predictions, sample for sample
    now = dbg.accuracy()
    assert now is not None and now.epoch == 20
    assert now.test == tests[-1] and now.train == train
    assert tests[-1] > 0.85 and start.test is not None and start.test < 0.3  # it learns: from chance to ~92 %
    assert [e.values["loss"] for e in sc.expectations] == pytest.approx([firsts[0], firsts[19]], abs=1e-9)


def test_the_test_accuracies_follow_the_position() -> None:
    dbg = Debugger(load_scenario(DIGITS))
    dbg.run(3)
    three = dbg.test_accuracies().tolist()
    assert len(three) == 3
    dbg.back()  # into epoch 3: two epochs completed
    assert dbg.test_accuracies().tolist() == three[:2] and dbg.accuracy().epoch == -1
    dbg.home()
    assert dbg.test_accuracies().tolist() == []
    dbg.run(3)
    assert dbg.test_accuracies().tolist() == three  # a replay records nothing twice
    dbg.edit("learning_rate", 0.5)  # a branch keeps the accuracies of the epochs before it
    assert dbg.test_accuracies().tolist() == three
    dbg.run(1)
    assert dbg.test_accuracies().tolist()[:3] == three and len(dbg.test_accuracies()) == 4


def tiny(test_x, test_t, units: int = 2, activation: str = "softmax") -> Scenario:
    rng = np.random.RandomState(4)
    return Scenario(
        title="tiny",
        inputs=3,
        layers=(LayerSpec(4, "tanh"), LayerSpec(units, activation)),
        data_inputs=rng.random_sample((5, 3)),
        data_targets=np.eye(units)[rng.randint(0, units, 5)] if units > 1 else rng.randint(0, 2, (5, 1)) * 1.0,
        training=TrainingSpec(loss="half_squared_error", mode="online"),
        test_inputs=test_x,
        test_targets=test_t,
    )


def test_accuracy_is_argmax_against_argmax_and_a_threshold_for_one_unit() -> None:
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 3))
    T = np.eye(3)[rng.randint(0, 3, 50)]
    sc = tiny(X, T, units=3)
    net, params = Network.from_scenario(sc), initial_params(sc)
    W1, W2 = params.W  # row convention inside the engine
    z = np.tanh(X @ W1 + params.b[0]) @ W2 + params.b[1]
    assert accuracy(net, params, X, T) == np.mean(z.argmax(axis=1) == T.argmax(axis=1))  # softmax keeps the argmax
    assert classes(np.array([[0.2], [0.5], [0.7]])).tolist() == [0, 1, 1]
    one = tiny(X, (rng.random_sample((50, 1)) > 0.5) * 1.0, units=1, activation="sigmoid")
    net1, p1 = Network.from_scenario(one), initial_params(one)
    y = 1 / (1 + np.exp(-(np.tanh(X @ p1.W[0] + p1.b[0]) @ p1.W[1] + p1.b[1])))
    assert accuracy(net1, p1, X, one.test_targets) == np.mean((y[:, 0] >= 0.5) == (one.test_targets[:, 0] >= 0.5))


def test_accuracy_scores_in_chunks(monkeypatch) -> None:
    import bptui.engine.accuracy as acc_module

    rng = np.random.RandomState(1)
    X, T = rng.standard_normal((37, 3)), np.eye(2)[rng.randint(0, 2, 37)]
    sc = tiny(X, T)
    net, params = Network.from_scenario(sc), initial_params(sc)
    whole = accuracy(net, params, X, T)
    monkeypatch.setattr(acc_module, "CHUNK", 5)
    assert accuracy(net, params, X, T) == whole


# --- the file format -----------------------------------------------------------------------------

SMALL = """
title = "split"
[network]
inputs = 2
[[network.layers]]
units = 2
activation = "softmax"
[data]
inputs = [[0, 0], [0, 1], [1, 0], [1, 1]]
targets = [[1, 0], [0, 1], [0, 1], [1, 0]]
{extra}
[training]
learning_rate = 0.1
loss = "cross_entropy"
"""


def test_test_samples_splits_inline_data_at_the_end(tmp_path) -> None:
    sc = parse_scenario(SMALL.format(extra="test_samples = 1"), tmp_path / "s.toml")
    assert sc.samples == 3 and sc.test_samples == 1
    assert sc.test_inputs.tolist() == [[1.0, 1.0]] and sc.test_targets.tolist() == [[1.0, 0.0]]
    assert parse_scenario(SMALL.format(extra=""), tmp_path / "s.toml").test_inputs is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "data.test_samples is 0 (a whole number), but it must be at least 1"),
        ("4", "data.test_samples is 4, but the data has 4 samples: at least one must be left to train on"),
        ("9", "data.test_samples is 9, but the data has 4 samples"),
        ("2.0", "write 2 without a decimal point"),
        ('"1"', "remove the quotes: test_samples = 1"),
        ("true", "it must be a whole number"),
        ("-1", "it must be at least 1"),
    ],
)
def test_bad_test_samples_are_one_line_errors_at_their_line(tmp_path, value, message) -> None:
    text = SMALL.format(extra=f"test_samples = {value}")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, tmp_path / "s.toml")
    err = info.value
    assert message in err.message and "\n" not in str(err)
    assert err.line == text.splitlines().index(f"test_samples = {value}") + 1


def test_a_misspelt_split_key_is_caught(tmp_path) -> None:
    with pytest.raises(ScenarioError, match="did you mean 'test_samples'"):
        parse_scenario(SMALL.format(extra="test_sample = 1"), tmp_path / "s.toml")


def test_the_split_counts_in_the_work_limit(tmp_path) -> None:
    from bptui.scenario import limits

    ok = parse_scenario(SMALL.format(extra="test_samples = 1"), tmp_path / "s.toml")
    per_epoch = limits.work(1, 3, 6, False) + 1 * 6  # scoring the test sample: one forward pass
    assert ok.training.epochs == 100
    text = SMALL.format(extra="test_samples = 1").replace("learning_rate = 0.1", "learning_rate = 0.1\nepochs = 1")
    huge = limits.MAX_WORK // per_epoch + 1
    with pytest.raises(ScenarioError, match=f"at most {huge - 1:,} epochs fit"):
        parse_scenario(text.replace("epochs = 1", f"epochs = {huge}"), tmp_path / "s.toml")


def test_saving_keeps_the_split(tmp_path) -> None:
    sc = load_scenario(DIGITS)
    dbg = Debugger(sc)
    dbg.run(1)
    snap = snapshot(sc, dbg.params_values())
    saved = load_scenario(save_scenario(snap, tmp_path / "lesson.toml"))
    assert saved.test_samples == 360 and same_scenario(snap, saved)


# --- the command line ------------------------------------------------------------------------------


def bptui(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bptui", *args], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False
    )


def test_run_prints_and_json_holds_the_test_accuracy() -> None:
    table = bptui("run", str(DIGITS), "--epochs", "3")
    assert table.returncode == 0, table.stderr
    assert "test accuracy" in table.stdout and "accuracy here: training" in table.stdout
    doc = json.loads(bptui("run", str(DIGITS), "--epochs", "3", "--json", "--values", "none").stdout)
    dbg = Debugger(load_scenario(DIGITS))
    dbg.run(3)
    assert doc["test_accuracy"] == dbg.test_accuracies().tolist()
    assert doc["accuracy"] == {"train": dbg.accuracy().train, "test": dbg.accuracy().test}
    assert len(doc["loss"]) == 3 and list(doc)[:5] == ["title", "position", "loss", "test_accuracy", "accuracy"]
    other = json.loads(bptui("run", "xor", "--epochs", "2", "--json").stdout)
    assert "test_accuracy" not in other and "accuracy" not in other  # documents without a split are unchanged


def test_check_verifies_the_digits_checkpoints() -> None:
    result = bptui("check", str(DIGITS))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": ok ") == 2


def fresh_accuracy(dbg: Debugger) -> tuple[float, float]:
    """Scored from scratch on the debugger's parameters (no cache)."""
    tl = dbg.timeline
    sc = tl.scenario
    return (
        accuracy(tl.net, tl.params, sc.data_inputs, sc.data_targets),
        accuracy(tl.net, tl.params, sc.test_inputs, sc.test_targets),
    )


def test_the_accuracy_shown_is_always_that_of_the_parameters_here() -> None:
    dbg = Debugger(load_scenario(DIGITS))
    for command in (
        lambda: dbg.run(1),
        dbg.step,
        dbg.finish_sample,  # through an update
        lambda: dbg.edit("W2[3,4]", 4.0),  # the same position, other parameters
        dbg.step,
        dbg.undo,
        dbg.undo,  # the edit undone: the scores of before
        dbg.home,
    ):
        command()
        now = dbg.accuracy()
        assert (now.train, now.test) == fresh_accuracy(dbg)
