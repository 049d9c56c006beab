"""The scenario as plain data: what the engine needs to build and train a network.

The loader (``bptui.scenario``) turns a TOML file into a :class:`Scenario`; the engine never
reads files itself, so it can be driven from tests with hand-made specs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROW = "row"
COLUMN = "column"
ONLINE = "online"
BATCH = "batch"


@dataclass(frozen=True)
class LayerSpec:
    """One dense layer; ``weights``/``biases`` are in the file's convention when given."""

    units: int
    activation: str = "sigmoid"
    slope: float = 0.01
    bias: bool = True
    weights: np.ndarray | None = None
    biases: np.ndarray | None = None


@dataclass(frozen=True)
class InitSpec:
    """How weights not given explicitly are drawn (SPEC 3.3)."""

    distribution: str = "uniform"
    low: float = -1.0
    high: float = 1.0
    std: float = 1.0
    seed: int = 0


@dataclass(frozen=True)
class TrainingSpec:
    loss: str = "half_squared_error"
    reduction: str = "mean"
    learning_rate: float = 0.1
    mode: str = ONLINE
    epochs: int = 100


@dataclass(frozen=True)
class Expectation:
    """One ``[[expect]]`` block: values to hold after a named step of a given sample."""

    epoch: int
    sample: int
    after: str
    tolerance: float
    values: dict[str, np.ndarray]
    line: int | None = None


@dataclass(frozen=True)
class Scenario:
    title: str
    inputs: int
    layers: tuple[LayerSpec, ...]
    data_inputs: np.ndarray  # (samples, inputs), float64
    data_targets: np.ndarray  # (samples, outputs), float64
    training: TrainingSpec = field(default_factory=TrainingSpec)
    init: InitSpec = field(default_factory=InitSpec)
    convention: str = COLUMN
    description: str = ""
    source: str = ""
    expectations: tuple[Expectation, ...] = ()
    path: Path | None = None
    predict: tuple[str, ...] = ()  # what predict mode asks, e.g. ("a2", "dW1[0,1]"); () = every step
    names: dict[str, str] = field(default_factory=dict)  # the textbook's names, e.g. {"a1": "h"}

    @property
    def depth(self) -> int:
        """L, the number of layers."""
        return len(self.layers)

    @property
    def samples(self) -> int:
        return int(self.data_inputs.shape[0])
