"""Every size and work limit on what a scenario file may ask for, in one place (docs/SPEC.md §3.7, issue 12).

A scenario is someone else's data. Each limit is checked *before* the work it bounds: the text
before ``tomllib`` parses it (:mod:`.prescan`), a data file's directory and headers before its
arrays are read, declared sizes before arrays are allocated, the total work before a run starts.
Each is far above what a teaching network needs and far below what would exhaust a laptop.
scenarios/README.md documents them; change both together.
"""

from __future__ import annotations

from bptui.engine.timeline import MAX_EPOCHS as ENGINE_MAX_EPOCHS

# --- the scenario text, checked by a cheap scan before tomllib parses it -------------------------
MAX_SCENARIO_BYTES = 16 * 1024 * 1024  # tomllib builds Python objects ~10x the text size
MAX_NESTING = 8  # [ and { open at once: arrays of rows inside an inline table is 4
MAX_KEY_PARTS = 8  # parts of one dotted key or table header: [network.layers] is 2 (tomllib is quadratic in it)
MAX_KEY_CHARS = 256  # characters of one key (no key of the format is longer than 20)
MAX_ARRAYS = 500_000  # [ and { in the text: the rows of 200,000 samples' inputs and targets, and more
MAX_KEYS = 250_000  # `key =` in the text: 1,000 [[expect]] blocks of 200 values
MAX_VALUES = 1_000_000  # commas in the text, about the values in arrays: tomllib needs ~3 s for
#                         a million (it is pure Python); larger data belongs in a .csv or .npz file
MAX_STRINGS = 100_000  # quoted strings in the text (keys included)

# --- the network ------------------------------------------------------------------------------------
MAX_LAYERS = 16  # every layer is a pane row and two steps per pass; deeper nets are unreadable
MAX_WIDTH = 4096  # inputs or units of one layer; MNIST needs 784
MAX_PARAMETERS = 5_000_000  # weights + biases: 40 MB of float64, copied per undo snapshot

# --- data -----------------------------------------------------------------------------------------
MAX_DATA_FILE_BYTES = 256 * 1024 * 1024  # read before parsing; MNIST as float32 .npz is ~190 MB
MAX_SAMPLES = 200_000  # MNIST has 70,000
MAX_DATA_NUMBERS = 20_000_000  # inputs + targets: 160 MB of float64
MAX_BLANK_ROWS = 10_000  # empty CSV rows in a row (commas, spaces): a file of commas ends here, not at 256 MiB
MAX_CSV_LINE = 1024 * 1024  # characters of one CSV line: 8,192 columns of long numbers fit many times
MAX_NPZ_MEMBERS = 64  # arrays in an .npz (inputs and targets are used, others ignored)
MAX_NPZ_DIRECTORY = 1024 * 1024  # bytes of the zip's central directory (64 members need ~10 KB)
MAX_NPY_HEADER = 4096  # bytes of one .npy header (numpy writes 128; numpy refuses over 10,000)
MAX_BATCH_VALUES = 10_000_000  # batch mode: samples × (inputs + every layer's units); each of
#                                z, a, da, dz then holds at most 80 MB for the whole batch

# --- work -----------------------------------------------------------------------------------------
MAX_EPOCHS = ENGINE_MAX_EPOCHS  # `epochs` and `[[expect]] epoch`: the engine's own limit (history size)
MAX_EXPECT_BLOCKS = 1_000  # each one is a stop of the stepper and a line of `bptui check`
PASS_COST = 5_000  # one forward+backward pass costs about as much as this many parameter × sample
#                    products, whatever the network's size (~20 µs of Python on a laptop)
MAX_WORK = 20_000_000_000  # epochs × (passes × PASS_COST + samples × parameters): about a minute
#                            in online mode on a laptop (2-4 ns per product); batch mode is faster
MAX_SEED = 2**32 - 1  # numpy.random.RandomState accepts 0 .. 2**32 - 1


def work(epochs: int, samples: int, parameters: int, batch: bool, passes: int | None = None) -> int:
    """The cost of running ``epochs`` epochs, in the units of :data:`MAX_WORK` (``passes``: per
    epoch, when not 1 (batch) or ``samples`` (online), as in minibatch mode)."""
    passes = passes if passes is not None else (1 if batch else samples)
    return epochs * (passes * PASS_COST + samples * parameters)
