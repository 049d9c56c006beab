"""Random scenarios over every valid activation × loss × convention × mode, for the derivation,
gradient-check and export tests."""
from __future__ import annotations

import itertools

import numpy as np

from bptui.engine import InitSpec, LayerSpec, Scenario, TrainingSpec

HIDDEN = ("identity", "sigmoid", "tanh", "relu", "leaky_relu")
# (output activation, loss): softmax only with cross_entropy, BCE only after a sigmoid
OUTPUTS = (
    ("identity", "half_squared_error"), ("sigmoid", "squared_error"), ("tanh", "mean_squared_error"),
    ("relu", "half_squared_error"), ("leaky_relu", "mean_squared_error"),
    ("sigmoid", "binary_cross_entropy"), ("softmax", "cross_entropy"),
)


def single_neuron_scenario() -> Scenario:
    """Seed 000's first example: x = 2, w = 0.5, b = 1, target 4, identity, ½(y − t)², η = 0.1."""
    return Scenario(
        title="Single neuron, single input", inputs=1,
        layers=(LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0])),),
        data_inputs=np.array([[2.0]]), data_targets=np.array([[4.0]]),
        training=TrainingSpec(loss="half_squared_error", learning_rate=0.1, mode="online", epochs=20),
    )


def chain_scenario() -> Scenario:
    """Seed 000's second example: x = 2, w1 = 0.5, b1 = 1, w2 = 0.5, b2 = 1, t = 4, identity, ½(y − t)², η = 0.1."""
    return Scenario(
        title="A 1-1-1 chain: input, hidden neuron, output", inputs=1,
        layers=(LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0])),
                LayerSpec(1, "identity", weights=np.array([[0.5]]), biases=np.array([1.0]))),
        data_inputs=np.array([[2.0]]), data_targets=np.array([[4.0]]),
        training=TrainingSpec(loss="half_squared_error", learning_rate=0.1, mode="online", epochs=20),
    )


def random_scenario(seed: int, hidden: str, output: str, loss: str, convention: str, mode: str,
                    sizes: tuple[int, ...] | None = None, samples: int | None = None,
                    reduction: str = "mean", bias: bool = True) -> Scenario:
    """A small network with random weights, inputs and targets that suit the loss."""
    rng = np.random.RandomState(seed)
    sizes = sizes or (int(rng.randint(1, 4)), int(rng.randint(1, 4)), int(rng.randint(2, 4)))
    n = samples or int(rng.randint(1, 4))
    X = rng.uniform(-1, 1, (n, sizes[0]))
    if loss == "cross_entropy":
        T = np.eye(sizes[-1])[rng.randint(0, sizes[-1], n)]
    elif loss == "binary_cross_entropy":
        T = rng.randint(0, 2, (n, sizes[-1])).astype(float)
    else:
        T = rng.uniform(-1, 1, (n, sizes[-1]))
    acts = [hidden] * (len(sizes) - 2) + [output]
    layers = tuple(
        LayerSpec(units, act, slope=0.1, bias=bias, biases=rng.uniform(-0.5, 0.5, units) if bias else None)
        for units, act in zip(sizes[1:], acts)
    )
    return Scenario(
        title=f"random {seed}", inputs=sizes[0], layers=layers, data_inputs=X, data_targets=T,
        training=TrainingSpec(loss=loss, reduction=reduction, learning_rate=0.3, mode=mode, epochs=3),
        init=InitSpec(seed=seed), convention=convention,
    )


def all_combinations():
    """(hidden, output, loss, convention, mode) for every valid pairing."""
    return list(itertools.product(HIDDEN, OUTPUTS, ("row", "column"), ("online", "batch")))
