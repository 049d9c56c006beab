"""The scenario as plain data: what the engine needs to build and train a network.

The loader (``bptui.scenario``) turns a TOML file into a :class:`Scenario`; the engine never
reads files itself, so it can be driven from tests with hand-made specs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np


class Convention(StrEnum):
    """How the file writes ``z``: ``column`` z = W·a + b (W units × inputs), ``row`` z = a·W + b."""

    ROW = "row"
    COLUMN = "column"


class Mode(StrEnum):
    """``online``: an update after every sample; ``batch``: one per epoch on the whole data set;
    ``minibatch``: one per ``batch_size`` samples, in an order ``shuffle`` may draw each epoch."""

    ONLINE = "online"
    BATCH = "batch"
    MINIBATCH = "minibatch"


class Reduction(StrEnum):
    """How a batch's (or an epoch's) per-sample losses combine."""

    SUM = "sum"
    MEAN = "mean"


# StrEnum members equal their strings, so files, comparisons and messages keep working
ROW, COLUMN = Convention.ROW, Convention.COLUMN
ONLINE, BATCH, MINIBATCH = Mode.ONLINE, Mode.BATCH, Mode.MINIBATCH
SUM, MEAN = Reduction.SUM, Reduction.MEAN

# --- defaults: the file format's (docs/SPEC.md §3), read by the loader through scenario/schema.py
DEFAULT_CONVENTION = COLUMN
DEFAULT_SLOPE = 0.01
DEFAULT_BIAS = True
DEFAULT_DISTRIBUTION = "uniform"
DEFAULT_LOW = -1.0
DEFAULT_HIGH = 1.0
DEFAULT_STD = 1.0
DEFAULT_SEED = 0
DEFAULT_LOSS = "half_squared_error"
DEFAULT_REDUCTION = MEAN
DEFAULT_MODE = ONLINE
DEFAULT_BATCH_SIZE = 32  # minibatch only; Nielsen's book trains MNIST with 10, digits scenarios use 32
DEFAULT_SHUFFLE: int | None = None  # minibatch only: None (the file's `false`) keeps the file's order
DEFAULT_MOMENTUM = 0.0
DEFAULT_EPOCHS = 100  # the seeds train for 20-1000 epochs; 100 shows a loss curve take shape
# A file must name a layer's activation and the learning rate; specs built in code (tests, the
# bundled builders) may leave them out and get these:
CODE_ONLY_ACTIVATION = "sigmoid"
CODE_ONLY_LEARNING_RATE = 0.1


@dataclass(frozen=True)
class LayerSpec:
    """One dense layer; ``weights``/``biases`` are in the file's convention when given."""

    units: int
    activation: str = CODE_ONLY_ACTIVATION
    slope: float = DEFAULT_SLOPE
    bias: bool = DEFAULT_BIAS
    weights: np.ndarray | None = None
    biases: np.ndarray | None = None
    velocities: np.ndarray | None = None  # momentum: the weights' starting velocity (a saved lesson)
    bias_velocities: np.ndarray | None = None


@dataclass(frozen=True)
class InitSpec:
    """How weights not given explicitly are drawn (docs/SPEC.md §3.3)."""

    distribution: str = DEFAULT_DISTRIBUTION
    low: float = DEFAULT_LOW
    high: float = DEFAULT_HIGH
    std: float = DEFAULT_STD
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class TrainingSpec:
    loss: str = DEFAULT_LOSS
    reduction: str = DEFAULT_REDUCTION
    learning_rate: float = CODE_ONLY_LEARNING_RATE
    mode: str = DEFAULT_MODE
    epochs: int = DEFAULT_EPOCHS
    batch_size: int = DEFAULT_BATCH_SIZE  # minibatch only
    shuffle: int | None = DEFAULT_SHUFFLE  # minibatch only: a seed, or None for the file's order
    momentum: float = DEFAULT_MOMENTUM  # classical momentum μ: v ← μ·v − η·g, W ← W + v
    first_epoch: int = 1  # shuffle: epoch E draws the order of epoch E + first_epoch − 1 (a saved lesson)


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
    convention: str = DEFAULT_CONVENTION
    description: str = ""
    source: str = ""
    expectations: tuple[Expectation, ...] = ()
    path: Path | None = None
    predict: tuple[str, ...] = ()  # what predict mode asks, e.g. ("a2", "dW1[0,1]"); () = every step
    names: dict[str, str] = field(default_factory=dict)  # the textbook's names, e.g. {"a1": "h"}
    # a held-out test split ([data] test_samples): never trained on, only scored (engine/accuracy.py)
    test_inputs: np.ndarray | None = None  # (test samples, inputs), float64
    test_targets: np.ndarray | None = None  # (test samples, outputs), float64

    @property
    def depth(self) -> int:
        """L, the number of layers."""
        return len(self.layers)

    @property
    def samples(self) -> int:
        return int(self.data_inputs.shape[0])

    @property
    def test_samples(self) -> int:
        """Samples held out for testing (0: the file names none)."""
        return 0 if self.test_inputs is None else int(self.test_inputs.shape[0])
