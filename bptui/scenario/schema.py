"""What a scenario file may contain (docs/SPEC.md §3): allowed keys, valid names, defaults and size limits.

The loader checks every key against these tuples, so adding a key to the format starts here.
"""

from __future__ import annotations

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
