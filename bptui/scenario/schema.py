"""What a scenario file may contain (docs/SPEC.md §3): allowed keys, valid names, defaults and size limits.

The loader checks every key against these tuples, so adding a key to the format starts here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bptui.engine.spec import (  # noqa: F401  (the defaults live with the spec; the loader reads them here)
    DEFAULT_BATCH_SIZE,
    DEFAULT_BIAS,
    DEFAULT_CONVENTION,
    DEFAULT_DISTRIBUTION,
    DEFAULT_EPOCHS,
    DEFAULT_HIGH,
    DEFAULT_LOSS,
    DEFAULT_LOW,
    DEFAULT_MODE,
    DEFAULT_MOMENTUM,
    DEFAULT_REDUCTION,
    DEFAULT_SEED,
    DEFAULT_SLOPE,
    DEFAULT_STD,
    Convention,
    Mode,
    Reduction,
)

from .limits import (  # noqa: F401  (the size limits live in .limits; the loader reads them here)
    MAX_BATCH_VALUES,
    MAX_DATA_FILE_BYTES,
    MAX_DATA_NUMBERS,
    MAX_EPOCHS,
    MAX_EXPECT_BLOCKS,
    MAX_LAYERS,
    MAX_PARAMETERS,
    MAX_SAMPLES,
    MAX_SCENARIO_BYTES,
    MAX_SEED,
    MAX_WIDTH,
    MAX_WORK,
)

# --- allowed keys, per table ----------------------------------------------------------------------
TOP_KEYS = (
    "title",
    "description",
    "source",
    "network",
    "init",
    "data",
    "training",
    "expect",
    "predict",
    "names",
)  # the last two: bptui.scenario.teaching
NETWORK_KEYS = ("inputs", "convention", "layers")
LAYER_KEYS = ("units", "activation", "slope", "bias", "weights", "biases", "velocities", "bias_velocities")
INIT_KEYS = ("distribution", "low", "high", "std", "seed")
DATA_KEYS = ("inputs", "targets", "file", "target_columns", "test_samples")
TRAINING_KEYS = (
    "loss",
    "reduction",
    "learning_rate",
    "mode",
    "epochs",
    "batch_size",
    "shuffle",
    "momentum",
    "first_epoch",
)
EXPECT_KEYS = ("epoch", "sample", "after", "tolerance")  # plus value names, which depend on the network
SECTION_KEYS = {"network": NETWORK_KEYS, "init": INIT_KEYS, "data": DATA_KEYS, "training": TRAINING_KEYS}

# --- valid names -----------------------------------------------------------------------------------
CONVENTIONS = (Convention.COLUMN, Convention.ROW)
# activations and losses: every registered record (bptui.engine.activations.names(), losses.names())
REDUCTIONS = tuple(Reduction)
MODES = (Mode.ONLINE, Mode.BATCH, Mode.MINIBATCH)
DISTRIBUTIONS = ("uniform", "normal", "zeros")
DATA_SUFFIXES = (".csv", ".npz")
NPZ_ARRAYS = ("inputs", "targets")
EPOCH_STEP = "epoch"  # `after = "epoch"`: the end of that epoch

# --- defaults of [[expect]] (the others live in bptui/engine/spec.py, imported above; docs/SPEC.md §3:
# `activation`, `after`, `title`, `learning_rate` have none) ---------------------------------------
DEFAULT_EXPECT_EPOCH = 1
DEFAULT_EXPECT_SAMPLE = 1
DEFAULT_TOLERANCE = 1e-6

WIDTH_WHY = f"the limit of {MAX_WIDTH} per layer keeps matrices small enough to show and store"

# --- ranges of numeric keys: one table, read by Reader.whole and Reader.bounded ----------------------
RUN_WHY = "the limit that keeps a run finite"
SEED_WHY = "numpy's RandomState takes seeds below 2**32"


@dataclass(frozen=True)
class Whole:
    """A whole-number key: ``low..high``, why ``high`` (for the message), its default (``None``:
    the key is required) and what to write when it is missing."""

    low: int
    high: int
    why_high: str = ""
    default: int | None = None
    fix: str | None = None


@dataclass(frozen=True)
class Bounded:
    """A number key with a range: ``ok`` accepts a value, ``must`` ends the message for another
    (``NAME is VALUE, <must>``); a default (``None``: required) and what to write when missing."""

    ok: Callable[[float], bool]
    must: str
    default: float | None = None
    fix: str | None = None


WHOLE = {  # by "table.key"; "layer" is any [[network.layers]] table, "expect" any [[expect]] block
    "network.inputs": Whole(1, MAX_WIDTH, WIDTH_WHY, fix="`inputs = N` (the width of the input a0)"),
    "layer.units": Whole(1, MAX_WIDTH, WIDTH_WHY, fix="`units = N` (how many neurons this layer has)"),
    "data.target_columns": Whole(1, MAX_WIDTH, WIDTH_WHY),
    "data.test_samples": Whole(
        1, MAX_SAMPLES, "the limit on samples", fix="`test_samples = N` (the last N samples are held out for testing)"
    ),
    "init.seed": Whole(0, MAX_SEED, SEED_WHY, DEFAULT_SEED),
    "training.epochs": Whole(1, MAX_EPOCHS, RUN_WHY, DEFAULT_EPOCHS),
    "training.batch_size": Whole(1, MAX_SAMPLES, "no data set has more samples", DEFAULT_BATCH_SIZE),
    "training.first_epoch": Whole(1, MAX_EPOCHS, "the limit of a run", 1),
    "training.shuffle": Whole(0, MAX_SEED, SEED_WHY),
    "expect.epoch": Whole(1, MAX_EPOCHS, RUN_WHY, DEFAULT_EXPECT_EPOCH),
}  # expect.sample's upper limit depends on the data: bptui.scenario.expectations reads it

BOUNDED = {
    "training.learning_rate": Bounded(
        lambda x: x > 0,
        "but it must be greater than 0 (each update subtracts learning_rate × gradient); e.g. 0.1",
        fix="`learning_rate = 0.1` (the step size of gradient descent)",
    ),
    "training.momentum": Bounded(
        lambda x: 0 <= x < 1,
        "but it must be at least 0 and less than 1 (the share of the last step kept); e.g. momentum = 0.9",
        DEFAULT_MOMENTUM,
    ),
    "init.std": Bounded(lambda x: x >= 0, "but a standard deviation cannot be negative; use e.g. 0.1", DEFAULT_STD),
    "expect.tolerance": Bounded(
        lambda x: x > 0, "but it must be greater than 0 (an absolute difference); e.g. 1e-6", DEFAULT_TOLERANCE
    ),
}
