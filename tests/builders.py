"""Scenarios built by hand for the tests, scenario files' text, and small helpers to walk and read
a Debugger or run the command line.

One place: test modules import from here (``from tests.builders import ...``) and never from each
other. The engine's tests do not depend on the file loader, so none of the Scenario builders reads a
file; :func:`scenario_toml` writes the text the loader's tests feed it.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

from bptui.engine import Debugger, Expectation, InitSpec, LayerSpec, Scenario, Timeline, TrainingSpec

# --- Streetlight: Grokking Deep Learning, ch. 6 ---------------------------------------------------
STREETLIGHT_X = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]], dtype=float)
STREETLIGHT_T = np.array([[1], [1], [0], [0]], dtype=float)


def streetlight(**overrides) -> Scenario:
    """Grokking Deep Learning, ch. 6: 3 inputs → 4 relu → 1, seed 1, α = 0.2."""
    fields = {
        "title": "Streetlight",
        "inputs": 3,
        "layers": (LayerSpec(4, "relu", bias=False), LayerSpec(1, "identity", bias=False)),
        "data_inputs": STREETLIGHT_X.copy(),
        "data_targets": STREETLIGHT_T.copy(),
        "training": TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=0.2, epochs=60),
        "init": InitSpec(seed=1),
        "convention": "row",
    }
    fields.update(overrides)
    return Scenario(**fields)


def book_loop(epochs: int) -> tuple[np.ndarray, np.ndarray, list[float]]:
    """The book's cell, verbatim in substance (relu as (x > 0) * x, deltas, in-place updates)."""
    np.random.seed(1)
    relu = lambda x: (x > 0) * x  # noqa: E731
    w01 = 2 * np.random.random((3, 4)) - 1
    w12 = 2 * np.random.random((4, 1)) - 1
    errors = []
    for _ in range(epochs):
        err = 0.0
        for i in range(len(STREETLIGHT_X)):
            l0 = STREETLIGHT_X[i : i + 1]
            l1 = relu(np.dot(l0, w01))
            l2 = np.dot(l1, w12)
            err += np.sum((l2 - STREETLIGHT_T[i : i + 1]) ** 2)
            d2 = l2 - STREETLIGHT_T[i : i + 1]
            d1 = d2.dot(w12.T) * (l1 > 0)
            w12 -= 0.2 * l1.T.dot(d2)
            w01 -= 0.2 * l0.T.dot(d1)
        errors.append(float(err))
    return w01, w12, errors


# --- seed 000's worked examples ---------------------------------------------------------------


def single_neuron() -> Scenario:
    """Seed 000: y = w·x + b with x = 2, w = 0.5, b = 1, target 4, η = 0.1 (∂loss/∂w = −4)."""
    return Scenario(
        title="Single neuron",
        inputs=1,
        layers=(LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0])),),
        data_inputs=np.array([[2.0]]),
        data_targets=np.array([[4.0]]),
        training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=0.1, epochs=10),
        convention="column",
        expectations=(
            Expectation(epoch=1, sample=1, after="forward 1", tolerance=1e-9, values={"a1": np.array([2.0])}),
            Expectation(epoch=1, sample=1, after="backward 1", tolerance=1e-9, values={"dW1": np.array([[-4.0]])}),
        ),
    )


def single_neuron_scenario() -> Scenario:
    """Seed 000's first example: x = 2, w = 0.5, b = 1, target 4, identity, ½(y − t)², η = 0.1."""
    return Scenario(
        title="Single neuron, single input",
        inputs=1,
        layers=(LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0])),),
        data_inputs=np.array([[2.0]]),
        data_targets=np.array([[4.0]]),
        training=TrainingSpec(loss="half_squared_error", learning_rate=0.1, mode="online", epochs=20),
    )


def diverging() -> Scenario:
    """y = w·x with x = 3 and η = 1: w's error is multiplied by −8 at every update until it overflows."""
    return Scenario(
        title="diverging",
        inputs=1,
        layers=(LayerSpec(1, "identity", weights=np.array([[0.5]]), bias=False),),
        data_inputs=np.array([[3.0]]),
        data_targets=np.array([[1.0]]),
        training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=1.0, epochs=1000),
        init=InitSpec(seed=0),
        convention="row",
    )


def chain_scenario() -> Scenario:
    """Seed 000's second example: x = 2, w1 = 0.5, b1 = 1, w2 = 0.5, b2 = 1, t = 4, identity, ½(y − t)², η = 0.1."""
    return Scenario(
        title="A 1-1-1 chain: input, hidden neuron, output",
        inputs=1,
        layers=(
            LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0])),
            LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0])),
        ),
        data_inputs=np.array([[2.0]]),
        data_targets=np.array([[4.0]]),
        training=TrainingSpec(loss="half_squared_error", learning_rate=0.1, mode="online", epochs=20),
    )


# --- random networks ------------------------------------------------------------------------------

