"""Run-N's pass kernel: one whole pass (forward, loss, backward, update) with as little Python around
the NumPy as it can.

A :class:`PassKernel` is built once per timeline from its :class:`~.network.Network`. It performs
exactly the floating-point operations of stepping's micro-steps, in the same order (the
activations' and the loss's own kernels, the reduction of :func:`~.network.loss_and_grad`, the
same products and the same update), updating each layer as soon as the ``da`` below it is
computed, as Grokking's loop does (the numbers of updating at the end), so the parameters it
leaves are bit for bit those of stepping. What it saves is around the arithmetic: the layer
functions, the activations and the loss are looked up once, not per pass; the bias is added in
place (the same sum, without a new array); the mean of a batch's losses is the same ``add.reduce``
that ``np.mean`` makes, divided by the row count, without ``np.mean``'s wrapper.

Online training (one row a pass) goes through :meth:`PassKernel.run_rows`, which runs all the
passes between two events of a run (an epoch's end, a checkpoint, the pass cache, a poll for
cancelling) in one call: on a 2-2-1 net a pass is some 11 µs, nearly all of it Python around
NumPy calls on arrays of a few numbers, so each call and lookup left out counts. It binds
everything once per call, calls no kernel for the identity (``a = z``, ``dz = da``), and forms
the bias gradient of one row without a reduction (see :meth:`~PassKernel.run_rows`).

Divergence (``checked``): a pass reports whether every value it computed was finite with one
number per pass, ``chk``: the loss, plus the sum of each ``z`` that the layer's activation could
hide (tanh of ∞ is 1, relu of −∞ is 0). A non-finite ``a`` makes the next ``z`` (or the loss)
non-finite, a non-finite ``da`` or ``dz`` makes its ``dW`` non-finite, which makes ``W``
non-finite at the update, which makes the next pass's ``z`` non-finite (the caller checks the
parameters after the last pass). ``da0`` feeds no gradient, so it is the one value that chain
cannot see (a large ``W1`` can make it overflow while every other value stays finite): a checked
pass of one row computes it (``dz1·W1ᵀ``) and adds its sum to ``chk``; a larger pass first bounds
it, ``‖dz1‖·‖W1‖`` (two dots instead of a product of the first layer's size), and computes it only
when that bound is not far below overflow (:func:`_da0_surely_finite`).
The output layer's ``z`` needs no sum when its loss already turns every non-finite ``z`` into a
non-finite loss (:data:`LOSS_SEES_Z`): softmax with
cross-entropy (``z = +∞`` or NaN makes the row NaN; ``−∞`` makes an output 0 and ``t·ln 0`` is NaN
or −∞) and sigmoid with binary cross-entropy (an output of 0 or 1 puts ``ln 0`` in the sum).
Each sum is one BLAS dot of the flattened ``z`` with ones (a third of ``z.sum()``'s cost on a
mini-batch); a one-row ``z`` of at most :data:`SMALL_Z` units is summed as a Python list (a
third of a dot's cost at two units). A sum can also overflow on finite values, so a non-finite
``chk`` is confirmed element by element before it is believed; the caller replays a pass that did
compute something non-finite step by step, which names the exact micro-step.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from .activations import _sigmoid, _softmax, _softmax_backward
from .activations import op as activation_op
from .batches import Batch
from .losses import _bce, _ce, _ce_evaluate
from .momentum import momentum_layer
from .network import Network, Params

Array = np.ndarray

# (output activation, loss) pairs whose loss is non-finite whenever the output layer's z is
LOSS_SEES_Z = {("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy")}
_SEES_Z = {(_softmax, _ce), (_sigmoid, _bce)}  # the same pairs by their kernels (the built-in ones)

_add, _min = np.add.reduce, np.minimum.reduce
_IDENTITY = activation_op("identity").kernels(0.0)  # (forward, derivative, backward): z ↦ z, da ↦ da
SMALL_Z = 16  # a one-row z up to this many units is summed as a Python list (cheaper than a dot)


BOUND_BELOW = 1e300  # ‖dz‖²·‖W‖² under this: |da0| < 1e150, far from overflowing (1.8e308)
EXACT_UNDER = 4096  # rows × units × inputs under which da0 is computed rather than bounded


def _da0_surely_finite(dz: Array, W: Array) -> bool:
    """Whether ``da0 = dz·Wᵀ`` is finite, without computing it when that costs much: by
    Cauchy–Schwarz each element is at most ``‖dz‖·‖W‖`` (Frobenius norms, two BLAS dots) in
    magnitude. ``False`` means: compute it and see (an overflowing or NaN bound included)."""
    if dz.size * W.shape[0] < EXACT_UNDER:
        return False  # the product itself is cheaper
    d, w = dz.ravel(), W.ravel()
    return bool(d.dot(d) * w.dot(w) < BOUND_BELOW)


def update(params: Params, i: int, dW: Array, db: Array | None, lr: float, mu: float) -> None:
    """The update of layer ``i`` from gradients the pass made and drops: :func:`~.network.apply_update`'s
    numbers (``W -= lr·dW``, or classical momentum) with ``lr·dW`` formed in ``dW``'s own array
    rather than a new one (the same products, so the same bits)."""
    if mu:
        momentum_layer(params, i, dW, db, lr, mu)
        return
    dW *= lr
    W = params.W[i]
    W -= dW
    if db is not None:
        db *= lr
        b = params.b[i]
        b -= db


class PassKernel:
    """One whole pass (forward, loss, backward, update) of ``net``; see the module docstring."""

    def __init__(self, net: Network) -> None:
        self.net = net
        acts = net.activations
        L = len(acts)
        self.depth = L
        self.forward = tuple(act.forward for act in acts)
        self.backward = tuple(act.backward for act in acts)
        self.has_bias = net.has_bias
        self.lr, self.mu = net.learning_rate, net.momentum
        self.evaluate, self.single = net.loss.evaluate, net.loss.single
        self.batch, self.minibatch, self.mean = net.batch, net.minibatch, net.reduction != "sum"
        watch = [act.hides_nonfinite for act in acts]
        if watch and (acts[-1].forward, net.loss.per_sample) in _SEES_Z:
            watch[-1] = False
        self.watch = tuple(watch)
        # softmax output with the built-in cross-entropy: one-hot passes take the short form
        self.short_ce = bool(acts) and (acts[-1].forward, acts[-1].backward, net.loss.evaluate) == (
            _softmax,
            _softmax_backward,
            _ce_evaluate,
        )
        # grown to the largest z seen, per layer; the last, index L, for da0
        self._ones: list[Array | None] = [None] * (L + 1)
        # one-row passes (online): the identity's kernels are skipped (a = z, dz = da), and a
        # watched z is summed as a list when small, else as a product with a column of ones
        ident = [act.forward is _IDENTITY[0] and act.backward is _IDENTITY[2] for act in acts]
        self.row_forward = tuple(None if same else f for same, f in zip(ident, self.forward))
        self.row_backward = tuple(None if same else g for same, g in zip(ident, self.backward))
        self.row_watch: tuple[Array | bool, ...] = tuple(
            False if not w else True if units <= SMALL_Z else np.ones((units, 1))
            for w, units in zip(self.watch, net.sizes[1:])
        )

    def _ones_for(self, i: int, n: int) -> Array:
        ones = self._ones[i]
        if ones is None or ones.shape[0] < n:
            ones = self._ones[i] = np.ones(n)
        return ones if ones.shape[0] == n else ones[:n]

    def _softmax_ce(self, y: Array, hot: Array, rows: int) -> tuple[float, Array]:
        """(loss, dz of the output layer) of softmax with cross-entropy on a pass whose targets
        are one-hot (``hot``: the flat positions of the 1s) and whose outputs ``y`` are all > 0.

        The general path's numbers bit for bit, with the arithmetic on zeros left out: there
        ``−t/y ÷ rows`` is exactly −0.0 off the hot class, so ``da·y`` is −0.0 there and the row
        sum ``s`` is exactly the hot entry's ``da_c·y_c``; ``da − s`` is exactly ``−s`` off the hot
        class; ``t·ln y`` is ±0.0 off it, so a row's loss is exactly ``−ln y_c``. What remains is the
        same operations on the hot entries (one per row) and ``y·(−s)`` elsewhere. (A ``y`` of 0
        makes the general path's loss NaN from ``0·ln 0``: such a pass takes the general path.)
        """
        yc = y.ravel().take(hot)
        per = np.log(yc)
        np.negative(per, out=per)
        dac = np.divide(-1.0, yc)  # (−t)/y on the hot class
        if self.mean:
            loss = float(_add(per)) / rows
            dac /= rows
        else:
            loss = float(_add(per))
        s = dac * yc  # Σ_j da_j·y_j of the row: its hot term, the others are −0.0
        dzc = dac - s
        dzc *= yc
        np.negative(s, out=s)
        dz = y * s[:, None]  # y·(da − s) with da = −0.0
        dz.ravel()[hot] = dzc
        return loss, dz

    def run_rows(
        self, params: Params, rows: Iterable[Batch], acc: float, checked: bool = False
    ) -> tuple[float, int, bool, float]:
        """Passes of one row each (online training), ``rows`` in order, on ``params`` in place;
        returns (``acc`` plus their losses, added in order; passes done; whether every value was
        finite; the last pass's loss). With ``checked`` it stops after the first pass that computed
        a non-finite value.

        :meth:`train`'s operations with less Python around them, for the tiniest nets where that
        Python is most of a pass: one loop over the passes with everything bound once, the
        identity's kernels not called (``a = z``, ``dz = da``), a small watched ``z`` summed as a
        Python list (a larger one as a product with a column of ones), and the bias gradient of
        one row, ``add.reduce(dz, 0)`` — which adds the row to the reduction's identity —, the same
        sum written ``dz[0] + 0.0`` (−0.0 becomes +0.0 as there)."""
        Ws, bs = params.W, params.b
        fwd, watch, bwd = self.row_forward, self.row_watch, self.row_backward
        single, has_bias, lr, mu = self.single, self.has_bias, self.lr, self.mu
        isfinite = math.isfinite
        L = self.depth
        layers, back = range(L), range(L - 1, -1, -1)
        inputs = Ws[0].shape[0] if L else 0
        small_a0 = inputs <= SMALL_Z  # da0 (one row) summed as a list, else as a product with ones
        ones_a0 = self._ones_for(L, 0 if small_a0 else inputs)
        n = 0
        loss = 0.0
        for a0, t in rows:
            a_s = [a0]
            z_s = []
            a = a0
            chk = 0.0
            for i in layers:
                z = a.dot(Ws[i])
                b = bs[i]
                if b is not None:
                    z += b
                f = fwd[i]
                a = z if f is None else f(z)
                if checked:
                    w = watch[i]
                    if w is True:
                        chk += sum(z.tolist()[0])
                    elif w is not False:
                        chk += z.dot(w).item()
                z_s.append(z)
                a_s.append(a)
            loss, da = single(a, t)
            for i in back:
                W = Ws[i]
                g = bwd[i]
                dz = da if g is None else g(z_s[i], a_s[i + 1], da)
                dW = a_s[i].T.dot(dz)
                db = dz[0] + 0.0 if has_bias[i] else None  # add.reduce(dz, 0): 0.0 + the one row
                if i or checked:  # da0 only to be checked (see the module docstring)
                    da = dz.dot(W.T)  # from W before its update, as updating at the end does
                update(params, i, dW, db, lr, mu)
            acc += loss
            n += 1
            if checked:
                chk += loss + (sum(da.tolist()[0]) if small_a0 else da.ravel().dot(ones_a0))
                if not isfinite(chk) and not (isfinite(loss) and all(bool(np.isfinite(v).all()) for v in (*z_s, da))):
                    return acc, n, False, loss
        return acc, n, True, loss

    def train(
        self, params: Params, a0: Array, t: Array, checked: bool = False, hot: Array | None = None
    ) -> tuple[float, bool]:
        """One pass on ``params`` in place; returns (its loss, whether every value was finite —
        always ``True`` unless ``checked``). ``hot``: the pass's one-hot target positions
        (:meth:`.batches.BatchPlan.hot`), for the short form of softmax with cross-entropy."""
        Ws, bs = params.W, params.b
        fwd, watch = self.forward, self.watch
        L = self.depth
        a_s: list[Array] = [a0] * (L + 1)
        z_s: list[Array] = [a0] * (L + 1)  # index 0 unused
        a = a0
        chk = 0.0
        for i in range(L):
            z = a.dot(Ws[i])
            b = bs[i]
            if b is not None:
                z += b  # z + b, in place: the same sum
            a = fwd[i](z)
            if checked and watch[i]:
                chk += z.ravel().dot(self._ones_for(i, z.size))
            z_s[i + 1] = z
            a_s[i + 1] = a
        rows = a.shape[0]
        dz_out = None  # the output layer's dz, when the short form computed it
        if not self.batch or (self.minibatch and rows == 1):
            loss, da = self.single(a, t)
        elif hot is not None and self.short_ce and _min(a, None) > 0.0:
            loss, dz_out = self._softmax_ce(a, hot, rows)
            da = dz_out  # unused: the output layer takes dz_out
        else:
            per, grad = self.evaluate(a, t)
            if self.mean:  # float(np.mean(per)): np.mean's own add.reduce, then ÷ rows
                loss, da = float(_add(per)) / rows, grad / rows
            else:
                loss, da = float(_add(per)), grad
        bwd, has_bias, lr, mu = self.backward, self.has_bias, self.lr, self.mu
        da0: Array | None = None  # computed only when a checked pass cannot bound it
        for i in range(L - 1, -1, -1):
            W = Ws[i]
            dz = dz_out if dz_out is not None and i == L - 1 else bwd[i](z_s[i + 1], a_s[i + 1], da)
            dW = a_s[i].T.dot(dz)
            db = _add(dz, 0) if has_bias[i] else None  # dz.sum(axis=0)
            if i > 0:
                da = dz.dot(W.T)  # from W before its update, as updating at the end does
            elif checked and not _da0_surely_finite(dz, W):  # da0 only to be checked (module docstring)
                da0 = dz.dot(W.T)
                chk += da0.ravel().dot(self._ones_for(L, da0.size))
            update(params, i, dW, db, lr, mu)
        if not checked:
            return loss, True
        chk += loss
        if math.isfinite(chk):
            return loss, True
        seen = z_s[1:] if da0 is None else [*z_s[1:], da0]
        return loss, math.isfinite(loss) and all(bool(np.isfinite(v).all()) for v in seen)
