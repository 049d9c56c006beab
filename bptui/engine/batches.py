"""Which samples each pass holds, and how the passes' losses add up to an epoch's.

``online``: pass ``i`` of an epoch is sample ``i``; ``batch``: one pass holds every sample;
``minibatch``: the epoch's order is split into passes of ``batch_size`` samples (the last one
may be short). With ``shuffle = SEED`` the order of epoch ``E`` (1-based) is

    numpy.random.RandomState([SEED, E]).permutation(samples)

(``E + first_epoch − 1`` in a file saved mid-training, so it goes on with the order it left)
— a pure function of (seed, epoch), so a jump to any epoch (back, undo, home, a run) draws
exactly the order it drew the first time, and a NumPy script reproduces it in one line. With
``shuffle = false`` the order is the file's.

Epoch loss (docs/SPEC.md §3.5): the reduction over the epoch's samples of each sample's loss
in its own pass. A minibatch pass's loss is already its batch's reduction, so with ``mean`` a
pass counts ``rows × loss`` and the epoch divides by the number of samples; one row (the online
case) counts its loss as it is, and a single pass per epoch (the batch case) is the epoch loss
itself, so online and batch keep their numbers bit for bit.
"""

from __future__ import annotations

import numpy as np

from .spec import BATCH, MINIBATCH, Scenario
from .steps import Layout

Array = np.ndarray
Batch = tuple[Array, Array]


def passes_per_epoch(scenario: Scenario) -> int:
    """Passes (updates) in one epoch: samples online, 1 in batch mode, ⌈samples/batch_size⌉."""
    n = scenario.samples
    mode = scenario.training.mode
    if mode == BATCH:
        return 1
    if mode == MINIBATCH:
        return -(-n // scenario.training.batch_size)
    return n


def layout_of(scenario: Scenario) -> Layout:
    """The position arithmetic of a scenario: its depth, passes per epoch, and what they count."""
    unit = "batch" if scenario.training.mode == MINIBATCH else "sample"
    return Layout(scenario.depth, passes_per_epoch(scenario), unit)


def epoch_order(seed: int | None, epoch: int, samples: int) -> Array:
    """The order of the samples in ``epoch`` (1-based): the file's, or the seed's permutation."""
    if seed is None:
        return np.arange(samples)
    return np.random.RandomState([seed, epoch]).permutation(samples)


def one_hot_classes(T: Array) -> Array | None:
    """Each row's class if every target row is one-hot — one ``1.0`` and ``+0.0`` elsewhere, bit
    for bit — else ``None``."""
    if T.ndim != 2 or T.shape[1] < 2 or T.shape[0] == 0:
        return None
    classes = np.argmax(T, axis=1)
    hot = np.zeros_like(T)
    hot[np.arange(T.shape[0]), classes] = 1.0
    same = np.array_equal(T.view(np.uint64), hot.view(np.uint64))  # bits: −0.0 is not +0.0
    return classes if same else None


class BatchPlan:
    """The (inputs, targets) rows of every pass, as contiguous float64 arrays.

    Without shuffling the passes are the same every epoch and are cut once; with shuffling one
    epoch's passes are cut when a pass of that epoch is first asked for and kept until another
    epoch is asked for (a run asks epoch after epoch; a jump asks one epoch).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.X = np.ascontiguousarray(scenario.data_inputs, dtype=float)
        self.T = np.ascontiguousarray(scenario.data_targets, dtype=float)
        tr = scenario.training
        n = self.X.shape[0]
        self.samples = n
        self.passes = passes_per_epoch(scenario)
        self.size = n if tr.mode == BATCH else (tr.batch_size if tr.mode == MINIBATCH else 1)
        self.minibatch = tr.mode == MINIBATCH
        self.seed = tr.shuffle if self.minibatch else None
        self.offset = tr.first_epoch - 1  # a file saved after k epochs continues their order: k
        self.rows = np.array([min(self.size, n - i * self.size) for i in range(self.passes)], dtype=float)
        mean = tr.reduction == "mean"
        # what a pass's loss counts in its epoch's accumulator, and what the sum is divided by
        weighted = self.minibatch and mean and self.passes > 1 and self.size > 1
        self.weighted = weighted
        self.weights = self.rows if weighted else np.ones(self.passes)
        self.divisor = float(n if weighted else self.passes) if mean and tr.mode != BATCH else 1.0
        self._epoch: int | None = None
        self._classes = one_hot_classes(self.T) if self.size > 1 else None
        self._cut: list[Batch] = []
        self._hot: list[Array | None] = []
        if self.seed is None:
            self._cut, self._hot = self._cut_order(np.arange(n)), self._hot_order(np.arange(n))

    def _cut_order(self, order: Array) -> list[Batch]:
        """The passes of one epoch: the data taken in ``order`` once (one gather, not one per
        batch), then cut into contiguous row slices (views: no copy per batch)."""
        if self.size == self.samples and self.seed is None:
            return [(self.X, self.T)]
        if self.seed is None:
            X, T = self.X, self.T
            if self.size == 1:  # online: contiguous one-row copies, as online always had
                return [(np.ascontiguousarray(X[i : i + 1]), np.ascontiguousarray(T[i : i + 1])) for i in range(len(X))]
        else:
            X, T = self.X.take(order, axis=0), self.T.take(order, axis=0)
        step = self.size
        return [(X[i * step : (i + 1) * step], T[i * step : (i + 1) * step]) for i in range(self.passes)]

    def _hot_order(self, order: Array) -> list[Array | None]:
        """Per pass of one epoch, where each row's hot target is in the pass's flattened target
        block (``row × outputs + class``), or ``None`` each when the targets are not one-hot."""
        if self._classes is None:
            return [None] * self.passes
        step, width = self.size, self.T.shape[1]
        flat = (np.arange(self.samples) % step) * width + self._classes.take(order)
        return [flat[i * step : (i + 1) * step] for i in range(self.passes)]

    def batches(self, epoch: int) -> list[Batch]:
        """Every pass of ``epoch`` (1-based), in order."""
        if self.seed is None:
            return self._cut
        if epoch != self._epoch:
            order = epoch_order(self.seed, epoch + self.offset, self.samples)
            self._cut, self._hot = self._cut_order(order), self._hot_order(order)
            self._epoch = epoch
        return self._cut

    def hot(self, epoch: int) -> list[Array | None]:
        """Per pass of ``epoch``, its one-hot targets' flat positions (see :meth:`_hot_order`);
        run-N's kernel uses them for softmax with cross-entropy (:mod:`.kernel`)."""
        self.batches(epoch)
        return self._hot

    def batch(self, p: int) -> Batch:
        """The rows of pass ``p`` (0-based, counted from the start of training)."""
        epoch, i = divmod(p, self.passes)
        return self.batches(epoch + 1)[i]

    def sample_indices(self, p: int) -> Array:
        """Which samples of the file (0-based) pass ``p`` holds, in its row order."""
        epoch, i = divmod(p, self.passes)
        order = epoch_order(self.seed, epoch + 1 + self.offset, self.samples)
        return order[i * self.size : (i + 1) * self.size]

    def epoch_loss(self, acc: float) -> float:
        """The epoch loss from the accumulated pass contributions (see the module docstring)."""
        return acc / self.divisor if self.divisor != 1.0 else acc
