"""Backpropagation checked against central finite differences (``bptui check --gradients``).

The loss differentiated is the pass loss of SPEC 3.5 — online, the first sample's loss; in batch
mode, the reduced batch loss — computed with the engine's own :func:`forward_layer`, loss
functions and :func:`backward_layer`, so the check tests the code that trains.

Three numerical facts shape the comparison:

* **Rounding.** A central difference carries a rounding error of about ``ulp(loss) / eps``
  (≈ 2e-10·|loss| for eps = 1e-6 in float64): relative to a gradient of 1e-3 that alone is
  2e-7, uncomfortably close to the 1e-6 tolerance. So the finite differences evaluate the same
  engine functions on ``numpy.longdouble`` copies of the parameters (80-bit on x86-64, where the
  noise drops ~2000-fold); the backprop side stays float64, exactly what training uses.
* **Tiny gradients.** Whatever the precision, a gradient near zero cannot be compared
  relatively, so the denominator of the relative error has a floor, :data:`FLOOR` ×
  max(1, |loss|): gradients smaller than that are compared absolutely, to within 1e-6 × the floor
  (generous enough for platforms whose ``longdouble`` is plain float64).
* **Kinks.** relu and leaky_relu are not differentiable at ``z = 0`` (the engine uses the left
  slope there, as Grokking's ``relu2deriv`` does). When nudging a parameter by ±eps moves any
  pre-activation of a relu/leaky_relu layer across 0, the central difference averages two slopes
  and disagrees with every valid one-sided derivative. Such elements are *skipped* (and counted),
  not failed: they say nothing about the backward code.

Arrays of more than :data:`MAX_PER_ARRAY` elements (MNIST-sized layers) are checked on a fixed
random sample of that many elements, which the report mentions: every element would cost two
forward passes each.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .network import Network, Params, backward_layer, forward_layer, initial_params, loss_and_grad
from .spec import COLUMN, Scenario
from .timeline import Timeline

Array = np.ndarray

TOLERANCE = 1e-6  # the largest relative error ``bptui check --gradients`` accepts
FLOOR = 1e-3  # the relative error's denominator never falls below FLOOR × max(1, |loss|)
KINKED = ("relu", "leaky_relu")
MAX_PER_ARRAY = 1000
EXTENDED = np.longdouble


def _forward(net: Network, params: Params, a0: Array, t: Array) -> tuple[list[Array], list[Array]]:
    """(z of every layer, a of every layer including a0), in the dtype of ``params``."""
    a_s, z_s = [a0], []
    for act, W, b in zip(net.activations, params.W, params.b):
        z, a = forward_layer(act, W, b, a_s[-1])
        z_s.append(z)
        a_s.append(a)
    return z_s, a_s


def _extended_loss(net: Network, params: Params, a0: Array, t: Array) -> tuple[Array, list[Array]]:
    """(pass loss, z of every layer) in extended precision.

    :func:`loss_and_grad` returns a Python float, which would round the loss back to float64, so
    the reduction of SPEC 3.5 is applied here to the engine's per-sample loss function.
    """
    z_s, a_s = _forward(net, params, a0, t)
    per = net.loss.per_sample(a_s[-1], t)
    if not net.batch:
        return per[0], z_s
    return (np.sum(per) if net.reduction == "sum" else np.mean(per)), z_s


def _backprop(net: Network, params: Params, a0: Array, t: Array) -> tuple[float, list[Array], list[Array | None]]:
    """(pass loss, dW per layer, db per layer) by the engine's backward pass, in float64."""
    z_s, a_s = _forward(net, params, a0, t)
    loss, da = loss_and_grad(net, a_s[-1], t)
    L = net.depth
    dWs: list[Array] = [np.empty(0)] * L
    dbs: list[Array | None] = [None] * L
    for i in range(L - 1, -1, -1):
        _, dWs[i], dbs[i], da = backward_layer(
            net.activations[i], params.W[i], net.has_bias[i], a_s[i], z_s[i], a_s[i + 1], da, i > 0
        )
    return loss, dWs, dbs


def _signs(net: Network, z_s: list[Array]) -> list[Array]:
    return [z > 0 for act, z in zip(net.activations, z_s) if act.name in KINKED]


