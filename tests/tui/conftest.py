"""Scenarios built by hand (the loader is another engineer's) and app fixtures for the TUI tests."""
from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import Expectation, InitSpec, LayerSpec, Scenario, TrainingSpec


def streetlight(**overrides) -> Scenario:
    """Grokking Deep Learning, ch. 6: 3 inputs → 4 relu → 1, seed 1, α = 0.2."""
    fields = dict(
        title="Streetlight",
        inputs=3,
        layers=(LayerSpec(4, "relu", bias=False), LayerSpec(1, "identity", bias=False)),
        data_inputs=np.array([[1, 0, 1], [0, 1, 1], [0, 0, 1], [1, 1, 1]], float),
        data_targets=np.array([[1], [1], [0], [0]], float),
        training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=0.2, epochs=60),
        init=InitSpec(seed=1),
        convention="row",
    )
    fields.update(overrides)
    return Scenario(**fields)


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


def wide() -> Scenario:
    """Five layers of 8 units (the largest drawn in full) after a 784-input layer (summarised)."""
    rng = np.random.RandomState(0)
    return Scenario(
        title="Wide",
        inputs=784,
        layers=tuple(LayerSpec(8, "tanh") for _ in range(4)) + (LayerSpec(8, "sigmoid"),),
        data_inputs=rng.random_sample((2, 784)),
        data_targets=rng.random_sample((2, 8)),
        training=TrainingSpec(epochs=3),
        init=InitSpec(seed=2, low=-0.1, high=0.1),
    )


@pytest.fixture
def scenario() -> Scenario:
    return streetlight()


class Recorder:
    """Collects what the app tells the user with ``notify`` (message, severity)."""

    def __init__(self, app) -> None:
        self.messages: list[tuple[str, str]] = []
        original = app.notify

        def notify(message, *args, severity="information", **kw):
            self.messages.append((str(message), severity))
            return original(message, *args, severity=severity, **kw)

        app.notify = notify

    def text(self) -> str:
        return "\n".join(m for m, _ in self.messages)


def pane_text(app, pane_id: str) -> str:
    """The plain text of a pane's body, as drawn."""
    from bptui.tui.widgets.lines import LinesView
    from bptui.tui.widgets.netstrips import NetStrips

    pane = app.query_one(f"#{pane_id}")
    view = pane.query_one(NetStrips) if pane.query(NetStrips) else pane.query_one(LinesView)
    return "\n".join(line.plain for line in view.lines)
