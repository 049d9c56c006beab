"""Backpropagation checked against central finite differences (``bptui check --gradients``).

The loss differentiated is the pass loss of docs/SPEC.md §3.5 — online, the first sample's loss; in batch
mode, the reduced batch loss; in minibatch mode, the reduced loss of epoch 1's first batch —
computed with the engine's own :func:`forward_layer`, loss
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

What is checked is bounded: an array of more than :data:`MAX_PER_ARRAY` elements (MNIST-sized
layers) is checked on a fixed random sample (seed 0) of that many, and fewer when one nudge is
costly (big batches, wide later layers): about :data:`CHECK_WORK` operations per array and point,
never fewer than :data:`MIN_PER_ARRAY` elements; the report says how many were sampled. A nudge
recomputes only what it changes (one column of its layer, a rank-one update of the next, the
layers after), so a 5-million-parameter network is checked in seconds. The TUI's check of one
layer (:func:`layer_fd`) spends :data:`LAYER_WORK` (well under a second).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .batches import BatchPlan
from .network import Network, Params, backward_layer, forward_layer, initial_params, loss_and_grad
from .spec import COLUMN, Scenario
from .timeline import Timeline

Array = np.ndarray

TOLERANCE = 1e-6  # the largest relative error ``bptui check --gradients`` accepts
FLOOR = 1e-3  # the relative error's denominator never falls below FLOOR × max(1, |loss|)
MAX_PER_ARRAY = 1000  # elements checked per parameter array at most (a fixed random sample beyond)
MIN_PER_ARRAY = 4  # …and at least, however costly a nudge
CHECK_WORK = 4e8  # operations `check --gradients` spends per parameter array and point, about
LAYER_WORK = 1e7  # …and the TUI's check of one layer (`layer_fd`), so it answers at once
EXTENDED = np.longdouble


def _forward(net: Network, params: Params, a0: Array, t: Array) -> tuple[list[Array], list[Array]]:
    """(z of every layer, a of every layer including a0), in the dtype of ``params``."""
    a_s, z_s = [a0], []
    for act, W, b in zip(net.activations, params.W, params.b):
        z, a = forward_layer(act, W, b, a_s[-1])
        z_s.append(z)
        a_s.append(a)
    return z_s, a_s


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


def _extended(params: Params) -> Params:
    return Params([w.astype(EXTENDED) for w in params.W], [None if b is None else b.astype(EXTENDED) for b in params.b])


def _nudge_work(net: Network, layer: int, batch: int) -> int:
    """Operations of one nudged loss for a parameter of ``layer`` (0-based), as :func:`_numeric`
    computes it: the layer's column, a rank-one update of the next layer, the layers after it."""
    sizes, L = net.sizes, net.depth
    work = 2 * sizes[layer + 1]
    if layer + 1 < L:
        work += 3 * sizes[layer + 2]
    for m in range(layer + 2, L):
        work += sizes[m] * sizes[m + 1] + 2 * sizes[m + 1]
    return batch * work