def _extended(params: Params) -> Params:
    return Params([w.astype(EXTENDED) for w in params.W], [None if b is None else b.astype(EXTENDED) for b in params.b])


def _elements(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every index of an array, or a fixed random sample of :data:`MAX_PER_ARRAY` of them."""
    size = int(np.prod(shape))
    if size <= MAX_PER_ARRAY:
        return list(np.ndindex(*shape))
    flat = np.sort(np.random.RandomState(0).choice(size, MAX_PER_ARRAY, replace=False))
    return [tuple(int(i) for i in np.unravel_index(f, shape)) for f in flat]


def _numeric(net: Network, params: Params, which: tuple[str, int], a0: Array, t: Array,
             eps: float) -> tuple[Array, Array, Array]:
    """Central differences of the loss w.r.t. the elements of one parameter array.

    ``which`` is ("W" or "b", layer index from 0). Returns (differences, mask of elements checked,
    mask of elements whose nudge crossed a kink); unchecked elements hold NaN.
    """
    ext = _extended(params)
    target = (ext.W if which[0] == "W" else ext.b)[which[1]]
    a0, t = a0.astype(EXTENDED), t.astype(EXTENDED)
    num = np.full(target.shape, np.nan)
    checked = np.zeros(target.shape, dtype=bool)
    kink = np.zeros(target.shape, dtype=bool)
    for idx in _elements(target.shape):
        saved = target[idx]
        target[idx] = saved + eps
        up, z_up = _extended_loss(net, ext, a0, t)
        target[idx] = saved - eps
        down, z_down = _extended_loss(net, ext, a0, t)
        target[idx] = saved
        num[idx] = float((up - down) / (2 * eps))
        checked[idx] = True
        kink[idx] = any(not np.array_equal(u, d) for u, d in zip(_signs(net, z_up), _signs(net, z_down)))
    return num, checked, kink


def _rel(analytic: Array, numeric: Array, loss: float) -> Array:
    floor = FLOOR * max(1.0, abs(loss))
    return np.abs(analytic - numeric) / np.maximum(np.maximum(np.abs(analytic), np.abs(numeric)), floor)


def _element(name: str, idx: tuple[int, ...], convention: str) -> str:
    """``W1[i,j]`` in the file's convention from an index in the row layout."""
    if name.startswith("W") and convention == COLUMN:
        idx = idx[::-1]
    return f"{name}[{','.join(map(str, idx))}]"


@dataclass(frozen=True)
class GradientReport:
    """The worst disagreement between backprop and finite differences over every parameter."""

    worst: float  # largest relative error (inf when a loss was not finite)
    where: str  # which element at which point, e.g. "W1[0,2] after epoch 1"
    analytic: float
    numeric: float
    checked: int  # elements compared, over both points
    skipped: int  # elements whose nudge crossed a relu/leaky_relu kink
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.worst <= TOLERANCE

    def describe(self) -> str:
        """One line for ``bptui check --gradients``."""
        verdict = "ok" if self.ok else "FAIL"
        text = f"gradients {verdict}: worst relative error {self.worst:.2e} at {self.where}"
        if math.isfinite(self.worst) and not self.ok:
            text += f" (backprop {self.analytic:.10g}, finite differences {self.numeric:.10g})"
        text += f"; {self.checked} elements checked"
        if self.skipped:
            text += f", {self.skipped} skipped at relu kinks"
        return text + "".join(f"; {n}" for n in self.notes)


def _pass_data(sc: Scenario, net: Network) -> tuple[Array, Array]:
    """The data of the loss differentiated: the first sample online, the whole batch in batch mode."""
    X = np.ascontiguousarray(sc.data_inputs, dtype=float)
    T = np.ascontiguousarray(sc.data_targets, dtype=float)
    return (X, T) if net.batch else (X[:1], T[:1])


def check_gradients(scenario: Scenario, *, eps: float = 1e-6) -> GradientReport:
    """Backprop against central differences for every parameter, at the start and after one epoch."""
    net = Network.from_scenario(scenario)
    a0, t = _pass_data(scenario, net)
    points = [("at the start", initial_params(scenario))]
    notes: list[str] = []
    tl = Timeline(scenario)
    moved = tl.goto(tl.layout.per_epoch, stop_on_nonfinite=True)
    if moved.diverged:
        notes.append(f"not checked after epoch 1: {moved.diverged.describe()}")
    else:
        points.append(("after epoch 1", tl.params.copy()))
    worst, where, a_worst, n_worst, checked, skipped = 0.0, "no parameter", 0.0, 0.0, 0, 0
    with np.errstate(all="ignore"):
        for label, params in points:
            loss, dWs, dbs = _backprop(net, params, a0, t)
            if not math.isfinite(loss):
                point = "the start" if label == "at the start" else "the end of epoch 1"
                return GradientReport(math.inf, f"{point}: the loss is not finite", math.nan, math.nan,
                                      checked, skipped, tuple(notes))
            arrays = [("W", l, dWs[l]) for l in range(net.depth)]
            arrays += [("b", l, dbs[l]) for l in range(net.depth) if dbs[l] is not None]
            for kind, l, analytic in arrays:
                numeric, done, kink = _numeric(net, params, (kind, l), a0, t, eps)
                if label == "at the start" and not done.all():
                    notes.append(f"{kind}{l + 1}: {int(done.sum())} of {done.size} elements sampled")
                good = done & ~kink
                checked += int(good.sum())
                skipped += int(kink.sum())
                if not good.any():
                    continue
                rel = np.nan_to_num(_rel(analytic, numeric, loss), nan=math.inf)
                rel[~good] = -1.0  # never the worst
                idx = np.unravel_index(int(np.argmax(rel)), rel.shape)
                if rel[idx] > worst or where == "no parameter":
                    worst = float(rel[idx])
                    where = f"{_element(f'{kind}{l + 1}', tuple(int(i) for i in idx), scenario.convention)} {label}"
                    a_worst, n_worst = float(analytic[idx]), float(numeric[idx])
    return GradientReport(worst, where, a_worst, n_worst, checked, skipped, tuple(notes))


class LayerFD(NamedTuple):
    """Backprop and finite differences of one layer's ``W`` or ``b``, in the file's convention."""

    analytic: Array
    numeric: Array
    rel_err: float  # worst relative error, kink-crossing (and, in huge layers, unsampled) elements left out
    errors: Array  # each element's relative error (NaN where not checked)
    skipped: Array  # True where not checked: the nudge crossed a relu kink, or the element was not sampled


def layer_fd(debugger, layer: int, param: str = "W", *, eps: float = 1e-6) -> LayerFD:
    """Check one layer (1-based) of the current pass: its data, and the parameters it started with
    (so the check means the same before and after the pass's ``update``).

    ``param`` is ``"W"`` (dW) or ``"b"`` (db). The debugger's state is not changed: the
    differences nudge an extended-precision copy of the parameters.
    """
    tl = debugger.timeline
    net, sp = tl.net, tl.current
    if not 1 <= layer <= net.depth:
        raise ValueError(f"there is no layer {layer}; layers are 1..{net.depth}")
    params = tl.pass_start_params()
    if param not in ("W", "b"):
        raise ValueError(f"param must be 'W' or 'b', not {param!r}")
    if param == "b" and params.b[layer - 1] is None:
        raise ValueError(f"layer {layer} has no bias")
    if sp.dW[layer] is None:  # a check is read next to the engine's gradient, so it needs one
        raise ValueError(f"run backward {layer} first (the check compares its dW{layer}, db{layer})")
    with np.errstate(all="ignore"):
        loss, dWs, dbs = _backprop(net, params, sp.a[0], sp.t)
        analytic = (dWs if param == "W" else dbs)[layer - 1]
        numeric, done, kink = _numeric(net, params, (param, layer - 1), sp.a[0], sp.t, eps)
        errors = np.nan_to_num(_rel(analytic, numeric, loss), nan=math.inf)
    skipped = ~done | kink
    errors = np.where(skipped, np.nan, errors)
    worst = float(np.nanmax(errors)) if (~skipped).any() else 0.0
    if param == "W" and net.convention == COLUMN:
        analytic, numeric, errors, skipped = analytic.T, numeric.T, errors.T, skipped.T
    return LayerFD(analytic, numeric, worst, errors, skipped)
