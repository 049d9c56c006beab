"""The commands a user gives (step, back, finish, run, continue, home) with undo and redo.

Every command is a move of the timeline to a new position count; undo and redo move between the
counts commands started from, so a run of 500 epochs is undone in one go.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .accuracy import Accuracy, accuracy
from .breakpoints import Breakpoints, Hit
from .expect import CheckResult, Expectations
from .network import Params
from .spec import Scenario
from .steps import Position
from .timeline import CHECKPOINT_BUDGET, MAX_EPOCHS, PASS_CACHE_BUDGET, NonFinite, Progress, StopCheck, Timeline
from .values import current_values, params_in_convention
from .view import PassView

# The undo history keeps the last UNDO_DEPTH commands, and fewer when edits in it hold branches:
# an edit keeps its branch (a Timeline with its own history and a copy of the data) on the undo
# stack, and so does every edit it replaced, though neither may be in effect any more (an edit at
# or before an earlier edit's start replaces it: edit, home, edit again... on digits each kept
# 5.8 MiB, without end). The oldest commands are forgotten first, so the rest undo as before.
UNDO_DEPTH = 10_000  # commands (a position is 36 bytes: 360 KB at most)

if TYPE_CHECKING:
    from .edit import Branches


@dataclass(frozen=True)
class Outcome:
    """What a command did. ``message`` explains a command that could not move (state intact)."""

    moved: bool
    message: str | None = None
    diverged: NonFinite | None = None
    cancelled: bool = False
    hit: Hit | None = None  # the breakpoint that stopped the command, and where


class Debugger:
    def __init__(
        self,
        scenario: Scenario,
        *,
        checkpoint_budget: int = CHECKPOINT_BUDGET,
        pass_cache_budget: int = PASS_CACHE_BUDGET,
    ) -> None:
        self.scenario = scenario
        # a Timeline until the first edit, then the Branches that route between the edits' timelines
        self.timeline: Timeline | Branches = Timeline(
            scenario, checkpoint_budget=checkpoint_budget, pass_cache_budget=pass_cache_budget
        )
        self.layout = self.timeline.layout
        self._undo: list[int] = []
        self._redo: list[int] = []
        self._stopped_at: int | None = None  # where a cancelled undo/redo left off (see undo)
        self.expectations = Expectations.of(scenario, self.layout)  # read-only, in order of position
        self._scored: tuple[object, int, float, float] | None = None  # accuracy()'s last (timeline, updates, scores)
        self.breakpoints = Breakpoints()  # what forward commands stop at (see .breakpoints)

    # --- what is shown ---------------------------------------------------------------------------

    @property
    def g(self) -> int:
        return self.timeline.g

    @property
    def position(self) -> Position:
        return self.timeline.position

    @property
    def depth(self) -> int:
        return self.layout.depth

    @property
    def params(self) -> Params:
        return self.timeline.params

    def pass_view(self) -> PassView:
        """The pass at this position, read-only, for derivations."""
        tl = self.timeline
        return PassView(tl.current, tl.net, tl.computed_params(), tl.position, tl.pass_start_params)

    def values(self) -> dict:
        """Every value computed at this position, by value name, in the file's convention."""
        tl = self.timeline
        return current_values(tl.current, tl.params, self.scenario.convention, tl.net.batch)

    def velocity_values(self) -> dict:
        """Momentum's velocities here (``vW1``, ``vb1``, …) in the file's convention; ``{}`` without."""
        p = self.timeline.params
        if p.vW is None or p.vb is None:
            return {}
        col = self.scenario.convention == "column"
        out: dict = {f"vW{l}": (v.T if col else v) for l, v in enumerate(p.vW, start=1)}
        out.update({f"vb{l}": v for l, v in enumerate(p.vb, start=1) if v is not None})
        return out

    def pass_samples(self) -> tuple[int, ...]:
        """Which samples of the data (1-based, in row order) the current pass holds; ``()`` online
        and in batch mode, where that is sample S of the position, or every sample in order."""
        tl = self.timeline
        if not tl.net.minibatch:
            return ()
        p = tl.layout.split(tl.g)[0] if tl.g else 0
        return tuple(int(i) + 1 for i in tl.plan.sample_indices(p))

    def params_values(self) -> dict:
        return params_in_convention(self.timeline.params, self.scenario.convention)

    @property
    def epoch_losses(self) -> list[float]:
        return self.timeline.epoch_losses

    def loss_array(self):
        """The epoch losses as a read-only float64 array: no copy, cheap after millions of epochs."""
        return self.timeline.loss_array()

    def test_accuracies(self):
        """The test accuracy after each completed epoch (read-only float64 array), or ``None`` when
        the scenario holds no test split (``[data] test_samples``)."""
        return self.timeline.test_accuracies()

    def accuracy(self) -> Accuracy | None:
        """Training and test accuracy of the parameters here, or ``None`` without a test split.

        Scored now (a forward pass over every sample, well under a millisecond for the digits): at
        an epoch's end the test accuracy is that epoch's entry of :meth:`test_accuracies`."""
        tl = self.timeline
        sc = tl.scenario  # a branch's: an edited input counts
        if sc.test_inputs is None or sc.test_targets is None:
            return None
        per = self.layout.per_epoch
        epoch = self.g // per if self.g % per == 0 else -1
        # only an update changes the parameters: the steps between reuse the last score. A timeline
        # is deterministic, so (the timeline in use, updates done) names the parameters; an edit
        # starts another timeline
        active = getattr(tl, "active", tl)
        updates = self.g // self.layout.per_pass
        if self._scored is None or self._scored[0] is not active or self._scored[1] != updates:
            train = accuracy(tl.net, tl.params, sc.data_inputs, sc.data_targets)
            self._scored = (active, updates, train, accuracy(tl.net, tl.params, sc.test_inputs, sc.test_targets))
        return Accuracy(self._scored[2], self._scored[3], epoch)

    def replay_cost(self, target: int) -> int:
        """How many passes (whole or in part) a move to ``target`` would compute; cheap to call.

        Any jump costs at most one checkpoint stride, so front ends can decide whether a command
        is worth a worker thread before running it."""
        return self.timeline.replay_cost(target)

    def checks_here(self, values: Mapping[str, object] | None = None) -> list[CheckResult]:
        """Results of the ``[[expect]]`` blocks that refer to exactly this position.

        ``values``: this position's :meth:`values`, when the caller has them already."""
        here = self.expectations.at(self.g)
        if not here:
            return []
        vals = self.values() if values is None else values
        return [self.expectations.compare(i, vals) for i in here]

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    # --- where commands go -----------------------------------------------------------------------

    def target_finish_pass(self) -> int:
        """End of the pass under way: forward ends at ``loss``, backward at ``backward 1``."""
        L, S = self.depth, self.layout.per_pass
        p, k = self.layout.split(self.g)
        if k == S:
            p, k = p + 1, 0
        nxt = k + 1
        end = L + 1 if nxt <= L + 1 else (2 * L + 1 if nxt <= 2 * L + 1 else S)
        return p * S + end

    def target_finish_sample(self) -> int:
        S = self.layout.per_pass
        p, k = self.layout.split(self.g)
        return (p + 1) * S if k < S else (p + 2) * S

    def target_finish_epoch(self) -> int:
        per = self.layout.per_epoch
        return (self.g // per + 1) * per

    def target_undo(self) -> int | None:
        if not self._undo:
            return None
        top = self._undo[-1]
        return top if isinstance(top, int) else self.g  # an edit (=) is undone where it stands

    def target_redo(self) -> int | None:
        if not self._redo:
            return None
        top = self._redo[-1]
        return top if isinstance(top, int) else self.g

    def target_run(self, epochs: int) -> int:
        return (self.layout.completed_epochs(self.g) + epochs) * self.layout.per_epoch

    def target_continue(self) -> int | None:
        """The next ``[[expect]]`` position, else the end of the file's epochs, else ``None``."""
        nxt = self.expectations.next_after(self.g)
        if nxt is not None:
            return nxt
        end = self.scenario.training.epochs * self.layout.per_epoch
        return end if end > self.g else None

    # --- commands --------------------------------------------------------------------------------

    def step(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        return self._move(self.g + 1, should_stop=should_stop, progress=progress)

    def back(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        if self.g == 0:
            return Outcome(False, "already at the start: nothing to step back to")
        return self._move(self.g - 1, should_stop=should_stop, progress=progress)

    def finish_pass(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        return self._move(self.target_finish_pass(), should_stop=should_stop, progress=progress)

    def finish_sample(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        return self._move(self.target_finish_sample(), should_stop=should_stop, progress=progress)

    def finish_epoch(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        return self._move(self.target_finish_epoch(), should_stop=should_stop, progress=progress)

    def run(self, epochs: int, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        if epochs < 1:
            return Outcome(False, "run needs a number of epochs of at least 1")
        return self._move(self.target_run(epochs), should_stop=should_stop, progress=progress)

    def continue_(self, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        target = self.target_continue()
        if target is None:
            return Outcome(False, "no checkpoint ahead and the file's epochs are done: use run to go on")
        return self._move(target, should_stop=should_stop, progress=progress)

    def home(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        if self.g == 0:
            return Outcome(False, "already at the start")
        return self._move(0, should_stop=should_stop, progress=progress)

    def goto(self, g: int, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        """Any position as one undoable command."""
        return self._move(g, should_stop=should_stop, progress=progress)

    def edit(self, name: str, value: float) -> Outcome:
        """Change a weight, bias, input, target or the learning rate here: one undoable command."""
        from .edit import Branches, make_edit, parse_target

        try:
            entry = make_edit(self, parse_target(name, self), value)
        except ValueError as exc:
            return Outcome(False, str(exc))
        assert isinstance(self.timeline, Branches), "make_edit puts the branches in place"
        self.timeline.apply(entry, undo=False)
        self._undo.append(entry)  # type: ignore[arg-type]
        self._redo.clear()
        self._stopped_at = None
        self._forget_oldest(edited=True)
        e = entry.added.edit
        assert e is not None, "an edit's branch records its edit"
        return Outcome(True, f"{e.target.name}: {e.old:.6g} → {e.new:.6g} ✎ (u undoes it)")

    def _edit_step(self, source: list, other: list, undo: bool) -> Outcome | None:
        """Undo or redo an edit when it is the next command on ``source`` (else ``None``)."""
        if not source or isinstance(source[-1], int):  # a position: no edit (nor its module's import)
            return None
        from .edit import Branches, EditEntry

        if not isinstance(source[-1], EditEntry):
            return None
        entry = source.pop()
        assert isinstance(self.timeline, Branches), "an edit on the undo list put the branches in place"
        self.timeline.apply(entry, undo=undo)
        other.append(entry)
        self._stopped_at = None
        e = entry.added.edit
        return Outcome(True, f"{'undid' if undo else 'redid'} the edit of {e.target.name} ({e.old:.6g} → {e.new:.6g})")

    def undo(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        """Back to where the last command started.

        A cancelled undo stops part way: the undo stays pending (undo again finishes it) and
        redo returns to where it started; the spot where it stopped is not itself recorded.
        """
        edited = self._edit_step(self._undo, self._redo, undo=True)
        if edited is not None:
            return edited
        return self._travel(self._undo, self._redo, "undo", should_stop, progress)

    def redo(self, *, should_stop: StopCheck | None = None, progress: Progress | None = None) -> Outcome:
        """Forward to where the last undo started (cancelled: as for :meth:`undo`, mirrored)."""
        edited = self._edit_step(self._redo, self._undo, undo=False)
        if edited is not None:
            return edited
        return self._travel(self._redo, self._undo, "redo", should_stop, progress)

    def _travel(
        self,
        source: list[int],
        other: list[int],
        name: str,
        should_stop: StopCheck | None,
        progress: Progress | None,
    ) -> Outcome:
        if not source:
            return Outcome(False, f"nothing to {name}")
        here, target = self.g, source[-1]
        moved = self.timeline.goto(target, should_stop=should_stop, progress=progress)
        passing = here == self._stopped_at  # an interrupted undo/redo's stop is not a position to return to
        if moved.cancelled and moved.g != target:  # stopped part way
            if moved.g == here:
                return Outcome(False, f"{name} cancelled", cancelled=True)
            if not passing:
                other.append(here)
            self._stopped_at = moved.g
            return Outcome(True, f"{name} stopped part way: {name} again to finish it", cancelled=True)
        source.pop()
        if not passing:
            other.append(here)
        self._stopped_at = None
        return Outcome(True)

    def _move(self, g: int, **kw) -> Outcome:
        before = self.g
        if g > self.timeline.max_g:
            epoch = -(-g // self.layout.per_epoch)
            return Outcome(
                False, f"training stops at epoch {MAX_EPOCHS:,} at the latest; this would reach epoch {epoch:,}"
            )
        forward = g > before
        bps = self.breakpoints
        hit: Hit | None = None
        if forward and bps.needs_scan():
            from .scan import scan_move

            moved, hit = scan_move(self, g, bps, **kw)
        else:
            watch_nf = forward and bps.nonfinite is not None and self.timeline.params.all_finite() is None
            moved = self.timeline.goto(g, stop_on_nonfinite=watch_nf, **kw)  # fires when a value *becomes* non-finite
            if moved.diverged is not None and bps.nonfinite is not None:
                hit = Hit(bps.nonfinite, moved.diverged.position, moved.diverged.value)
        if hit is not None:
            bps.last_hit = hit
        msg = moved.diverged.describe() if moved.diverged else (hit.describe() if hit else None)
        if moved.g == before:
            return Outcome(False, msg, moved.diverged, moved.cancelled, hit)
        self._undo.append(before)
        self._stopped_at = None
        self._redo.clear()
        self._forget_oldest()
        return Outcome(True, msg, moved.diverged, moved.cancelled, hit)

    def _forget_oldest(self, edited: bool = False) -> None:
        """Bound the undo history: ``UNDO_DEPTH`` commands, and the branches its edits hold to as many
        as edits may be in effect (``edit_limit``), counted from the newest; the oldest go first.

        Called when a new command has cleared the redo list (the undo list holds all there is);
        only an edit adds branches, so only an edit counts them."""
        undo = self._undo
        start = max(0, len(undo) - UNDO_DEPTH)
        if edited:
            from .edit import EditEntry, edit_limit

            held, limit = 0, edit_limit(self.timeline)
            for i in range(len(undo) - 1, start - 1, -1):
                entry = undo[i]
                if isinstance(entry, EditEntry):
                    held += 1 + len(entry.removed)
                    if held > limit and i < len(undo) - 1:  # the newest command is always kept
                        start = i + 1
                        break
        if start:
            del undo[:start]
