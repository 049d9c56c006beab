"""Loss functions, per sample, with their gradient with respect to the output ``y``.

Arrays are ``(batch, outputs)``. ``per_sample`` gives one loss per row; ``grad`` gives
∂(that row's loss)/∂y, so a reduction over rows only scales it (see :func:`reduce_loss`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray

NAMES = ("half_squared_error", "squared_error", "mean_squared_error", "binary_cross_entropy", "cross_entropy")


@dataclass(frozen=True)
class Loss:
    name: str
    per_sample: Callable[[Array, Array], Array]
    grad: Callable[[Array, Array], Array]
    formula: str  # Unicode, for the Chain rule pane
    grad_formula: str


def _hse(y: Array, t: Array) -> Array:
    d = y - t
    return 0.5 * np.sum(d * d, axis=1)


def _se(y: Array, t: Array) -> Array:
    d = y - t
    return np.sum(d * d, axis=1)


def _mse(y: Array, t: Array) -> Array:
    d = y - t
    return np.mean(d * d, axis=1)


def _bce(y: Array, t: Array) -> Array:
    return -np.sum(t * np.log(y) + (1.0 - t) * np.log(1.0 - y), axis=1)


def _ce(y: Array, t: Array) -> Array:
    return -np.sum(t * np.log(y), axis=1)


LOSSES: dict[str, Loss] = {
    "half_squared_error": Loss("half_squared_error", _hse, lambda y, t: y - t, "½Σ(y−t)²", "y − t"),
    "squared_error": Loss("squared_error", _se, lambda y, t: 2.0 * (y - t), "Σ(y−t)²", "2(y − t)"),
    "mean_squared_error": Loss(
        "mean_squared_error", _mse, lambda y, t: 2.0 * (y - t) / y.shape[1], "mean (y−t)²", "2(y − t)/n"
    ),
    "binary_cross_entropy": Loss(
        "binary_cross_entropy",
        _bce,
        lambda y, t: -t / y + (1.0 - t) / (1.0 - y),
        "−Σ[t·ln y + (1−t)·ln(1−y)]",
        "−t/y + (1−t)/(1−y)",
    ),
    "cross_entropy": Loss("cross_entropy", _ce, lambda y, t: -t / y, "−Σ t·ln y", "−t/y"),
}


def make_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}") from None
