"""What a scenario file may contain (SPEC 3): allowed keys, valid names, defaults and size limits.

The loader checks every key against these tuples, so adding a key to the format starts here.
"""
from __future__ import annotations

from bptui.engine import activations, losses
from bptui.engine.spec import BATCH, COLUMN, ONLINE, ROW

from .limits import (  # noqa: F401  (the size limits live in .limits; the loader reads them here)
    MAX_BATCH_VALUES, MAX_DATA_FILE_BYTES, MAX_DATA_NUMBERS, MAX_EPOCHS, MAX_EXPECT_BLOCKS, MAX_LAYERS,
    MAX_PARAMETERS, MAX_SAMPLES, MAX_SCENARIO_BYTES, MAX_SEED, MAX_WIDTH, MAX_WORK,
)

# --- allowed keys, per table ----------------------------------------------------------------------
TOP_KEYS = ("title", "description", "source", "network", "init", "data", "training", "expect",
            "predict", "names")  # the last two: bptui.scenario.teaching
NETWORK_KEYS = ("inputs", "convention", "layers")
LAYER_KEYS = ("units", "activation", "slope", "bias", "weights", "biases")
INIT_KEYS = ("distribution", "low", "high", "std", "seed")
DATA_KEYS = ("inputs", "targets", "file", "target_columns")
TRAINING_KEYS = ("loss", "reduction", "learning_rate", "mode", "epochs")
EXPECT_KEYS = ("epoch", "sample", "after", "tolerance")  # plus value names, which depend on the network
SECTION_KEYS = {"network": NETWORK_KEYS, "init": INIT_KEYS, "data": DATA_KEYS, "training": TRAINING_KEYS}

# --- valid names -----------------------------------------------------------------------------------
CONVENTIONS = (COLUMN, ROW)
ACTIVATIONS = activations.NAMES  # the built-in ones; the loader accepts every registered op (names())
LOSSES = losses.NAMES
REDUCTIONS = ("sum", "mean")
MODES = (ONLINE, BATCH)
DISTRIBUTIONS = ("uniform", "normal", "zeros")
DATA_SUFFIXES = (".csv", ".npz")
NPZ_ARRAYS = ("inputs", "targets")
EPOCH_STEP = "epoch"  # `after = "epoch"`: the end of that epoch

# --- defaults (SPEC 3.2-3.6; `activation`, `after`, `title`, `learning_rate` have none) ----------
DEFAULT_CONVENTION = COLUMN
DEFAULT_SLOPE = 0.01
DEFAULT_BIAS = True
DEFAULT_DISTRIBUTION = "uniform"
DEFAULT_LOW = -1.0
DEFAULT_HIGH = 1.0
DEFAULT_STD = 1.0
DEFAULT_SEED = 0
DEFAULT_LOSS = "half_squared_error"
DEFAULT_REDUCTION = "mean"
DEFAULT_MODE = ONLINE
DEFAULT_EPOCHS = 100  # the seeds train for 20-1000 epochs; 100 shows a loss curve take shape
DEFAULT_EXPECT_EPOCH = 1
DEFAULT_EXPECT_SAMPLE = 1
DEFAULT_TOLERANCE = 1e-6
