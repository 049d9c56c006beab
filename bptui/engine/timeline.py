"""Training as a function of one integer: the state after ``g`` micro-steps, reachable from anywhere.

Moving forward performs micro-steps (or, across whole passes, the bookkeeping-free fast path).
Moving back *replays*: training is deterministic, so the state at ``g`` is recomputed from the
nearest saved state before it and comes out bit for bit the same as the first time.

History policy (memory is bounded, whatever the length of the run):

* the parameters at the start of every ``stride``-th epoch are kept as checkpoints, within
  ``checkpoint_budget`` bytes (48 MiB by default). The stride starts at the smallest number of
  epochs holding 64 passes (16 epochs of streetlight's 4 samples; 1 epoch of a batch scenario
  is 1 pass, so 64 epochs), so that saving costs run-N nothing measurable. When a run exceeds the
  budget, every other checkpoint is dropped and the stride doubles, so a 10,000-epoch run keeps
  between half the budget and the budget, spread evenly over it; going back replays at most one
  stride of epochs with the fast path;
* the parameters at the start of the last passes walked step by step are kept too
  (``pass_cache_budget``, 16 MiB), so stepping back across a sample boundary costs one pass;
* epoch losses are kept for every completed epoch (one float each).
"""
from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .network import Network, Params, initial_params, train_pass
from .sample_pass import SamplePass
from .spec import Scenario
from .steps import Layout, Position

CHECKPOINT_BUDGET = 48 * 2**20
MIN_CHECKPOINT_GAP = 64  # passes
PASS_CACHE_BUDGET = 16 * 2**20

StopCheck = Callable[[], bool]
Progress = Callable[[int, float], None]  # (completed epochs, loss of the last one)


@dataclass(frozen=True)
class NonFinite:
    """Where training first produced a non-finite number, and in which value."""

    position: Position
    value: str

    def describe(self) -> str:
        p = self.position
        return (
            f"training diverged: {self.value} became non-finite at epoch {p.epoch}, "
            f"sample {p.sample}/{p.samples}, step {p.step}"
        )


@dataclass(frozen=True)
class Origin:
    """A state a branch timeline starts from (an edit, see :mod:`.edit`): the end of pass ``p``.

    ``p = -1`` is the very start (only ``params`` count). Otherwise ``done`` is pass ``p``
    walked to its ``update``, ``start_params`` the parameters it started with, ``params`` the
    (edited) parameters after it, ``acc`` and ``losses`` the epoch accounting as a timeline holds
    it there. The branch never goes before the end of pass ``p``.
    """

    p: int
    params: Params
    done: SamplePass | None = None
    start_params: Params | None = None
    acc: float = 0.0
    losses: tuple[float, ...] = ()
    computed: Params | None = None  # the parameters pass ``p``'s update computed (before the edit)


@dataclass(frozen=True)
class Moved:
    """What a move reached: its position count, and why it stopped short, if it did."""

    g: int
    diverged: NonFinite | None = None
    cancelled: bool = False


