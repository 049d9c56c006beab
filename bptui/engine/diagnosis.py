"""Divergence explained: which operation made a value non-finite, how the weights grew, what to try.

Read from the Debugger at the micro-step where a value first became non-finite (where a run with
the ``nonfinite`` breakpoint stops). The operation is found from that step's inputs: a product or
sum whose inputs are finite but whose result is not overflowed; a log or a division met an exact
0 (a sigmoid or softmax output rounded to 0 or 1 by ``exp``); an input already non-finite points
back at the step that made it. The weights' norms at the ends of the last epochs are read by
moving the timeline there and back (nothing is recorded, every state stays reachable).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .steps import Position
from .timeline import NonFinite
from .value_name import split_layer

EXP_LIMIT = 709.78  # exp(z) overflows above this; sigmoid(−z) then rounds to exactly 0
NORM_EPOCHS = 6  # epochs of weight norms shown


@dataclass(frozen=True)
class Diagnosis:
    value: str
    position: Position
    cause: str  # one line: the operation that produced the non-finite number
    details: tuple[str, ...] = ()
    norms: tuple[tuple[int, float], ...] = ()  # (epoch, ‖all weights and biases‖) at the ends of epochs
    growth: float | None = None  # the loss's factor per epoch over the last epochs
    suggestion: str = ""

    def lines(self) -> list[str]:
        p = self.position
        out = [f"{self.value} became non-finite at epoch {p.epoch}, sample {p.sample}/{p.samples}, step {p.step}"]
        out.append(f"cause: {self.cause}")
        out += [f"  {d}" for d in self.details]
        if self.norms:
            out.append("weights' norm ‖W, b‖ at the end of each epoch:")
            out += [f"  epoch {e:>6}: {n:.6g}" for e, n in self.norms]
        if self.growth is not None:
            out.append(f"the loss grew ×{self.growth:.3g} per epoch over the last epochs")
        if self.suggestion:
            out.append(f"try: {self.suggestion}")
        return out


def _big(x) -> str:
    arr = np.abs(np.asarray(x, dtype=float))
    finite = arr[np.isfinite(arr)]
    return f"{float(finite.max()):.3g}" if finite.size else "non-finite"


def _bad(x) -> bool:
    return x is not None and not bool(np.all(np.isfinite(x)))


def find_nonfinite(dbg) -> NonFinite | None:
    """The first value of the current pass, in the order the steps wrote them, that is non-finite."""
    tl = dbg.timeline
    cur, L = tl.current, dbg.depth
    order = []
    for k in range(1, cur.k + 1):
        if k <= L:
            order += [f"z{k}", f"a{k}"]
        elif k == L + 1:
            order += ["loss", f"da{L}"]
        elif k <= 2 * L + 1:
            l = 2 * L + 2 - k
            order += [f"dz{l}", f"dW{l}", f"db{l}", f"da{l - 1}"]
    order += [f"W{l}" for l in range(1, L + 1)] + [f"b{l}" for l in range(1, L + 1)]
    with np.errstate(all="ignore"):
        for name in order:
            if _bad(cur.raw(name, tl.params)):
                return NonFinite(dbg.position, name)
    return None


def _cause(dbg, name: str) -> tuple[str, list[str]]:
    """(the operation, supporting lines) that made ``name`` non-finite at this step."""
    tl = dbg.timeline
    cur, net = tl.current, tl.net
    params = tl.computed_params()
    start = tl.pass_start_params()
    raw = lambda n: cur.raw(n, params)  # noqa: E731
    base, l = split_layer(name)
    L = net.depth
    if base == "z" and l is not None:
        W, b, a_prev = start.W[l - 1], start.b[l - 1], cur.a[l - 1]
        if _bad(W) or _bad(b):
            return f"W{l} or b{l} was already non-finite: the update of the pass before made it so", []
        if _bad(a_prev):
            return f"a{l - 1} was already non-finite", []
        return (
            (
                f"a product overflowed: z{l} = a{l - 1}·W{l} + b{l} with |a{l - 1}| up to {_big(a_prev)} "
                f"and |W{l}| up to {_big(W)} (the largest float64 is 1.8e308)"
            ),
            [],
        )
    if base == "a" and l is not None:
        return f"the activation {net.activations[l - 1].name} of a finite z{l} gave a non-finite a{l}", []
    if base == "loss" or (base == "da" and l == L):
        return _loss_cause(dbg, base == "loss")
    if base in ("dz", "dW", "db", "da") and l is not None:
        inputs = {"dz": f"da{l}", "dW": f"dz{l}", "db": f"dz{l}", "da": f"dz{l + 1}"}[base]
        if _bad(raw(inputs)):
            return f"{inputs} was already non-finite", []
        what = {
            "dz": f"da{l} · f′(z{l})",
            "dW": f"a{l - 1}ᵀ·dz{l}",
            "db": f"the sum of dz{l}",
            "da": f"dz{l + 1}·W{l + 1}ᵀ",
        }[base]
        return f"a product overflowed: {what}, with |{inputs}| up to {_big(raw(inputs))}", []
    if base in ("W", "b") and l is not None:
        grad = raw(f"d{base}{l}")
        old = start.W[l - 1] if base == "W" else start.b[l - 1]
        return (
            (
                f"the update {base}{l} − η·d{base}{l} overflowed: η = {net.learning_rate:g}, "
                f"|d{base}{l}| up to {_big(grad)}, |{base}{l}| was up to {_big(old)}"
            ),
            [],
        )
    return f"{name} became non-finite", []


def _loss_cause(dbg, is_loss: bool) -> tuple[str, list[str]]:
    tl = dbg.timeline
    cur, net = tl.current, tl.net
    L = net.depth
    y, t, z = cur.a[L], cur.t, cur.z[L]
    act, loss = net.activations[L - 1].name, net.loss.name
    details: list[str] = []
    if _bad(y):
        return f"the output a{L} was already non-finite", details
    if act == "sigmoid" and z is not None and np.any(np.abs(z) > EXP_LIMIT):
        zz = float(z.ravel()[np.argmax(np.abs(z))])
        details.append(
            f"exp overflow in sigmoid: z{L} = {zz:.6g}, so exp({-zz:.4g}) overflows and sigmoid rounds to exactly "
            f"{0 if zz < 0 else 1}"
        )
    elif act == "sigmoid" and np.any((y == 0) | (y == 1)):
        details.append(f"sigmoid saturated: a{L} is exactly 0 or 1 (|z{L}| up to {_big(z)})")
    if act == "softmax" and z is not None and np.any(y == 0):
        spread = float(np.max(z) - np.min(z))
        details.append(
            f"exp in softmax: z{L} spans {spread:.4g}, so exp(z − max z) underflows to 0 for some unit "
            "(the shift by max z avoids an overflow)"
        )
    if "cross_entropy" in loss:
        zero = (y == 0) & (t > 0)
        one = (y == 1) & (t < 1) if loss == "binary_cross_entropy" else np.zeros_like(zero)
        if np.any(zero) or np.any(one):
            j = int(np.flatnonzero((zero | one).ravel())[0]) % y.shape[-1]
            bad_y = 0 if np.any(zero) else 1
            term = "ln y" if bad_y == 0 else "ln(1 − y)"
            op = f"log of 0 in {loss.replace('_', ' ')}: {term} with y = {bad_y} exactly at unit {j}"
            if not is_loss:
                op = f"division by 0 in the gradient of {loss.replace('_', ' ')}: y = {bad_y} exactly at unit {j}"
            return op, details
    if "squared" in loss:
        return f"a product overflowed: (y − t)² in {loss.replace('_', ' ')}, with |y − t| up to {_big(y - t)}", details
    return f"the loss of y (|y| up to {_big(y)}) overflowed: a sum of large numbers", details


def _norms(dbg, epochs: int) -> list[tuple[int, float]]:
    """‖all parameters‖ at the ends of the last epochs before here (the timeline goes back after)."""
    tl = dbg.timeline
    here, per = tl.g, dbg.layout.per_epoch
    done = here // per
    out = []
    with np.errstate(all="ignore"):
        try:
            for e in range(max(0, done - epochs + 1), done + 1):
                tl.goto(e * per)
                p = tl.params
                out.append((e, _norm([*p.W, *(b for b in p.b if b is not None)])))
        finally:
            tl.goto(here)
    return out


def _norm(arrays: list[np.ndarray]) -> float:
    """The Frobenius norm of all ``arrays`` together, scaled so squares of 1e200 do not overflow."""
    flat = np.concatenate([a.ravel() for a in arrays])
    m = float(np.max(np.abs(flat))) if flat.size else 0.0
    if m == 0.0 or not math.isfinite(m):
        return m
    return m * float(np.sqrt(np.sum(np.square(flat / m))))


def _growth(losses: np.ndarray) -> float | None:
    finite = [float(x) for x in losses[-NORM_EPOCHS:] if math.isfinite(x) and x > 0]
    if len(finite) < 2 or finite[-1] <= finite[0]:
        return None
    return (finite[-1] / finite[0]) ** (1 / (len(finite) - 1))


def diagnose(dbg, nonfinite: NonFinite | None = None) -> Diagnosis | None:
    """The explanation of the divergence at this position (``None``: nothing here is non-finite)."""
    if nonfinite is None or nonfinite.position.g != dbg.g:
        nonfinite = find_nonfinite(dbg)
    if nonfinite is None:
        return None
    with np.errstate(all="ignore"):
        cause, details = _cause(dbg, nonfinite.value)
    norms = _norms(dbg, NORM_EPOCHS)
    growth = _growth(np.asarray(dbg.loss_array()))
    lr = dbg.timeline.net.learning_rate
    factor = max(2.0, growth or 10.0)
    nice = float(f"{lr / factor:.1g}")
    why = f"the loss grew ×{growth:.3g} per epoch" if growth else "the weights grew until a number overflowed"
    suggestion = f"a smaller learning rate, e.g. learning_rate = {nice:g} (now {lr:g}; {why})"
    if "log of 0" in cause or "division by 0" in cause:
        suggestion += "; a smaller rate keeps the output away from exactly 0 or 1"
    return Diagnosis(nonfinite.value, nonfinite.position, cause, tuple(details), tuple(norms), growth, suggestion)
