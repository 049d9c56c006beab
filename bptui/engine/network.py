"""The network: layer shapes, parameters, and the arithmetic of one layer forward and back.

Internally every matrix is stored in the *row* convention (``W`` has shape ``(inputs, units)`` and
``z = a @ W + b`` on ``(batch, units)`` rows); :mod:`bptui.engine.values` turns them into the
file's convention for display. The stepper and the fast run-N path both call the functions
here, so they perform the same floating-point operations in the same order and agree bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .activations import Activation, make_activation
from .losses import Loss, make_loss
from .momentum import momentum_layer, zero_velocities
from .spec import BATCH, COLUMN, MINIBATCH, Scenario

Array = np.ndarray


@dataclass
class Params:
    """Weights (row convention) and biases (``None`` for a layer without bias), index 0 = layer 1.

    With momentum, ``vW``/``vb`` are the velocities (same shapes), part of the training state
    like the weights: saved with them, restored with them (see :mod:`.momentum`)."""

    W: list[Array]
    b: list[Array | None]
    vW: list[Array] | None = None
    vb: list[Array | None] | None = None

    def copy(self) -> Params:
        out = Params([w.copy() for w in self.W], [None if v is None else v.copy() for v in self.b])
        if self.vW is not None and self.vb is not None:
            out.vW = [w.copy() for w in self.vW]
            out.vb = [None if v is None else v.copy() for v in self.vb]
        return out

    def arrays(self) -> list[tuple[str, Array]]:
        """(value name, array) of every parameter and velocity held, in a fixed order."""
        out = [(f"W{i}", w) for i, w in enumerate(self.W, start=1)]
        out += [(f"b{i}", v) for i, v in enumerate(self.b, start=1) if v is not None]
        if self.vW is not None and self.vb is not None:
            out += [(f"vW{i}", w) for i, w in enumerate(self.vW, start=1)]
            out += [(f"vb{i}", v) for i, v in enumerate(self.vb, start=1) if v is not None]
        return out

    def nbytes(self) -> int:
        return sum(a.nbytes for _, a in self.arrays())

    def all_finite(self) -> str | None:
        """Name of the first parameter holding a non-finite number, or ``None``."""
        for i, (w, v) in enumerate(zip(self.W, self.b), start=1):
            if not np.isfinite(w).all():
                return f"W{i}"
            if v is not None and not np.isfinite(v).all():
                return f"b{i}"
        return None

    def equals(self, other: Params) -> bool:
        """Bit-for-bit equality (NaNs in the same places count as equal), velocities included."""
        mine, theirs = self.arrays(), other.arrays()
        return [n for n, _ in mine] == [n for n, _ in theirs] and all(
            np.array_equal(x, y, equal_nan=True) for (_, x), (_, y) in zip(mine, theirs)
        )


@dataclass(frozen=True)
class Network:
    """The fixed structure of a scenario's network and training rule."""

    sizes: tuple[int, ...]  # (inputs, units of layer 1, ..., units of layer L)
    activations: tuple[Activation, ...]
    has_bias: tuple[bool, ...]
    loss: Loss
    convention: str
    learning_rate: float
    reduction: str
    batch: bool  # a pass holds several rows and takes the reduction's gradient (batch, minibatch)
    minibatch: bool = False  # minibatch: a one-row pass (batch_size 1, a short last batch) is one sample
    momentum: float = 0.0  # classical momentum μ (0: plain SGD)

    @property
    def depth(self) -> int:
        return len(self.activations)

    @cached_property
    def hidden_sum_vectors(self) -> tuple[Array | None, ...]:
        """Per layer, a vector of ones to sum ``z`` with if its activation can hide a non-finite
        ``z`` (see :mod:`.kernel`), else ``None``."""
        return tuple(
            np.ones(units) if act.hides_nonfinite else None for act, units in zip(self.activations, self.sizes[1:])
        )

    @classmethod
    def from_scenario(cls, sc: Scenario) -> Network:
        return cls(
            sizes=(sc.inputs, *(layer.units for layer in sc.layers)),
            activations=tuple(make_activation(layer.activation, layer.slope) for layer in sc.layers),
            has_bias=tuple(layer.bias for layer in sc.layers),
            loss=make_loss(sc.training.loss),
            convention=sc.convention,
            learning_rate=float(sc.training.learning_rate),
            reduction=sc.training.reduction,
            batch=sc.training.mode in (BATCH, MINIBATCH),
            minibatch=sc.training.mode == MINIBATCH,
            momentum=float(sc.training.momentum),
        )


