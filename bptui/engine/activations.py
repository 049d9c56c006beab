"""Activation functions and how a gradient flows back through them.

Each activation maps ``z`` to ``a`` and turns ``da`` (∂loss/∂a) into ``dz`` (∂loss/∂z). Element-wise
activations also expose ``derivative(z, a)`` = f'(z) so derivations can print the factor; softmax is
not element-wise and only offers the Jacobian-vector product.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray

NAMES = ("identity", "sigmoid", "tanh", "relu", "leaky_relu", "softmax")


@dataclass(frozen=True)
class Activation:
    name: str
    forward: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array] | None  # f'(z) from z and a; None for softmax
    symbol: str  # how derivations write f, e.g. "σ"
    backward: Callable[[Array, Array, Array], Array]  # dz = ∂loss/∂z from (z, a, da = ∂loss/∂a)
    slope: float = 0.0

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None


def _sigmoid(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


def _softmax(z: Array) -> Array:
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _softmax_backward(z: Array, a: Array, da: Array) -> Array:
    """Jᵀ·da with the softmax Jacobian J = diag(a) − a·aᵀ, row by row."""
    return a * (da - np.sum(da * a, axis=-1, keepdims=True))


def make_activation(name: str, slope: float = 0.01) -> Activation:
    """The activation called ``name`` (one of :data:`NAMES`).

    ``backward`` is written out per activation (not ``da * derivative``) because run-N calls it
    for every sample: identity passes ``da`` through, relu multiplies by the boolean mask as
    Grokking's ``relu2deriv`` does.
    """
    if name == "identity":
        return Activation(name, lambda z: z, lambda z, a: np.ones_like(z), "id", lambda z, a, da: da)
    if name == "sigmoid":
        return Activation(name, _sigmoid, lambda z, a: a * (1.0 - a), "σ", lambda z, a, da: da * (a * (1.0 - a)))
    if name == "tanh":
        return Activation(name, np.tanh, lambda z, a: 1.0 - a * a, "tanh", lambda z, a, da: da * (1.0 - a * a))
    if name == "relu":
        # relu'(0) = 0, as in Grokking's relu2deriv(output) = output > 0
        return Activation(
            name, lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float), "relu", lambda z, a, da: da * (z > 0)
        )
    if name == "leaky_relu":
        s = float(slope)
        return Activation(
            name,
            lambda z: np.where(z > 0, z, s * z),
            lambda z, a: np.where(z > 0, 1.0, s),
            "lrelu",
            lambda z, a, da: da * np.where(z > 0, 1.0, s),
            slope=s,
        )
    if name == "softmax":
        return Activation(name, _softmax, None, "softmax", _softmax_backward)
    raise ValueError(f"unknown activation {name!r}")
