"""What a scenario file may contain (SPEC 3): allowed keys, valid names, defaults and size limits.

The loader checks every key against these tuples, so adding a key to the format starts here.
"""
from __future__ import annotations

from bptui.engine import activations, losses
from bptui.engine.spec import BATCH, COLUMN, ONLINE, ROW

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
ACTIVATIONS = activations.NAMES
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

# --- size limits: a file must not make the tool allocate gigabytes (SPEC 3.7) ---------------------
# Each is far above what a teaching network needs and far below what would exhaust a laptop.
MAX_SCENARIO_BYTES = 16 * 1024 * 1024  # tomllib builds Python objects ~10x the text size
MAX_DATA_FILE_BYTES = 256 * 1024 * 1024  # read before parsing; MNIST as float32 .npz is ~190 MB
MAX_LAYERS = 16  # every layer is a pane row and two steps per pass; deeper nets are unreadable
MAX_WIDTH = 4096  # inputs or units of one layer; MNIST needs 784
MAX_PARAMETERS = 5_000_000  # weights + biases: 40 MB of float64, copied per undo snapshot
MAX_SAMPLES = 200_000  # MNIST has 70,000
MAX_DATA_NUMBERS = 20_000_000  # inputs + targets: 160 MB of float64
MAX_EPOCHS = 10_000_000  # `epochs` and `[[expect]] epoch`; beyond this a run never ends
MAX_EXPECT_BLOCKS = 1_000  # each one is a stop of the stepper and a line of `bptui check`
MAX_SEED = 2**32 - 1  # numpy.random.RandomState accepts 0 .. 2**32 - 1
