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

    evaluate: Callable[[Array, Array], tuple[Array, Array]]  # (per-sample losses, ∂loss/∂y) at once
    single: Callable[[Array, Array], tuple[float, Array]]  # (loss, ∂loss/∂y) of one sample (one row)


def _hse(y: Array, t: Array) -> Array:
    d = y - t
    return 0.5 * (d * d).sum(axis=1)


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


def _hse_evaluate(y: Array, t: Array) -> tuple[Array, Array]:
    """½Σ(y−t)² and its gradient sharing ``y − t``: this is streetlight's loss, run per sample."""
    d = y - t
    return 0.5 * (d * d).sum(axis=1), d


def _hse_single(y: Array, t: Array) -> tuple[float, Array]:
    """One row's ½Σ(y−t)² and gradient. ``vdot`` is the cheapest Σd² NumPy has, and run-N
    evaluates this once per sample."""
    d = y - t
    return 0.5 * float(np.vdot(d, d)), d


def _se_single(y: Array, t: Array) -> tuple[float, Array]:
    d = y - t
    return float(np.vdot(d, d)), 2.0 * d


def _mse_single(y: Array, t: Array) -> tuple[float, Array]:
    d = y - t
    return float(np.vdot(d, d)) / d.shape[1], 2.0 * d / d.shape[1]


def _make(name: str, per_sample, grad, formula: str, grad_formula: str, evaluate=None, single=None) -> Loss:
    evaluate = evaluate or (lambda y, t: (per_sample(y, t), grad(y, t)))
    single = single or (lambda y, t: (float(per_sample(y, t)[0]), grad(y, t)))
    return Loss(name, per_sample, grad, formula, grad_formula, evaluate, single)


LOSSES: dict[str, Loss] = {
    "half_squared_error": _make("half_squared_error", _hse, lambda y, t: y - t, "½Σ(y−t)²", "y − t", _hse_evaluate,
        _hse_single),
    "squared_error": _make("squared_error", _se, lambda y, t: 2.0 * (y - t), "Σ(y−t)²", "2(y − t)",
                           single=_se_single),
    "mean_squared_error": _make(
        "mean_squared_error", _mse, lambda y, t: 2.0 * (y - t) / y.shape[1], "mean (y−t)²", "2(y − t)/n",
        single=_mse_single,
    ),
    "binary_cross_entropy": _make(
        "binary_cross_entropy",
        _bce,
        lambda y, t: -t / y + (1.0 - t) / (1.0 - y),
        "−Σ[t·ln y + (1−t)·ln(1−y)]",
        "−t/y + (1−t)/(1−y)",
    ),
    "cross_entropy": _make("cross_entropy", _ce, lambda y, t: -t / y, "−Σ t·ln y", "−t/y"),
}


def make_loss(name: str) -> Loss:
    try:
        return LOSSES[name]
    except KeyError:
        raise ValueError(f"unknown loss {name!r}") from None