def initial_params(sc: Scenario) -> Params:
    """Draw (or take) the initial parameters exactly as docs/SPEC.md §3.3 describes.

    One ``RandomState(seed)``; layers in order; each layer's weights drawn in the file's
    convention shape, so ``seed = 1`` reproduces ``np.random.seed(1); 2*np.random.random((3,4)) - 1``.
    A layer with explicit weights draws nothing.
    """
    rng = np.random.RandomState(sc.init.seed)
    sizes = (sc.inputs, *(layer.units for layer in sc.layers))
    Ws: list[Array] = []
    bs: list[Array | None] = []
    for i, layer in enumerate(sc.layers):
        fan_in, units = sizes[i], sizes[i + 1]
        shape = (units, fan_in) if sc.convention == COLUMN else (fan_in, units)
        if layer.weights is not None:
            w = np.array(layer.weights, dtype=np.float64).reshape(shape)
        elif sc.init.distribution == "uniform":
            w = sc.init.low + (sc.init.high - sc.init.low) * rng.random_sample(shape)
        elif sc.init.distribution == "normal":
            w = sc.init.std * rng.standard_normal(shape)
        else:
            w = np.zeros(shape)
        Ws.append(np.ascontiguousarray(w.T if sc.convention == COLUMN else w, dtype=np.float64))
        if not layer.bias:
            bs.append(None)
        elif layer.biases is not None:
            bs.append(np.array(layer.biases, dtype=np.float64).reshape(units))
        else:
            bs.append(np.zeros(units))
    params = Params(Ws, bs)
    if sc.training.momentum:
        params.vW, params.vb = zero_velocities(Ws, bs)
        for i, layer in enumerate(sc.layers):  # a saved lesson goes on with the velocities it had
            if layer.velocities is not None:
                v = np.array(layer.velocities, dtype=np.float64).reshape(
                    Ws[i].T.shape if sc.convention == COLUMN else Ws[i].shape
                )
                params.vW[i] = np.ascontiguousarray(v.T if sc.convention == COLUMN else v)
            if layer.bias_velocities is not None and bs[i] is not None:
                params.vb[i] = np.array(layer.bias_velocities, dtype=np.float64).reshape(bs[i].shape)
    return params


# --- the arithmetic, shared by the stepper and the fast path -------------------------------------


def forward_layer(act: Activation, W: Array, b: Array | None, a_prev: Array) -> tuple[Array, Array]:
    """``z = a_prev·W + b`` and ``a = f(z)``.

    ``ndarray.dot`` rather than ``@``: the same BLAS product, with half the call overhead on the
    tiny arrays of teaching networks (and the very call the textbooks' loops make).
    """
    z = a_prev.dot(W)
    if b is not None:
        z = z + b
    return z, act.forward(z)


def loss_and_grad(net: Network, y: Array, t: Array) -> tuple[float, Array]:
    """(loss of this pass, ∂loss/∂y).

    Online passes hold one row, whose loss is the pass's loss. A batch combines its rows with the
    scenario's reduction, and the gradient is that of the reduced loss. A minibatch pass of one
    row is one sample's loss, as online (a reduction of one row is that row, and this keeps
    ``batch_size = 1`` bit for bit online's numbers).
    """
    if not net.batch or (net.minibatch and y.shape[0] == 1):
        return net.loss.single(y, t)
    per, grad = net.loss.evaluate(y, t)
    if net.reduction == "sum":
        return float(np.sum(per)), grad
    return float(np.mean(per)), grad / y.shape[0]


def backward_layer(
    act: Activation, W: Array, has_bias: bool, a_prev: Array, z: Array, a: Array, da: Array, need_da_prev: bool
) -> tuple[Array, Array, Array | None, Array | None]:
    """(dz, dW, db, da_prev) of one layer, from da = ∂loss/∂a of that layer."""
    dz = act.backward(z, a, da)
    dW = a_prev.T.dot(dz)
    db = dz.sum(axis=0) if has_bias else None
    da_prev = dz.dot(W.T) if need_da_prev else None
    return dz, dW, db, da_prev


def sgd(W: Array, b: Array | None, dW: Array, db: Array | None, lr: float) -> None:
    """Plain SGD on one layer, in place: ``W -= lr·dW``, ``b -= lr·db``."""
    W -= lr * dW
    if b is not None:
        b -= lr * db


def apply_update(params: Params, dW: list[Array], db: list[Array | None], lr: float, mu: float = 0.0) -> None:
    """The ``update`` micro-step: SGD on every layer, with classical momentum ``mu`` if not 0."""
    for i, g in enumerate(dW):
        if mu:
            momentum_layer(params, i, g, db[i], lr, mu)
        else:
            sgd(params.W[i], params.b[i], g, db[i], lr)