HIDDEN = ("identity", "sigmoid", "tanh", "relu", "leaky_relu")
# (output activation, loss): softmax only with cross_entropy, BCE only after a sigmoid
OUTPUTS = (
    ("identity", "half_squared_error"),
    ("sigmoid", "squared_error"),
    ("tanh", "mean_squared_error"),
    ("relu", "half_squared_error"),
    ("leaky_relu", "mean_squared_error"),
    ("sigmoid", "binary_cross_entropy"),
    ("softmax", "cross_entropy"),
)

OUTPUT_FOR_LOSS = {
    "half_squared_error": "identity",
    "squared_error": "tanh",
    "mean_squared_error": "leaky_relu",
    "binary_cross_entropy": "sigmoid",
    "cross_entropy": "softmax",
}


def targets_for(loss: str, rng: np.random.RandomState, n: int, width: int, spread: str = "uniform") -> np.ndarray:
    """``n`` targets of ``width`` that suit ``loss``: one-hot rows for cross-entropy, 0/1 for binary
    cross-entropy, else real numbers (uniform in [−1, 1), or ``"normal"``: N(0, 0.5²))."""
    if loss == "cross_entropy":
        return np.eye(width)[rng.randint(0, width, n)]
    if loss == "binary_cross_entropy":
        return rng.randint(0, 2, (n, width)).astype(float)
    if spread == "normal":
        return rng.standard_normal((n, width)) * 0.5
    return rng.uniform(-1, 1, (n, width))


def random_scenario(
    seed: int,
    hidden: str,
    output: str,
    loss: str,
    convention: str,
    mode: str,
    sizes: tuple[int, ...] | None = None,
    samples: int | None = None,
    reduction: str = "mean",
    bias: bool = True,
) -> Scenario:
    """A small network with random weights, inputs and targets that suit the loss."""
    rng = np.random.RandomState(seed)
    sizes = sizes or (int(rng.randint(1, 4)), int(rng.randint(1, 4)), int(rng.randint(2, 4)))
    n = samples or int(rng.randint(1, 4))
    X = rng.uniform(-1, 1, (n, sizes[0]))
    T = targets_for(loss, rng, n, sizes[-1])
    acts = [hidden] * (len(sizes) - 2) + [output]
    layers = tuple(
        LayerSpec(units, act, slope=0.1, bias=bias, biases=rng.uniform(-0.5, 0.5, units) if bias else None)
        for units, act in zip(sizes[1:], acts)
    )
    return Scenario(
        title=f"random {seed}",
        inputs=sizes[0],
        layers=layers,
        data_inputs=X,
        data_targets=T,
        training=TrainingSpec(loss=loss, reduction=reduction, learning_rate=0.3, mode=mode, epochs=3),
        init=InitSpec(seed=seed),
        convention=convention,
    )


def combo_id(combo) -> str:
    """A readable test id for an :func:`all_combinations` entry: ``tanh-sigmoid-binary_cross_entropy-row-batch``."""
    hidden, (output, loss), convention, mode = combo
    return f"{hidden}-{output}-{loss}-{convention}-{mode}"


def all_combinations():
    """(hidden, output, loss, convention, mode) for every valid pairing."""
    return list(itertools.product(HIDDEN, OUTPUTS, ("row", "column"), ("online", "batch")))


def random_network(
    seed: int,
    *,
    hidden: str = "tanh",
    loss: str = "half_squared_error",
    convention: str = "column",
    mode: str = "online",
    reduction: str = "mean",
    sizes: tuple[int, ...] = (3, 4, 2),
    samples: int = 3,
    learning_rate: float = 0.1,
) -> Scenario:
    """A small random network whose output activation suits ``loss``; targets valid for it."""
    rng = np.random.RandomState(seed)
    X = rng.standard_normal((samples, sizes[0]))
    n_out = sizes[-1]
    T = targets_for(loss, rng, samples, n_out, spread="normal")
    hidden_layers = tuple(LayerSpec(u, hidden, slope=0.1, bias=bool(i % 2 == 0)) for i, u in enumerate(sizes[1:-1]))
    out = LayerSpec(n_out, OUTPUT_FOR_LOSS[loss], slope=0.2)
    return Scenario(
        title=f"random {seed}",
        inputs=sizes[0],
        layers=hidden_layers + (out,),
        data_inputs=X,
        data_targets=T,
        training=TrainingSpec(loss=loss, reduction=reduction, learning_rate=learning_rate, mode=mode, epochs=5),
        init=InitSpec(distribution="normal", std=0.7, seed=seed),
        convention=convention,
    )


def batch_scenario(sizes: tuple[int, ...], samples: int, mode: str = "batch", init: InitSpec | None = None) -> Scenario:
    """A tanh net of ``sizes`` with an identity output on uniform random data (seed 0), row
    convention, learning rate 0.01: the big nets of the speed and memory tests."""
    rng = np.random.RandomState(0)
    layers = tuple(LayerSpec(u, "tanh") for u in sizes[1:-1]) + (LayerSpec(sizes[-1], "identity"),)
    return Scenario(
        title=mode,
        inputs=sizes[0],
        layers=layers,
        data_inputs=rng.rand(samples, sizes[0]),
        data_targets=rng.rand(samples, sizes[-1]),
        training=TrainingSpec(mode=mode, learning_rate=0.01),
        init=init or InitSpec(seed=0),
        convention="row",
    )


