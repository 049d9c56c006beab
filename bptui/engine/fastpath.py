"""Run-N's inner loop: whole passes from the timeline's position, with only the bookkeeping going
back needs.

A :class:`~.timeline.Timeline` moves forward micro-step by micro-step (:class:`~.sample_pass.SamplePass`,
every value kept for the panes) or, across whole passes, with :func:`run`: one
:class:`~.kernel.PassKernel` pass per pass (in online training, one
:meth:`~.kernel.PassKernel.run_rows` call for all the passes up to the next event), per epoch the
loss and, within budget, a checkpoint. This loop is the one speed target of the engine (run-N, a
jump, a breakpoint scan all spend their time here), so it lives apart from the timeline's stepping
and state, to be read and tuned on its own. Like :mod:`.replay`, it works on a timeline's position
and stores (see :mod:`.history`); the timeline chooses where a move starts and when to call it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import replay
from .moves import Moved

if TYPE_CHECKING:
    from .timeline import Progress, StopCheck, Timeline

MIN_CHECKPOINT_GAP = 64  # passes kept in the pass cache before a move's target (at least)


def run(
    tl: Timeline, tp: int, tk: int, stop_on_nonfinite: bool, should_stop: StopCheck | None, progress: Progress | None
) -> Moved:
    """Whole passes from the start of pass ``tl._p`` to the start of pass ``tp``, no bookkeeping.

    Kept lean: one :class:`~.kernel.PassKernel` pass per pass (in online training, one
    :meth:`~.kernel.PassKernel.run_rows` call for all the passes up to the next event below),
    checked for non-finite values with ``stop_on_nonfinite``; per epoch only the loss and, within
    budget, a checkpoint, and the starting states of the last passes before ``tp`` go into the pass
    cache (so stepping back from the target costs one pass). When a pass computed something
    non-finite, the stretch is replayed step by step to find the exact micro-step (``tk``: where
    the move stops otherwise, see :func:`.replay.locate_divergence`).
    """
    net, plan, passes = tl.net, tl.plan, tl.layout.passes
    params, losses, cache = tl._params, tl._losses, tl._pass_cache
    divisor, weights = plan.divisor, (plan.rows if plan.weighted else None)
    tests = tl._tests  # scores the test split at each epoch's end (None: the file has none)
    train = tl.kernel.train
    # online without a watch: runs of passes between two events (below) in one kernel call
    rows = None if net.batch or tl.watch is not None else tl.kernel.run_rows
    # the starts of the last passes before the target (at least an epoch, or a stride of
    # passes), so walking back from it costs one pass per step
    cache_from = tp - min(cache.slots - 1, max(passes, MIN_CHECKPOINT_GAP))
    # anchors over the passes between the checkpoint before those and them, so walking back
    # past the cached ones replays at most the gap between two anchors
    anchor = max(tl._p + 1, (cache_from - 1) // (tl._stride * passes) * tl._stride * passes + 1)
    gap = cache.lay_anchors(anchor, cache_from)
    anchor = anchor if gap else tp
    p, acc = tl._p, tl._acc
    start = p
    batches, hots = plan.batches(p // passes + 1), plan.hot(p // passes + 1)
    epochs = tp // passes + 1  # the last epoch this move can complete (pass tp may end one)
    losses.reserve(epochs)  # room for every loss of the move: the loop writes them directly
    tl._checkpoints.reserve(epochs // tl._stride + 2)
    buf = losses._buf
    while p < tp:
        if should_stop is not None and p % passes == passes - 1 and p + 1 < tp and should_stop():
            tl.passes_computed += p - start
            tl._p, tl._acc = p, acc
            if stop_on_nonfinite and p > start and params.all_finite() is not None:
                return replay.locate_divergence(tl, p - 1, tp, tk)
            tl._begin_pass()
            moved = tl._step_to(tl.layout.per_pass, stop_on_nonfinite)
            return moved if moved.diverged else Moved(tl.g, cancelled=True)
        if p >= cache_from and p > start:
            cache.put(p, params, acc)
        elif p == anchor:
            cache.put_anchor(p, params, acc)
            anchor += gap
        i = p % passes
        if i == 0 and p > start:  # the next epoch's order
            batches = plan.batches(p // passes + 1)
            hots = hots if rows is not None else plan.hot(p // passes + 1)
        if rows is not None:
            # up to the next pass that something happens before: the epoch's end, the
            # target, the pass cache's stretch or its next anchor, a should_stop poll
            q = min(tp, p - i + passes, cache_from if cache_from > p else p + 1, anchor if anchor > p else tp)
            if should_stop is not None:
                q = min(q, max(p + 1, p - i + passes - 1))
            acc, n, finite, _ = rows(params, batches[i : i + q - p], acc, stop_on_nonfinite)
            p += n
            if not finite:
                tl.passes_computed += p - start
                return replay.locate_divergence(tl, p - 1, tp, tk)
        else:
            a0, t = batches[i]
            if tl.watch is not None:
                loss, finite = tl.watch(net, params, a0, t, p)
            else:
                loss, finite = train(params, a0, t, stop_on_nonfinite, hots[i])
            if stop_on_nonfinite and not finite:
                tl.passes_computed += p + 1 - start
                return replay.locate_divergence(tl, p, tp, tk)
            acc += loss if weights is None else loss * weights[i]
            p += 1
        if p % passes == 0:
            epoch = p // passes
            if losses.n < epoch:
                buf[losses.n] = acc / divisor if divisor != 1.0 else acc
                losses.n += 1
                if tests is not None:
                    tests.record(epoch, params)
            acc = 0.0
            if epoch % tl._stride == 0:
                tl._save_checkpoint(epoch)
            if progress is not None:
                progress(epoch, float(buf[epoch - 1]))
    tl.passes_computed += p - start
    tl._p, tl._acc = p, acc
    if stop_on_nonfinite and params.all_finite() is not None:
        return replay.locate_divergence(tl, p - 1, tp, tk)
    tl._begin_pass()
    return Moved(tl.g)
