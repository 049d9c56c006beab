"""Classification accuracy: the share of samples whose predicted class is the target's class.

The predicted class is the output unit with the largest activation (``argmax``, the first one on
a tie), the target's class the largest target value (one-hot targets: the hot one). A network
with a single output unit is a yes/no classifier: the class is whether the value is ≥ 0.5.

Scored on the parameters at an epoch's end, by a forward pass over the samples with the same
arithmetic as training (:func:`bptui.engine.network.forward_layer`), in chunks so that scoring a
large test split never holds more than :data:`CHUNK` rows of each layer at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import Network, Params, forward_layer

CHUNK = 4096  # rows per forward pass while scoring


def classes(values: np.ndarray) -> np.ndarray:
    """The class of each row: argmax over units, or ``value ≥ 0.5`` for a single unit."""
    values = np.asarray(values)
    if values.shape[1] == 1:
        return (values[:, 0] >= 0.5).astype(np.int64)
    return np.argmax(values, axis=1)


def outputs(net: Network, params: Params, X: np.ndarray) -> np.ndarray:
    """The network's output ``aL`` for every row of ``X`` (rows are samples)."""
    parts = []
    for start in range(0, len(X), CHUNK):
        a = X[start : start + CHUNK]
        for act, W, b in zip(net.activations, params.W, params.b):
            _, a = forward_layer(act, W, b, a)
        parts.append(a)
    return np.concatenate(parts) if parts else np.empty((0, net.sizes[-1]))


def accuracy(net: Network, params: Params, X: np.ndarray, T: np.ndarray) -> float:
    """The share (0..1) of rows of ``X`` whose predicted class is the class of their row of ``T``."""
    if len(X) == 0:
        return float("nan")
    with np.errstate(all="ignore"):
        predicted = classes(outputs(net, params, X))
    return float(np.mean(predicted == classes(T)))


@dataclass(frozen=True)
class Accuracy:
    """Accuracies at one position: on the training samples and on the held-out test samples."""

    train: float
    test: float
    epoch: int  # the epoch whose end these parameters are (0: the start), or -1 mid-epoch


class AccuracyLog:
    """The test accuracy at the end of every completed epoch (one float64 each, like the losses).

    Appended in step with the epoch losses by the timeline; a replay never appends twice (an
    epoch's accuracy, like its loss, is the same every time it is computed).
    """

    def __init__(self, net: Network, X: np.ndarray, T: np.ndarray, initial: tuple[float, ...] = ()) -> None:
        self.net = net
        self.X = np.ascontiguousarray(X, dtype=np.float64)
        self.labels = classes(T)
        self._buf = np.empty(max(64, len(initial)))
        self._buf[: len(initial)] = initial
        self.n = len(initial)

    def score(self, params: Params) -> float:
        with np.errstate(all="ignore"):
            return float(np.mean(classes(outputs(self.net, params, self.X)) == self.labels))

    def record(self, epoch: int, params: Params) -> None:
        """The accuracy of ``params``, the parameters at the end of ``epoch`` (if not recorded yet)."""
        if self.n >= epoch:
            return
        if self.n == len(self._buf):
            buf = np.empty(2 * len(self._buf))
            buf[: self.n] = self._buf
            self._buf = buf
        self._buf[self.n] = self.score(params)
        self.n += 1

    def view(self, n: int) -> np.ndarray:
        """The first ``n`` epochs' accuracies, read-only (no copy)."""
        v = self._buf[: min(n, self.n)].view()
        v.flags.writeable = False
        return v

    def nbytes(self) -> int:
        return self._buf.nbytes
