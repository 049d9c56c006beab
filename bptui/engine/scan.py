"""A forward move that stops at the first breakpoint: fast passes watched cheaply, then the exact spot.

The move goes in chunks of whole passes (64, doubling to 8,192). Inside a chunk the timeline's
fast path calls :class:`PassWatch` instead of the :class:`.kernel.PassKernel`: the same operations in the same
order (so the parameters are bit for bit those of an unwatched run), plus per pass one squared
norm per ``dW``/``db`` (when a ``grad_norm`` breakpoint is set) and one ``any`` per relu layer
(``relu_dead``). The last pass of a chunk is walked step by step by the timeline and read from
its values. After each chunk the records are checked with array operations (losses of the
epochs completed, norms per pass, dead units per epoch); the first firing position is then
found exactly (a pass replayed from the pass cache) and the timeline is left there.

Positions that fire whatever the numbers (``epoch N``, ``sample N``) only shorten the move.
``[[expect]]`` positions end a chunk so the checkpoint is compared at its exact micro-step.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .breakpoints import Breakpoint, Breakpoints, Hit
from .momentum import momentum_layer
from .network import Network, Params, backward_layer, forward_layer, loss_and_grad, sgd
from .timeline import Moved

if TYPE_CHECKING:
    from .debugger import Debugger

Array = np.ndarray
FIRST_CHUNK, MAX_CHUNK = 64, 8192  # passes


class PassWatch:
    """The fast path's pass function while breakpoints watch; records what the checks need.

    Passes are recorded in order from ``next_p`` on; a pass computed again (a replay) is ignored.
    """

    def __init__(self, net: Network, first_pass: int, passes: int, grad: bool, relu: bool) -> None:
        self.passes = passes
        self.next_p = first_pass
        self.base = first_pass
        self.grad = grad
        self.norms = np.empty(1024) if grad else np.empty(0)  # largest squared norm per pass
        self.relu = [i for i, a in enumerate(net.activations) if a.name == "relu"] if relu else []
        self.alive = {i: np.zeros(net.sizes[i + 1], bool) for i in self.relu}
        self.dead: list[tuple[int, str]] = []  # (epoch, "a1[2]" …) of epochs that ended with a dead unit

    def _record(self, p: int, a_s: list[Array], sq: float) -> None:
        if self.grad:
            i = p - self.base
            if i >= len(self.norms):
                self.norms = np.concatenate([self.norms, np.empty(len(self.norms))])
            self.norms[i] = sq
        if self.relu:
            for i in self.relu:
                a = a_s[i + 1]
                np.logical_or(self.alive[i], a[0] > 0 if a.shape[0] == 1 else (a > 0).any(axis=0), out=self.alive[i])
            if (p + 1) % self.passes == 0:
                dead = [
                    f"a{i + 1}[{j}]"
                    for i in self.relu
                    if not self.alive[i].all()
                    for j in np.flatnonzero(~self.alive[i])
                ]
                if dead:
                    self.dead.append(((p + 1) // self.passes, ", ".join(dead[:4]) + (" …" if len(dead) > 4 else "")))
                for i in self.relu:
                    self.alive[i][:] = False
        self.next_p = p + 1

    def __call__(self, net: Network, params: Params, a0: Array, t: Array, p: int) -> tuple[float, bool]:
        """One pass as the checked :class:`.kernel.PassKernel` computes it; returns (loss, every value finite)."""
        acts, Ws, bs, has_bias = net.activations, params.W, params.b, net.has_bias
        lr, mu = net.learning_rate, net.momentum
        a_s, z_s, a = [a0], [a0], a0
        ones, one_row = net.hidden_sum_vectors, a0.shape[0] == 1
        chk = 0.0
        for i in range(len(acts)):
            z, a = forward_layer(acts[i], Ws[i], bs[i], a)
            one = ones[i]
            if one is not None:  # as the checked kernel: where f could hide a non-finite z
                chk += z.dot(one)[0] if one_row else z.sum()
            z_s.append(z)
            a_s.append(a)
        loss, da = loss_and_grad(net, a, t)
        chk += loss
        sq = 0.0
        for i in range(len(acts) - 1, -1, -1):
            _, dW, db, da_prev = backward_layer(acts[i], Ws[i], has_bias[i], a_s[i], z_s[i + 1], a_s[i + 1], da, i > 0)
            if da_prev is not None:
                da = da_prev
            if self.grad:
                v = dW.ravel()
                sq = max(sq, float(v.dot(v)), float(db.dot(db)) if db is not None else 0.0)
            if mu:  # classical momentum, as the kernel
                momentum_layer(params, i, dW, db, lr, mu)
            else:
                sgd(Ws[i], bs[i], dW, db, lr)
        if p == self.next_p:
            self._record(p, a_s, sq)
        if math.isfinite(chk):
            return loss, True
        return loss, math.isfinite(loss) and all(bool(np.isfinite(v).all()) for v in z_s[1:])

    def absorb(self, tl) -> None:
        """Record the pass the timeline walked step by step (the last of a chunk), if it is next."""
        cur = tl.current
        p = tl.layout.split(tl.g)[0]
        if not cur.done or p != self.next_p:
            return
        sq = 0.0
        if self.grad:
            for g in [*cur.dW[1:], *cur.db[1:]]:
                if g is not None:
                    v = g.ravel()
                    sq = max(sq, float(v.dot(v)))
        self._record(p, cur.a, sq)

    def grad_passes(self, lo: int, x: float) -> Array:
        """Passes from ``lo`` on (recorded so far) whose largest gradient norm exceeds ``x``."""
        n = self.next_p - self.base
        start = max(0, lo - self.base)
        with np.errstate(invalid="ignore"):
            hits = np.flatnonzero(~(self.norms[start:n] <= x * x))  # nan counts as exceeding
        return hits + start + self.base


def _grad_position(tl, p: int, bp: Breakpoint, after: int) -> tuple[int, str] | None:
    """The ``backward l`` step of pass ``p`` whose dW or db norm first exceeds the threshold."""
    S = tl.layout.per_pass
    tl.goto((p + 1) * S)
    cur, L = tl.current, tl.layout.depth
    for l in range(L, 0, -1):
        g = p * S + 2 * L + 2 - l
        for name, grad in ((f"dW{l}", cur.dW[l]), (f"db{l}", cur.db[l])):
            if grad is None or g <= after:
                continue
            norm = float(np.sqrt(np.sum(np.square(grad))))
            if not norm <= bp.value:
                return g, f"‖{name}‖ = {norm:.6g}"
    return None


def _loss_epoch(losses: Array, lo: int, hi: int, x: float) -> int | None:
    """The first epoch in ``lo..hi`` (1-based) whose loss is below ``x`` while the one before was not."""
    if hi < lo:
        return None
    seg = losses[lo - 1 : hi]
    prev = np.empty_like(seg)
    prev[0] = losses[lo - 2] if lo >= 2 else np.inf
    prev[1:] = seg[:-1]
    hits = np.flatnonzero((seg < x) & ~(prev < x))
    return lo + int(hits[0]) if len(hits) else None


def _set_watch(tl, watch) -> None:
    for t in [s.timeline for s in tl.segments] if hasattr(tl, "segments") else [tl]:
        t.watch = watch


def scan_move(
    dbg: Debugger, target: int, bps: Breakpoints, should_stop=None, progress=None
) -> tuple[Moved, Hit | None]:
    """Move forward from here towards ``target``, stopping at the first breakpoint that fires."""
    tl, layout = dbg.timeline, dbg.layout
    S, P = layout.per_pass, layout.passes
    g0 = tl.g
    hit: Hit | None = None
    end = target
    for bp in bps.items:  # positions that fire whatever the numbers shorten the move
        at = bp.first_position_after(g0, layout)
        if at is not None and at <= end and (hit is None or at < end):
            end, hit = at, Hit(bp, layout.position(at))
    final = hit
    nf = bps.nonfinite is not None
    if nf and tl.params.all_finite() is not None:
        nf = False  # it became non-finite before: nothing *becomes* non-finite from here
    grad_bps, loss_bps = bps.of("grad_norm"), bps.of("loss_below")
    relu_bp = next(iter(bps.of("relu_dead")), None)
    if layout.completed_epochs(end) == layout.completed_epochs(g0):
        relu_bp = None  # no epoch ends in this move: nothing to check, no epoch to replay
    expect_bp = next(iter(bps.of("expect_fail")), None)
    q0 = layout.split(g0 + 1)[0]  # the pass of the first micro-step to watch
    ps = q0 - q0 % P if relu_bp is not None else q0  # relu: from the epoch's start
    ps = max(ps, -(-tl.min_g // S))  # not before an edit's branch starts
    watch = PassWatch(tl.net, ps, P, bool(grad_bps), relu_bp is not None)
    expects = list(dbg.expectations.between(g0, end)) if expect_bp else []  # indices, in order
    pe = layout.split(end)[0]
    chunk = FIRST_CHUNK
    a = ps
    with np.errstate(all="ignore"):
        if ps * S != g0:
            tl.goto(ps * S)  # back to the start of the pass (or epoch): at most one epoch replayed
        _set_watch(tl, watch)
        try:
            while a <= pe:
                b = min(pe + 1, a + chunk)
                if expects:
                    b = min(b, layout.split(dbg.expectations.gs[expects[0]])[0] + 1)
                e_before = layout.completed_epochs(max(g0, a * S))
                moved = tl.goto(b * S, stop_on_nonfinite=nf, should_stop=should_stop, progress=progress, from_here=True)
                if moved.diverged is not None and moved.g <= g0:
                    nf = False  # a divergence before the start, met again on the way: go on without it
                    tl.goto(a * S)
                    continue
                watch.absorb(tl)
                reached = moved.g
                cands: list[tuple[int, Hit]] = []
                if moved.diverged is not None:
                    cands.append((reached, Hit(bps.nonfinite, moved.diverged.position, moved.diverged.value)))  # type: ignore[arg-type]
                done_epochs = layout.completed_epochs(reached)
                for bp in loss_bps:
                    e = _loss_epoch(tl.loss_array(), e_before + 1, done_epochs, bp.value)
                    if e is not None:
                        g = e * layout.per_epoch
                        cands.append((g, Hit(bp, layout.position(g), f"loss {tl.loss_array()[e - 1]:.6g}")))
                if relu_bp is not None:
                    for e, units in watch.dead:
                        g = e * layout.per_epoch
                        if g > g0:
                            cands.append((g, Hit(relu_bp, layout.position(g), f"dead: {units}")))
                            break
                limit = min([g for g, _ in cands], default=reached)
                for bp in grad_bps:
                    for p in watch.grad_passes(q0, bp.value):
                        if p * S >= limit:
                            break
                        found = _grad_position(tl, int(p), bp, g0)
                        if found is not None:
                            cands.append((found[0], Hit(bp, layout.position(found[0]), found[1])))
                            break
                cands = [(g, h) for g, h in cands if g0 < g <= end]
                if cands:
                    g, h = min(cands, key=lambda c: c[0])
                    tl.goto(g)
                    return Moved(g, moved.diverged if g == reached else None), h
                if moved.diverged is not None:  # beyond ``end``: stop at ``end``
                    break
                if moved.cancelled:
                    return moved, None
                if tl.g != reached:  # the search for a gradient's step moved it
                    tl.goto(reached)
                while expects and layout.split(dbg.expectations.gs[expects[0]])[0] < b:
                    i = expects.pop(0)
                    ge = dbg.expectations.gs[i]
                    tl.goto(ge)
                    result = dbg.expectations.compare(i, dbg.values())
                    if not result.ok and expect_bp is not None:
                        return Moved(ge), Hit(expect_bp, layout.position(ge), result.describe())
                    tl.goto(b * S, from_here=True)
                a = b
                chunk = min(MAX_CHUNK, chunk * 2)
        finally:
            _set_watch(tl, None)
        tl.goto(end)
    return Moved(end), final