def elements_to_check(
    net: Network, layer: int, shape: tuple[int, ...], batch: int, work: float
) -> list[tuple[int, ...]]:
    """Every index of a parameter array, or a fixed random sample of them (seed 0, sorted).

    The sample holds at most :data:`MAX_PER_ARRAY` elements, and fewer when nudging one costs
    more than ``work`` allows (two nudged losses per element), but never fewer than
    :data:`MIN_PER_ARRAY`: a check of a 5-million-parameter network stays within seconds.
    """
    size = int(np.prod(shape))
    affordable = int(work // max(1, 2 * _nudge_work(net, layer, batch)))
    n = min(size, MAX_PER_ARRAY, max(MIN_PER_ARRAY, affordable))
    if n >= size:
        return list(np.ndindex(*shape))
    flat = np.sort(np.random.default_rng(0).choice(size, n, replace=False))  # O(n), not O(size)
    return [tuple(int(i) for i in np.unravel_index(f, shape)) for f in flat]


def _nudged(
    net: Network, ext: Params, z_s: list[Array], a_s: list[Array], l: int, j: int, delta: Array, t: Array
) -> tuple[Array, list[Array]]:
    """(pass loss, z of every layer) when column ``j`` of layer ``l``'s z moves by ``delta``.

    Only that column of ``z_l`` and ``a_l`` changes (softmax, the last layer only, is recomputed
    whole), so the next layer's ``z`` gets a rank-one update and only the layers after it are
    computed again — in extended precision, from the baseline ``z_s``/``a_s``.
    """
    L = net.depth
    zs = list(z_s)
    z = z_s[l].copy()
    z[:, j] += delta
    zs[l] = z
    act = net.activations[l]
    if act.elementwise:
        a = a_s[l + 1].copy()
        a[:, j : j + 1] = act.forward(z[:, j : j + 1])
        base_col = act.forward(z_s[l][:, j : j + 1])
    else:
        a = act.forward(z)
    if l + 1 < L:
        z = z_s[l + 1] + (a[:, j : j + 1] - base_col) * ext.W[l + 1][j : j + 1, :].astype(EXTENDED)
        zs[l + 1] = z
        a = net.activations[l + 1].forward(z)
        for m in range(l + 2, L):
            zs[m], a = forward_layer(net.activations[m], ext.W[m], ext.b[m], a)
    per = net.loss.per_sample(a, t)
    if not net.batch:
        return per[0], zs
    return (np.sum(per) if net.reduction == "sum" else np.mean(per)), zs


def _numeric(
    net: Network,
    params: Params,
    which: tuple[str, int],
    a0: Array,
    t: Array,
    eps: float,
    work: float = CHECK_WORK,
    tick=None,
) -> tuple[Array, Array, Array]:
    """Central differences of the loss w.r.t. the elements of one parameter array.

    ``which`` is ("W" or "b", layer index from 0). Returns (differences, mask of elements checked,
    mask of elements whose nudge crossed a kink); unchecked elements hold NaN. The baseline
    forward pass is float64 (BLAS), cast to extended precision; each nudge moves one column of
    its layer's ``z`` by ``±eps·a_prev[:, i]`` (``±eps`` for a bias) and recomputes what follows
    in extended precision. ``tick()`` is called after each element (progress, cancellation).
    """
    kind, l = which
    target = (params.W if kind == "W" else params.b)[l]
    later = range(l + 2, net.depth)  # layers computed again in full (the next one: a row per nudge)
    ext = Params(
        [w.astype(EXTENDED) if i in later else w for i, w in enumerate(params.W)],
        [b.astype(EXTENDED) if i in later and b is not None else b for i, b in enumerate(params.b)],
    )
    z64, a64 = _forward(net, params, a0, t)
    z_s = [z.astype(EXTENDED) for z in z64]
    a_s = [a.astype(EXTENDED) for a in a64]
    t = t.astype(EXTENDED)
    num = np.full(target.shape, np.nan)
    checked = np.zeros(target.shape, dtype=bool)
    kink = np.zeros(target.shape, dtype=bool)
    e = EXTENDED(eps)
    for idx in elements_to_check(net, l, target.shape, a0.shape[0], work):
        if kind == "W":
            i, j = idx
            step = e * a_s[l][:, i]
        else:
            (j,) = idx
            step = np.full(a0.shape[0], e)
        up, z_up = _nudged(net, ext, z_s, a_s, l, j, step, t)
        down, z_down = _nudged(net, ext, z_s, a_s, l, j, -step, t)
        num[idx] = float((up - down) / (2 * e))
        checked[idx] = True
        kink[idx] = any(
            not np.array_equal(z_up[m] > 0, z_down[m] > 0) for m in range(l, net.depth) if net.activations[m].kinked
        )
        if tick is not None:
            tick()
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
    """The data of the loss differentiated: the first pass's (the first sample online, the whole
    batch in batch mode, the first mini-batch of epoch 1 in minibatch mode)."""
    return BatchPlan(sc).batch(0)


def check_gradients(
    scenario: Scenario, *, eps: float = 1e-6, progress: Callable[[int, int], None] | None = None
) -> GradientReport:
    """Backprop against central differences for every parameter, at the start and after one epoch.

    ``progress(done, total)`` is called after each element checked (``total`` counts both points).
    """
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
    shapes = [(l, w.shape) for l, w in enumerate(points[0][1].W)]
    shapes += [(l, b.shape) for l, b in enumerate(points[0][1].b) if b is not None]
    total = len(points) * sum(len(elements_to_check(net, l, shape, a0.shape[0], CHECK_WORK)) for l, shape in shapes)
    done_count = [0]

    def tick() -> None:
        done_count[0] += 1
        if progress is not None:
            progress(done_count[0], total)

    with np.errstate(all="ignore"):
        for label, params in points:
            loss, dWs, dbs = _backprop(net, params, a0, t)
            if not math.isfinite(loss):
                point = "the start" if label == "at the start" else "the end of epoch 1"
                return GradientReport(
                    math.inf, f"{point}: the loss is not finite", math.nan, math.nan, checked, skipped, tuple(notes)
                )
            arrays = [("W", l, dWs[l]) for l in range(net.depth)]
            arrays += [("b", l, dbs[l]) for l in range(net.depth) if dbs[l] is not None]
            for kind, l, analytic in arrays:
                numeric, done, kink = _numeric(net, params, (kind, l), a0, t, eps, CHECK_WORK, tick)
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
        numeric, done, kink = _numeric(net, params, (param, layer - 1), sp.a[0], sp.t, eps, LAYER_WORK)
        errors = np.nan_to_num(_rel(analytic, numeric, loss), nan=math.inf)
    skipped = ~done | kink
    errors = np.where(skipped, np.nan, errors)
    worst = float(np.nanmax(errors)) if (~skipped).any() else 0.0
    if param == "W" and net.convention == COLUMN:
        analytic, numeric, errors, skipped = analytic.T, numeric.T, errors.T, skipped.T
    return LayerFD(analytic, numeric, worst, errors, skipped)
