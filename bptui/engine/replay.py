"""Where a move starts, and replaying to find a divergence: the timeline's use of its history.

Training is deterministic, so any state can be recomputed from an earlier one. A move starts from
the nearest saved state at or before its target (an epoch checkpoint, a pass in the pass cache
or one of its anchors, or a branch's origin) when that is cheaper than going on from where the
timeline stands, and so costs at most one checkpoint stride of replay. These functions work on a
:class:`~.timeline.Timeline` (its position and its stores, see :mod:`.history`); the timeline
keeps moving forward, this module only chooses and restores where a move starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .moves import Moved
from .sample_pass import SamplePass

if TYPE_CHECKING:
    from .timeline import Timeline


def plan(tl: Timeline, tp: int, tk: int) -> tuple[int, int | None]:
    """(passes to compute, saved pass to start from or ``None`` for here) of a move to (tp, tk)."""
    partial = 1 if tk > 0 else 0
    p, k, S = tl._p, tl.current.k, tl.layout.per_pass
    best: tuple[int, int | None] | None = None
    if tp == p and tk >= k:
        best = (1 if tk > k else 0, None)
    elif tp > p:
        best = ((tp - p) - (1 if k == S else 0) + partial, None)
    s = latest_saved(tl, tp)
    if best is None or (tp - s) + partial < best[0]:
        best = ((tp - s) + partial, s)
    return best


def latest_saved(tl: Timeline, tp: int) -> int:
    """The latest pass at or before ``tp`` whose starting state is saved."""
    passes = tl.layout.passes
    s = tl._checkpoints.latest_at_or_before(tp // passes) * passes
    cached = tl._pass_cache.latest_at_or_before(tp)
    s = s if cached is None or cached < s else cached
    base = tl._base
    if base is not None and s <= base.p + 1:
        return base.p + 1  # a branch: from its origin (see restore)
    return s


def restore(tl: Timeline, s: int) -> None:
    """Put ``tl`` at the start of pass ``s``, whose starting state is saved."""
    cache = tl._pass_cache
    if tl._base is not None and s == tl._base.p + 1 and s not in cache:
        tl._to_base()
        tl._next_pass()
        return
    if s in cache:
        tl._params, tl._acc = cache.get(s)
        tl._p = s
        a0, t = tl.plan.batch(s)
        tl._pass = SamplePass(tl.net, a0, t)
        return
    tl._params = tl._checkpoints.params(s // tl.layout.passes)
    tl._p, tl._acc = s, 0.0
    tl._begin_pass()


def locate_divergence(tl: Timeline, bad: int, tp: int, tk: int) -> Moved:
    """Replay step by step, checking every value written, through pass ``bad`` (which computed
    something non-finite) and the pass before it (whose update may have made a parameter
    non-finite that only shows in pass ``bad``), from the nearest saved state; stop at the first
    micro-step that wrote a non-finite number (else go on to (tp, tk))."""
    first = max(0, bad - 1)
    restore(tl, latest_saved(tl, first))
    tl._forward_to(first, 0, False, None, None)  # the fast path, unchecked, up to ``first`` (if behind it)
    S = tl.layout.per_pass
    while True:
        last = tl._p == tp
        moved = tl._step_to(tk if last else S, True)
        if moved.diverged or last:
            return moved
        tl._next_pass()
        if tl._p > bad:  # not found (cannot happen: the pass was confirmed element by element)
            return tl._forward_to(tp, tk, True, None, None)
