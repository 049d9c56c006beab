"""Training as a function of one integer: the state after ``g`` micro-steps, reachable from anywhere.

Moving forward performs micro-steps (or, across whole passes, the bookkeeping-free fast path,
:mod:`.fastpath`).
Moving anywhere starts from the nearest saved state at or before the target when that is closer
than the current position, and *replays* from there: training is deterministic, so the state at
``g`` comes out bit for bit the same as the first time. Any jump (back, undo, redo, home, a
forward jump into ground already covered) thus costs at most one stride of replay.

History policy (memory is bounded, whatever the length of the run; see :mod:`.history`):

* the parameters at the start of every ``stride``-th epoch are kept as checkpoints, in rows of
  one preallocated array within ``checkpoint_budget`` bytes (48 MiB by default, counted as
  allocated). The stride starts at the smallest number of epochs holding enough passes that
  saving costs run-N nothing measurable (:meth:`.history.CheckpointStore.min_gap`: 64 one-row passes, so
  16 epochs of streetlight's 4 samples; 7 passes of a 512-row batch on 64-64-64-64, as its
  passes are costly and its copies cheap). When the array is full, every other checkpoint is
  dropped and the stride doubles; going back replays at most one stride of epochs with the fast
  path;
* the parameters at the start of recent passes (walked step by step, or the last ones a move
  computed) are kept too, in a ring within ``pass_cache_budget`` (16 MiB, at most 4,096 passes),
  so stepping back across a sample boundary costs one pass, also right after a run (and anchors
  spread over the rest of the stretch back to the checkpoint when an epoch does not fit);
* epoch losses are kept for every completed epoch: 8 bytes each, in a float64 array (a timeline
  holds at most :data:`MAX_EPOCHS` epochs, so at most 80 MB).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import fastpath, replay
from .accuracy import AccuracyLog
from .batches import BatchPlan, layout_of
from .history import CheckpointStore, LossLog, ParamCodec, PassCache
from .kernel import PassKernel
from .moves import Moved, NonFinite, Origin
from .network import Network, Params, initial_params
from .sample_pass import SamplePass
from .spec import Scenario
from .steps import Position

MAX_EPOCHS = 10_000_000  # the most epochs a timeline holds: a run, the Run dialog and `epochs` stop here
CHECKPOINT_BUDGET = 48 * 2**20
PASS_CACHE_BUDGET = 16 * 2**20

StopCheck = Callable[[], bool]
Progress = Callable[[int, float], None]  # (completed epochs, loss of the last one)
PassHook = Callable[[Network, Params, np.ndarray, np.ndarray, int], tuple[float, bool]]  # → (loss, finite)


class Timeline:
    def __init__(
        self,
        scenario: Scenario,
        *,
        checkpoint_budget: int = CHECKPOINT_BUDGET,
        pass_cache_budget: int = PASS_CACHE_BUDGET,
        origin: Origin | None = None,
    ) -> None:
        self.scenario = scenario
        self.net = Network.from_scenario(scenario)
        self.kernel = PassKernel(self.net)  # run-N's pass (stepping's numbers, less Python)
        self.plan = BatchPlan(scenario)  # which rows each pass holds, and the epoch-loss accounting
        self.layout = layout_of(scenario)
        params = initial_params(scenario) if origin is None else origin.params.copy()
        self.initial = params.copy()
        codec = ParamCodec(params)
        self._checkpoints = CheckpointStore(codec, checkpoint_budget)
        self._checkpoints.add(0, params)
        # a checkpoint every `_stride` epochs: far enough apart that saving them costs run-N
        # nothing measurable (see CheckpointStore.min_gap), and going back replays at most that many
        self._stride = max(1, -(-CheckpointStore.min_gap(codec.size, self.plan.size) // self.layout.passes))
        self._pass_cache = PassCache(codec, pass_cache_budget)
        self._losses = LossLog(MAX_EPOCHS)
        # the test accuracy at every epoch's end, when the file holds a test split (else no cost)
        self._tests: AccuracyLog | None = None
        if scenario.test_inputs is not None and scenario.test_targets is not None:
            tests = origin.tests if origin is not None and origin.p >= 0 else ()
            self._tests = AccuracyLog(self.net, scenario.test_inputs, scenario.test_targets, tests)
        self._params = params
        self._p = 0  # index of the current pass since the start
        self._acc = 0.0  # sum of the losses of the current epoch's passes before the current one
        self.passes_computed = 0  # passes computed, whole or in part, by every move so far (an instrument)
        self.watch: PassHook | None = None  # breakpoints' pass function (see .scan), used by the fast path
        self._begin_pass()
        self._base: Origin | None = None  # a branch's starting state (an edit); see Origin
        if origin is not None and origin.p >= 0:
            self._base = origin
            self._pass_cache = PassCache(codec, pass_cache_budget)  # nothing before the base
            for loss in origin.losses:
                self._losses.append(loss)
            self._to_base()

    # --- what is here ----------------------------------------------------------------------------

    @property
    def g(self) -> int:
        return self._p * self.layout.per_pass + self._pass.k

    @property
    def position(self) -> Position:
        return self.layout.position(self.g)

    @property
    def params(self) -> Params:
        return self._params

    @property
    def current(self) -> SamplePass:
        return self._pass

    @property
    def max_g(self) -> int:
        """The furthest position a timeline goes to (:data:`MAX_EPOCHS` epochs)."""
        return MAX_EPOCHS * self.layout.per_epoch

    def pass_start_params(self) -> Params:
        """The parameters the current pass started with (before its ``update``): read-only views
        into the pass cache, valid until the next move (copy them to keep them longer).

        The current pass is always in the pass cache (it is the newest entry, or was restored
        from it), so this is exact.
        """
        if self._base is not None and self._p == self._base.p:
            return self._base.start_params  # type: ignore[return-value]
        return self._pass_cache.get(self._p, copy=False)[0]

    @property
    def min_g(self) -> int:
        """The earliest position this timeline reaches: 0, or the end of a branch's first pass."""
        return 0 if self._base is None else (self._base.p + 1) * self.layout.per_pass

    def branch_origin(self, params: Params) -> Origin:
        """This state with ``params`` instead of the current ones, for a branch to start from.

        Only at the start or at the end of a pass (after ``update``), where no value of a pass
        under way depends on the parameters."""
        if self.g == 0:
            return Origin(-1, params.copy())
        if not self._pass.done:
            raise ValueError("a branch starts at the start or at the end of a pass")
        return Origin(
            self._p,
            params.copy(),
            self._pass,
            self.pass_start_params().copy(),
            self._acc,
            tuple(self.epoch_losses),
            self._params.copy(),
            () if self._tests is None else tuple(self.test_accuracies().tolist()),  # type: ignore[union-attr]
        )

    def computed_params(self) -> Params:
        """The parameters as training computed them here: the current ones, except at a branch's
        origin, where an edit after ``update`` replaced what the update computed (derivations)."""
        if self._base is not None and self._p == self._base.p and self._base.computed is not None:
            return self._base.computed
        return self._params

    @property
    def epoch_losses(self) -> list[float]:
        """Loss of every epoch completed at this position (docs/SPEC.md §3.5 accounting), as a list."""
        return self.loss_array().tolist()

    def loss_array(self) -> np.ndarray:
        """:attr:`epoch_losses` as a read-only float64 array, without a copy (cheap at any length)."""
        return self._losses.view(self.layout.completed_epochs(self.g))

    def test_accuracies(self) -> np.ndarray | None:
        """The test accuracy after each epoch completed here (read-only), or ``None`` without a test split."""
        return None if self._tests is None else self._tests.view(self.layout.completed_epochs(self.g))

    def running_loss(self) -> tuple[float, int] | None:
        """(reduction so far, passes counted) of the current epoch's losses; ``None`` if none yet."""
        pos_in_epoch = self._p % self.layout.passes
        acc, n = self._acc, pos_in_epoch
        if self._pass.loss is not None:
            acc, n = acc + self._pass.loss, n + 1
        if n == 0:
            return None
        if self.plan.weighted:  # minibatch, mean: the mean over the samples counted so far
            rows = self.plan.rows
            acc = self._acc + (0.0 if self._pass.loss is None else self._pass.loss * rows[pos_in_epoch])
            return acc / float(rows[:n].sum()), n  # n: passes (batches) counted, as the position counts
        return (acc / n if self.plan.divisor != 1.0 else acc), n

    def checkpoint_count(self) -> int:
        return len(self._checkpoints)

    def history_bytes(self) -> int:
        """Bytes allocated for going back: checkpoints, the pass cache and the epoch losses."""
        return self._checkpoints.nbytes() + self._pass_cache.nbytes() + self._losses.nbytes()

    def history_budget(self) -> int:
        """The most :meth:`history_bytes` can reach (whatever the run length, up to MAX_EPOCHS)."""
        cp = self._checkpoints
        return cp.slots * (cp.codec.row_bytes + 8) + self._pass_cache.nbytes() + 8 * MAX_EPOCHS

    def replay_cost(self, g: int) -> int:
        """How many passes (whole or in part) a move to ``g`` would compute; cheap to call."""
        tp, tk = self.layout.split(max(0, int(g)))
        if (tp, tk) == (self._p, self._pass.k):
            return 0
        return replay.plan(self, tp, tk)[0]

    # --- moving ----------------------------------------------------------------------------------

    def goto(
        self,
        g: int,
        *,
        stop_on_nonfinite: bool = False,
        should_stop: StopCheck | None = None,
        progress: Progress | None = None,
        from_here: bool = False,
    ) -> Moved:
        """Move to the state after ``g`` micro-steps.

        The move starts from the nearest saved state at or before ``g`` when that is cheaper than
        going on from here. With ``stop_on_nonfinite`` the move stops at the first micro-step that
        produces a non-finite number. ``should_stop`` is polled before the last pass of each
        epoch; when it says yes, the move ends at the end of that epoch (``cancelled``).
        """
        g = max(self.min_g, int(g))
        tp, tk = self.layout.split(g)
        with np.errstate(all="ignore"):
            if (tp, tk) == (self._p, self._pass.k):
                return Moved(self.g)
            if self._base is not None and tp == self._base.p:  # a branch's origin itself
                self._to_base()
                return Moved(self.g)
            # from_here: on from here, so that a watch sees every pass
            start = None if from_here and g >= self.g else replay.plan(self, tp, tk)[1]
            if start is not None:
                replay.restore(self, start)
            return self._forward_to(tp, tk, stop_on_nonfinite, should_stop, progress)

    # --- internals -------------------------------------------------------------------------------

    def _forward_to(
        self, tp: int, tk: int, stop_on_nonfinite: bool, should_stop: StopCheck | None, progress: Progress | None
    ) -> Moved:
        """From here to (tp, tk), which is not behind here."""
        if tp > self._p and self._pass.k > 0:
            moved = self._step_to(self.layout.per_pass, stop_on_nonfinite)
            if moved.diverged:
                return moved
            self._next_pass()
        if tp > self._p:
            moved = fastpath.run(self, tp, tk, stop_on_nonfinite, should_stop, progress)
            if moved.diverged or moved.cancelled:
                return moved
        return self._step_to(tk, stop_on_nonfinite)

    def _to_base(self) -> None:
        base = self._base
        assert base is not None and base.done is not None
        self._params, self._p, self._acc, self._pass = base.params.copy(), base.p, base.acc, base.done

    def _begin_pass(self) -> None:
        """Start pass ``self._p`` in step mode, remembering its starting state for going back."""
        a0, t = self.plan.batch(self._p)
        self._pass = SamplePass(self.net, a0, t)
        self._pass_cache.put(self._p, self._params, self._acc)

    def _step_to(self, k: int, stop_on_nonfinite: bool) -> Moved:
        if self._pass.k < k:
            self.passes_computed += 1
        while self._pass.k < k:
            written = self._pass.advance(self._params)
            if self._pass.done and self._pass.loss is not None:  # a finished pass has its loss
                self._record_epoch_loss(self._pass.loss)
            bad = self._pass.first_nonfinite(written, self._params)
            if bad is not None and stop_on_nonfinite:
                return Moved(self.g, NonFinite(self.position, bad))
        return Moved(self.g)

    def _record_epoch_loss(self, loss: float) -> None:
        """If the pass just finished ends an epoch not yet accounted, append that epoch's loss."""
        p = self._p + 1
        if p % self.layout.passes == 0 and len(self._losses) < p // self.layout.passes:
            self._losses.append(self.plan.epoch_loss(self._acc + self._weighted(loss)))
            if self._tests is not None:
                self._tests.record(p // self.layout.passes, self._params)

    def _weighted(self, loss: float) -> float:
        """What the current pass's loss counts in its epoch's accumulator (see :mod:`.batches`)."""
        return loss * self.plan.rows[self._p % self.layout.passes] if self.plan.weighted else loss

    def _end_of_pass(self, loss: float) -> None:
        """Account for a finished pass: epoch loss and checkpoint at an epoch's end."""
        self._record_epoch_loss(loss)
        self._acc += self._weighted(loss)
        p = self._p + 1
        if p % self.layout.passes == 0:
            epoch = p // self.layout.passes
            self._acc = 0.0
            self._save_checkpoint(epoch)
        self._p = p

    def _next_pass(self) -> None:
        """From the end of a pass walked step by step to the start of the next one."""
        assert self._pass.done and self._pass.loss is not None
        self._end_of_pass(self._pass.loss)
        self._begin_pass()

    def _save_checkpoint(self, epoch: int) -> None:
        if epoch % self._stride or epoch in self._checkpoints:
            return
        while self._checkpoints.full:
            self._stride *= 2
            self._checkpoints.keep_multiples(self._stride)
        if epoch % self._stride == 0:
            self._checkpoints.add(epoch, self._params)
