"""Activation functions: one record per activation, read by everything that shows or runs one.

Each activation maps ``z`` to ``a`` and turns ``da`` (∂loss/∂a) into ``dz`` (∂loss/∂z). Like
micrograd keeping an op's forward and ``_backward`` together, an :class:`ActivationOp` holds
everything bptui knows about one activation: its numeric kernels, its symbols (Unicode and
LaTeX), its handout text, its NumPy and PyTorch code for exported scripts, and whether it has
kinks or can hide a non-finite ``z``. The derivation, the handout, the scripts, the gradient check
and the scenario loader read the record, so adding an activation is one :func:`register` call.

Element-wise activations also expose ``derivative(z, a)`` = f'(z) so derivations can print the
factor; softmax is not element-wise and only offers the Jacobian-vector product.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
Forward = Callable[[Array], Array]
Derivative = Callable[[Array, Array], Array]  # f'(z) from z and a
Backward = Callable[[Array, Array, Array], Array]  # dz = ∂loss/∂z from (z, a, da = ∂loss/∂a)
Kernels = tuple[Forward, Derivative | None, Backward]

_max, _sum = np.maximum.reduce, np.add.reduce


@dataclass(frozen=True)
class ActivationOp:
    """Everything about one activation. Code templates use ``{a}``, ``{z}``, ``{da}``, ``{dz}`` and
    ``{s}`` (the slope, a float literal); ``kernels(slope)`` gives the NumPy functions.

    ``kernels`` are written out per activation (not ``da * derivative``) because run-N calls the
    backward for every sample: identity passes ``da`` through, relu multiplies by the boolean
    mask as Grokking's ``relu2deriv`` does. The exported NumPy code must be the same expressions,
    so the script's losses are bptui's bit for bit.
    """

    name: str
    kernels: Callable[[float], Kernels]
    symbol: str  # how derivations write f in Unicode, e.g. "σ"
    tex: str  # …and in LaTeX, e.g. r"\sigma"
    text: str  # how a handout names it, e.g. "sigmoid σ"
    numpy_forward: str  # e.g. "{a} = np.tanh({z})"; may hold several lines
    numpy_backward: str  # e.g. "{dz} = {da} * (1.0 - {a} * {a})"
    torch: str  # a PyTorch expression of ``{z}``
    kinked: bool = False  # not differentiable somewhere (relu at 0): finite differences skip there
    hides_nonfinite: bool = False  # can map a non-finite z to a finite a (divergence watches z)
    has_slope: bool = False  # reads the layer's ``slope`` (leaky_relu)


@dataclass(frozen=True)
class Activation:
    """One layer's activation: an :class:`ActivationOp` with its slope bound."""

    name: str
    forward: Forward
    derivative: Derivative | None  # None for softmax
    symbol: str
    backward: Backward
    slope: float = 0.0
    op: ActivationOp | None = None

    @property
    def elementwise(self) -> bool:
        return self.derivative is not None

    @property
    def tex(self) -> str:
        return self.op.tex if self.op is not None else rf"\mathrm{{{self.name}}}"

    @property
    def kinked(self) -> bool:
        return self.op is not None and self.op.kinked

    @property
    def hides_nonfinite(self) -> bool:
        return self.op is not None and self.op.hides_nonfinite


def _sigmoid(z: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-z))


def _sigmoid_backward(z: Array, a: Array, da: Array) -> Array:
    """``da * (a * (1.0 - a))``, the script's expression, in place on its one new array."""
    d = 1.0 - a
    d *= a
    d *= da
    return d


def _tanh_backward(z: Array, a: Array, da: Array) -> Array:
    """``da * (1.0 - a * a)``, the script's expression, in place on its one new array."""
    d = a * a
    np.subtract(1.0, d, out=d)
    d *= da
    return d


def _softmax(z: Array) -> Array:
    """``e = exp(z − max z); e / Σe`` row by row: the exported script's ``np.max``/``np.sum`` are
    these same ufunc reductions (called directly: a third of the cost on a mini-batch), and
    ``exp`` and the division work in place on the one new array (the same numbers)."""
    e = z - _max(z, -1, keepdims=True)
    np.exp(e, out=e)
    e /= _sum(e, -1, keepdims=True)
    return e


def _softmax_backward(z: Array, a: Array, da: Array) -> Array:
    """Jᵀ·da with the softmax Jacobian J = diag(a) − a·aᵀ, row by row:
    ``a * (da − Σ(da·a))`` (the script's expression, in place on its one new array)."""
    p = da * a
    s = _sum(p, -1, keepdims=True)
    np.subtract(da, s, out=p)
    p *= a
    return p