class Timeline:
    def __init__(
        self,
        scenario: Scenario,
        checkpoint_budget: int = CHECKPOINT_BUDGET,
        pass_cache_budget: int = PASS_CACHE_BUDGET,
        origin: Origin | None = None,
    ) -> None:
        self.scenario = scenario
        self.net = Network.from_scenario(scenario)
        X, T = scenario.data_inputs, scenario.data_targets
        if self.net.batch:
            self._batches = [(np.ascontiguousarray(X, dtype=float), np.ascontiguousarray(T, dtype=float))]
        else:
            self._batches = [
                (np.ascontiguousarray(X[i : i + 1], dtype=float), np.ascontiguousarray(T[i : i + 1], dtype=float))
                for i in range(X.shape[0])
            ]
        self.layout = Layout(self.net.depth, len(self._batches))
        params = initial_params(scenario) if origin is None else origin.params.copy()
        self.initial = params.copy()
        self._checkpoints: dict[int, Params] = {0: params.copy()}
        self._checkpoint_budget = checkpoint_budget
        # a checkpoint every `_stride` epochs: at least MIN_CHECKPOINT_GAP passes apart, so
        # saving them costs run-N nothing measurable, and going back replays at most that many
        self._stride = max(1, -(-MIN_CHECKPOINT_GAP // self.layout.passes))
        self._pass_cache: OrderedDict[int, tuple[Params, float]] = OrderedDict()
        self._pass_cache_size = max(2, pass_cache_budget // max(1, params.nbytes()))
        self._losses: list[float] = []
        self._params = params
        self._p = 0  # index of the current pass since the start
        self._acc = 0.0  # sum of the losses of the current epoch's passes before the current one
        self._begin_pass()
        self._base: Origin | None = None  # a branch's starting state (an edit); see Origin
        if origin is not None and origin.p >= 0:
            self._base = origin
            self._checkpoints.clear()
            self._pass_cache.clear()
            self._losses = list(origin.losses)
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

    def pass_start_params(self) -> Params:
        """The parameters the current pass started with (before its ``update``); do not modify.

        The current pass is always the newest entry of the pass cache, so this is exact.
        """
        if self._base is not None and self._p == self._base.p:
            return self._base.start_params  # type: ignore[return-value]
        return self._pass_cache[self._p][0]

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
        return Origin(self._p, params.copy(), self._pass, self.pass_start_params().copy(), self._acc,
                      tuple(self.epoch_losses), self._params.copy())

    def computed_params(self) -> Params:
        """The parameters as training computed them here: the current ones, except at a branch's
        origin, where an edit after ``update`` replaced what the update computed (derivations)."""
        if self._base is not None and self._p == self._base.p and self._base.computed is not None:
            return self._base.computed
        return self._params

    @property
    def epoch_losses(self) -> list[float]:
        """Loss of every epoch completed at this position (SPEC 3.5 accounting)."""
        return self._losses[: self.layout.completed_epochs(self.g)]

    def running_loss(self) -> tuple[float, int] | None:
        """(reduction so far, samples counted) of the current epoch's losses; ``None`` if none yet."""
        pos_in_epoch = self._p % self.layout.passes
        acc, n = self._acc, pos_in_epoch
        if self._pass.loss is not None:
            acc, n = acc + self._pass.loss, n + 1
        if n == 0:
            return None
        return (acc / n if self._mean else acc), n

    @property
    def _mean(self) -> bool:
        return self.net.reduction == "mean" and not self.net.batch

    def checkpoint_count(self) -> int:
        return len(self._checkpoints)

    def history_bytes(self) -> int:
        """Bytes held for going back (checkpoints and the pass cache)."""
        size = self._params.nbytes()
        return size * (len(self._checkpoints) + len(self._pass_cache))

    # --- moving ----------------------------------------------------------------------------------

    def goto(
        self,
        g: int,
        *,
        stop_on_nonfinite: bool = False,
        should_stop: StopCheck | None = None,
        progress: Progress | None = None,
    ) -> Moved:
        """Move to the state after ``g`` micro-steps.

        With ``stop_on_nonfinite`` the move stops at the first micro-step that produces a
        non-finite number. ``should_stop`` is polled before the last pass of each epoch; when it
        says yes, the move ends at the end of that epoch (``cancelled``).
        """
        g = max(self.min_g, int(g))
        S = self.layout.per_pass
        tp, tk = self.layout.split(g)
        with np.errstate(all="ignore"):
            if (tp, tk) == (self._p, self._pass.k):
                return Moved(self.g)
            if tp == self._p and tk < self._pass.k:
                self._rewind_pass()
            elif tp < self._p:
                self._restore_before(tp)
            elif tp > self._p and self._pass.k > 0:
                moved = self._step_to(S, stop_on_nonfinite)
                if moved.diverged:
                    return moved
                self._next_pass()
            if tp > self._p:
                moved = self._fast_forward(tp, stop_on_nonfinite, should_stop, progress)
                if moved.diverged or moved.cancelled:
                    return moved
            return self._step_to(tk, stop_on_nonfinite)

    # --- internals -------------------------------------------------------------------------------

    def _begin_pass(self) -> None:
        """Start pass ``self._p`` in step mode, remembering its starting state for going back."""
        a0, t = self._batches[self._p % self.layout.passes]
        self._pass = SamplePass(self.net, a0, t)
        self._pass_cache[self._p] = (self._params.copy(), self._acc)
        self._pass_cache.move_to_end(self._p)
        while len(self._pass_cache) > self._pass_cache_size:
            self._pass_cache.popitem(last=False)

    def _to_base(self) -> None:
        base = self._base
        assert base is not None and base.done is not None
        self._params, self._p, self._acc, self._pass = base.params.copy(), base.p, base.acc, base.done

    def _rewind_pass(self) -> None:
        params, acc = self._pass_cache[self._p]
        self._params, self._acc = params.copy(), acc
        a0, t = self._batches[self._p % self.layout.passes]
        self._pass = SamplePass(self.net, a0, t)

    def _restore_before(self, tp: int) -> None:
        """Restore the latest saved state at or before the start of pass ``tp``."""
        if tp in self._pass_cache:
            self._p = tp
            self._rewind_pass()
            return
        base, passes = self._base, self.layout.passes
        if base is not None and max((e * passes for e in self._checkpoints if e * passes <= tp), default=-1) <= base.p:
            self._to_base()  # nothing saved after a branch's start: from there
            if tp > base.p:
                self._next_pass()
            return
        epoch = max(e for e in self._checkpoints if e * self.layout.passes <= tp)
        self._params = self._checkpoints[epoch].copy()
        self._p, self._acc = epoch * self.layout.passes, 0.0
        self._begin_pass()

    def _step_to(self, k: int, stop_on_nonfinite: bool) -> Moved:
        while self._pass.k < k:
            written = self._pass.advance(self._params)
            if self._pass.done:
                self._record_epoch_loss(self._pass.loss)
            bad = self._pass.first_nonfinite(written, self._params)
            if bad is not None and stop_on_nonfinite:
                return Moved(self.g, NonFinite(self.position, bad))
        return Moved(self.g)

    def _record_epoch_loss(self, loss: float) -> None:
        """If the pass just finished ends an epoch not yet accounted, append that epoch's loss."""
        p = self._p + 1
        if p % self.layout.passes == 0 and len(self._losses) < p // self.layout.passes:
            acc = self._acc + loss
            self._losses.append(acc / self.layout.passes if self._mean else acc)

    def _end_of_pass(self, loss: float) -> None:
        """Account for a finished pass: epoch loss and checkpoint at an epoch's end."""
        self._record_epoch_loss(loss)
        self._acc += loss
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
        self._checkpoints[epoch] = self._params.copy()
        size = self._params.nbytes()
        while len(self._checkpoints) > 1 and len(self._checkpoints) * size > self._checkpoint_budget:
            self._stride *= 2
            for e in [e for e in self._checkpoints if e % self._stride]:
                del self._checkpoints[e]

    def _fast_forward(
        self, tp: int, stop_on_nonfinite: bool, should_stop: StopCheck | None, progress: Progress | None
    ) -> Moved:
        """Whole passes from the start of pass ``self._p`` to the start of pass ``tp``, no bookkeeping.

        This is run-N's inner loop, kept lean: one :func:`train_pass` per pass, the loss checked
        for finiteness (a non-finite parameter shows up in the next pass's loss, and once more at
        the end), and per epoch only the loss and, within budget, a checkpoint. When something
        is non-finite, the stretch is replayed step by step to find the exact micro-step.
        """
        net, batches, passes = self.net, self._batches, self.layout.passes
        params, losses, mean = self._params, self._losses, self._mean
        start = self._p
        p, acc = self._p, self._acc
        while p < tp:
            if should_stop is not None and p % passes == passes - 1 and p + 1 < tp and should_stop():
                self._p, self._acc = p, acc
                self._begin_pass()
                self._step_to(self.layout.per_pass, False)
                return Moved(self.g, cancelled=True)
            a0, t = batches[p % passes]
            loss = train_pass(net, params, a0, t)
            if stop_on_nonfinite and not math.isfinite(loss):
                return self._locate_divergence(start, tp)
            acc += loss
            p += 1
            if p % passes == 0:
                epoch = p // passes
                if len(losses) < epoch:
                    losses.append(acc / passes if mean else acc)
                acc = 0.0
                if epoch % self._stride == 0:
                    self._save_checkpoint(epoch)
                if progress is not None:
                    progress(epoch, losses[epoch - 1])
        self._p, self._acc = p, acc
        if stop_on_nonfinite and params.all_finite() is not None:
            return self._locate_divergence(start, tp)
        self._begin_pass()
        return Moved(self.g)

    def _locate_divergence(self, start: int, tp: int) -> Moved:
        """Replay step by step from pass ``start`` until the first non-finite micro-step."""
        self._restore_before(start)
        while self._p < start:
            self._step_to(self.layout.per_pass, False)
            self._next_pass()
        while True:
            moved = self._step_to(self.layout.per_pass, True)
            if moved.diverged or self._p + 1 >= tp:
                return moved
            self._next_pass()
