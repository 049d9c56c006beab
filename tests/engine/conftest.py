"""Scenarios built in code, so engine tests do not depend on the file loader."""
from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import InitSpec, LayerSpec, Scenario, TrainingSpec

STREETLIGHT_X = np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]], dtype=float)
STREETLIGHT_T = np.array([[1], [1], [0], [0]], dtype=float)


def streetlight(**training) -> Scenario:
    t = dict(loss="half_squared_error", reduction="sum", learning_rate=0.2, epochs=60)
    t.update(training)
    return Scenario(
        title="Streetlight",
        inputs=3,
        layers=(LayerSpec(4, "relu", bias=False), LayerSpec(1, "identity", bias=False)),
        data_inputs=STREETLIGHT_X,
        data_targets=STREETLIGHT_T,
        training=TrainingSpec(**t),
        init=InitSpec(seed=1),
        convention="row",
    )


OUTPUT_FOR_LOSS = {
    "half_squared_error": "identity",
    "squared_error": "tanh",
    "mean_squared_error": "leaky_relu",
    "binary_cross_entropy": "sigmoid",
    "cross_entropy": "softmax",
}


def random_scenario(
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
    if loss == "cross_entropy":
        T = np.eye(n_out)[rng.randint(0, n_out, samples)]
    elif loss == "binary_cross_entropy":
        T = rng.randint(0, 2, (samples, n_out)).astype(float)
    else:
        T = rng.standard_normal((samples, n_out)) * 0.5
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


@pytest.fixture
def street() -> Scenario:
    return streetlight()