def _fixed(forward: Forward, derivative: Derivative | None, backward: Backward) -> Callable[[float], Kernels]:
    """Kernels of an activation without a parameter."""
    kernels = (forward, derivative, backward)
    return lambda slope: kernels


def _leaky_kernels(slope: float) -> Kernels:
    s = float(slope)
    return (
        lambda z: np.where(z > 0, z, s * z),
        lambda z, a: np.where(z > 0, 1.0, s),
        lambda z, a, da: da * np.where(z > 0, 1.0, s),
    )


REGISTRY: dict[str, ActivationOp] = {}


def register(op: ActivationOp) -> ActivationOp:
    """Make ``op`` available to scenarios, derivations, handouts and scripts (by ``op.name``)."""
    REGISTRY[op.name] = op
    return op


def unregister(name: str) -> None:
    """Remove an activation added by :func:`register` (tests add toy ones)."""
    REGISTRY.pop(name, None)


def names() -> tuple[str, ...]:
    """The activation names a scenario may use, in registration order."""
    return tuple(REGISTRY)


def op(name: str) -> ActivationOp:
    try:
        return REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}") from None


register(
    ActivationOp(
        "identity",
        _fixed(lambda z: z, lambda z, a: np.ones_like(z), lambda z, a, da: da),
        symbol="id",
        tex=r"\mathrm{id}",
        text="identity",
        numpy_forward="{a} = {z}",
        numpy_backward="{dz} = {da}",
        torch="{z}",
    )
)
register(
    ActivationOp(
        "sigmoid",
        _fixed(_sigmoid, lambda z, a: a * (1.0 - a), _sigmoid_backward),
        symbol="σ",
        tex=r"\sigma",
        text="sigmoid σ",
        numpy_forward="{a} = 1.0 / (1.0 + np.exp(-{z}))",
        numpy_backward="{dz} = {da} * ({a} * (1.0 - {a}))",
        torch="torch.sigmoid({z})",
        hides_nonfinite=True,
    )
)
register(
    ActivationOp(
        "tanh",
        _fixed(np.tanh, lambda z, a: 1.0 - a * a, _tanh_backward),
        symbol="tanh",
        tex=r"\tanh",
        text="tanh",
        numpy_forward="{a} = np.tanh({z})",
        numpy_backward="{dz} = {da} * (1.0 - {a} * {a})",
        torch="torch.tanh({z})",
        hides_nonfinite=True,
    )
)
register(
    ActivationOp(
        # relu'(0) = 0, as in Grokking's relu2deriv(output) = output > 0
        "relu",
        _fixed(lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(float), lambda z, a, da: da * (z > 0)),
        symbol="relu",
        tex=r"\mathrm{relu}",
        text="relu",
        numpy_forward="{a} = np.maximum({z}, 0.0)",
        numpy_backward="{dz} = {da} * ({z} > 0)",
        torch="torch.relu({z})",
        kinked=True,
        hides_nonfinite=True,
    )
)
register(
    ActivationOp(
        "leaky_relu",
        _leaky_kernels,
        symbol="lrelu",
        tex=r"\mathrm{lrelu}",
        text="leaky relu",
        numpy_forward="{a} = np.where({z} > 0, {z}, {s} * {z})",
        numpy_backward="{dz} = {da} * np.where({z} > 0, 1.0, {s})",
        torch="torch.nn.functional.leaky_relu({z}, negative_slope={s})",
        kinked=True,
        has_slope=True,
    )
)
register(
    ActivationOp(
        "softmax",
        _fixed(_softmax, None, _softmax_backward),
        symbol="softmax",
        tex=r"\mathrm{softmax}",
        text="softmax",
        numpy_forward=(
            "e = np.exp({z} - np.max({z}, axis=-1, keepdims=True))\n{a} = e / np.sum(e, axis=-1, keepdims=True)"
        ),
        numpy_backward="{dz} = {a} * ({da} - np.sum({da} * {a}, axis=-1, keepdims=True))",
        torch="torch.softmax({z}, dim=-1)",
        hides_nonfinite=True,
    )
)

NAMES = names()  # the built-in activations; scenarios accept every registered one (:func:`names`)


def make_activation(name: str, slope: float = 0.01) -> Activation:
    """The activation called ``name`` (one of :func:`names`) with its ``slope`` bound."""
    o = op(name)
    forward, derivative, backward = o.kernels(slope)
    return Activation(name, forward, derivative, o.symbol, backward, float(slope) if o.has_slope else 0.0, o)