# --- walking and reading a Debugger --------------------------------------------------------------


def same_state(a: Debugger | Timeline, b: Debugger | Timeline) -> None:
    ta = a.timeline if isinstance(a, Debugger) else a
    tb = b.timeline if isinstance(b, Debugger) else b
    assert ta.g == tb.g
    assert ta.params.equals(tb.params)
    assert ta.epoch_losses == tb.epoch_losses
    assert ta.running_loss() == tb.running_loss()
    va = Debugger.values(a) if isinstance(a, Debugger) else None
    if va is not None and isinstance(b, Debugger):
        vb = b.values()
        assert va.keys() == vb.keys()
        for name in va:
            assert np.array_equal(va[name], vb[name], equal_nan=True), name


def stepped(scenario, g: int) -> Debugger:
    """Reference: one micro-step at a time from the start, never the fast path."""
    dbg = Debugger(scenario)
    for _ in range(g):
        dbg.timeline.goto(dbg.g + 1)
    return dbg


def commands(run: int, goto: int, size: int) -> st.SearchStrategy[list]:
    """Lists of Debugger commands for :func:`apply`: runs of up to ``run`` epochs, jumps up to ``goto``."""
    return st.lists(
        st.one_of(
            st.sampled_from(["step", "back", "finish_pass", "finish_sample", "finish_epoch", "undo", "redo", "home"]),
            st.tuples(st.just("run"), st.integers(1, run)),
            st.tuples(st.just("goto"), st.integers(0, goto)),
        ),
        max_size=size,
    )


def apply(dbg: Debugger, command) -> None:
    if isinstance(command, tuple):
        name, n = command
        getattr(dbg, name)(n)
    else:
        getattr(dbg, command)()


def engine_value(values: dict, name: str) -> float:
    """``values()['dW1'][1, 0]`` for ``dW1[1,0]``; a single-element value is named without index."""
    base, _, rest = name.partition("[")
    arr = np.asarray(values[base], dtype=float)
    if not rest:
        assert arr.size == 1, name
        return float(arr.ravel()[0])
    return float(arr[tuple(int(x) for x in rest.rstrip("]").split(","))])


def layer_parameter_names(values: Mapping[str, object], layer: int) -> list[str]:
    """Layer ``layer``'s parameter elements, ``W`` row by row then ``b``: the Inspector's order."""
    names = []
    W = values.get(f"W{layer}")
    if W is not None:
        names += [f"W{layer}[{i},{j}]" for i, j in np.ndindex(*np.shape(W))]
    b = values.get(f"b{layer}")
    if b is not None:
        names += [f"b{layer}[{j}]" for j in range(np.size(b))]
    return names


def parameter_names(d: Debugger) -> list[str]:
    """Every parameter element of ``d``'s network, layer by layer."""
    values = d.params_values()
    return [name for l in range(1, len(d.scenario.layers) + 1) for name in layer_parameter_names(values, l)]


# --- scenario files and the command line ----------------------------------------------------------

ONE_SAMPLE = "inputs = [[1.0]]\ntargets = [[1.0]]"
Layer = tuple[int, str] | tuple[int, str, str]  # units, activation[, more lines: weights = ...]


def scenario_toml(
    *layers: Layer,
    title: str = "t",
    inputs: int = 1,
    top: str = "",
    network: str = "",
    data: str | None = ONE_SAMPLE,
    training: str = "learning_rate = 0.1",
) -> str:
    """A scenario file's text from its parts: ``layers`` (default one identity unit), the lines of
    ``[data]`` (``None``: no table) and ``[training]``; ``top`` and ``network`` add their lines."""
    lines = [f'title = "{title}"'] + ([top] if top else []) + ["[network]", f"inputs = {inputs}"]
    lines += [network] if network else []
    for units, activation, *more in layers or ((1, "identity"),):
        lines += ["[[network.layers]]", f"units = {units}", f'activation = "{activation}"', *more]
    lines += ["[data]", data] if data is not None else []
    lines += ["[training]", training]
    return "\n".join(lines) + "\n"


def run_bptui(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``python -m bptui ARGS`` as a user runs it: its exit status, stdout and stderr."""
    return subprocess.run(
        [sys.executable, "-m", "bptui", *args], capture_output=True, text=True, cwd=cwd, timeout=120, check=False
    )


def minibatch_network(
    seed: int,
    *,
    batch_size: int = 3,
    shuffle: int | None = 7,
    momentum: float = 0.0,
    samples: int = 7,
    mode: str = "minibatch",
    **kw,
) -> Scenario:
    """:func:`random_network` trained by mini-batches (``samples`` not a multiple of ``batch_size``
    by default, so the last batch is short), optionally shuffled and with momentum."""
    sc = random_network(seed, samples=samples, **kw)
    training = replace(sc.training, mode=mode, batch_size=batch_size, shuffle=shuffle, momentum=momentum)
    return replace(sc, training=training)
