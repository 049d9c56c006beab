"""The timeline: any walk lands where replaying from the start lands, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger

from ..builders import apply, commands, random_network, same_state, stepped, streetlight

COMMANDS = commands(run=4, goto=400, size=25)


@settings(max_examples=60)
@given(commands=COMMANDS, which=st.sampled_from(["street", "batch", "column"]))
def test_any_walk_equals_replay_from_start(commands, which) -> None:
    scenario = {
        "street": streetlight(),
        "batch": random_network(3, mode="batch", loss="binary_cross_entropy", hidden="relu"),
        "column": random_network(4, convention="column", loss="cross_entropy", sizes=(2, 3, 3), samples=5),
    }[which]
    # tiny budgets, so checkpoint thinning and the pass cache's eviction are exercised too
    dbg = Debugger(scenario, checkpoint_budget=1, pass_cache_budget=1)
    for command in commands:
        apply(dbg, command)
    same_state(dbg, stepped(scenario, dbg.g))


@pytest.mark.parametrize("epochs", [1, 2, 7])
def test_run_equals_single_steps(epochs: int) -> None:
    sc = streetlight()
    ran = Debugger(sc)
    ran.run(epochs)
    same_state(ran, stepped(sc, epochs * ran.layout.per_epoch))


def test_undo_redo_whole_commands() -> None:
    dbg = Debugger(streetlight())
    dbg.step()
    dbg.run(500)
    assert dbg.position.epoch == 500 and dbg.position.step == "update"
    end = dbg.params.copy()
    assert dbg.undo().moved
    assert dbg.g == 1
    assert dbg.redo().moved
    assert dbg.params.equals(end)
    assert not dbg.redo().moved  # nothing left to redo: state intact
    assert dbg.params.equals(end)


def test_back_from_a_long_run_to_the_very_start_is_exact_and_memory_is_bounded() -> None:
    sc = streetlight()
    dbg = Debugger(sc, checkpoint_budget=200 * streetlight_param_bytes())
    dbg.run(10_000)
    assert dbg.timeline.checkpoint_count() <= 200
    assert dbg.timeline._checkpoints.nbytes() <= 200 * streetlight_param_bytes()
    assert dbg.timeline.history_bytes() <= dbg.timeline.history_budget()
    # any position in between equals a fresh run to it
    mid = 7_777 * dbg.layout.per_epoch + 5
    dbg.goto(mid)
    fresh = Debugger(sc)
    fresh.goto(mid)
    same_state(dbg, fresh)
    dbg.home()
    assert dbg.g == 0
    assert dbg.params.equals(Debugger(sc).params)


def streetlight_param_bytes() -> int:
    return Debugger(streetlight()).params.nbytes()


def test_back_at_start_says_so_and_changes_nothing() -> None:
    dbg = Debugger(streetlight())
    out = dbg.back()
    assert not out.moved and "start" in out.message
    assert dbg.g == 0 and not dbg.can_undo()


def test_finish_commands_land_on_the_documented_steps() -> None:
    dbg = Debugger(streetlight())  # L = 2: forward 1, forward 2, loss, backward 2, backward 1, update
    dbg.finish_pass()
    assert dbg.position.step == "loss"
    dbg.finish_pass()
    assert dbg.position.step == "backward 1"
    dbg.finish_pass()
    assert dbg.position.step == "update"
    dbg.finish_sample()
    assert (dbg.position.sample, dbg.position.step) == (2, "update")
    dbg.step()
    dbg.finish_epoch()
    assert (dbg.position.epoch, dbg.position.sample, dbg.position.step) == (1, 4, "update")
    dbg.finish_epoch()
    assert (dbg.position.epoch, dbg.position.sample) == (2, 4)
    dbg.step()
    dbg.run(3)  # the epoch under way counts as the first of the three
    assert (dbg.position.epoch, dbg.position.step) == (5, "update")
    assert dbg.position.status() == "epoch 5 · sample 4/4 · update (6/6)"


def test_divergence_stops_at_the_first_non_finite_step() -> None:
    # a linear network with a learning rate far too large: the weights grow geometrically
    sc = random_network(5, hidden="identity", loss="half_squared_error", learning_rate=3.0)
    dbg = Debugger(sc)
    out = dbg.run(1000)
    assert out.diverged is not None
    # the same place found the slow way: one step at a time, checking every value written
    ref = Debugger(sc)
    while True:
        ref.timeline.goto(ref.g + 1)
        bad = [n for n, v in ref.values().items() if not np.all(np.isfinite(v))]
        if bad:
            break
    assert dbg.g == ref.g
    assert out.diverged.value in bad
    assert dbg.position.epoch < 1000
    assert "diverged" in out.message
    # state is intact and still navigable
    assert dbg.back().moved
    assert dbg.undo().moved


def test_a_cancelled_run_ends_at_an_epoch_end_and_is_one_undoable_command() -> None:
    sc = streetlight()
    dbg = Debugger(sc)
    polls = []
    seen = []

    def stop() -> bool:
        polls.append(1)
        return len(polls) > 37

    out = dbg.run(1_000_000, should_stop=stop, progress=lambda epoch, loss: seen.append((epoch, loss)))
    assert out.cancelled and out.moved
    assert dbg.position.step == "update" and dbg.position.sample == 4
    assert dbg.position.epoch == len(dbg.epoch_losses) == 38
    assert seen[-1][0] == 37 and seen[-1][1] == dbg.epoch_losses[36]
    same_state(dbg, stepped(sc, dbg.g))
    dbg.undo()
    assert dbg.g == 0


def test_progress_bar_draws_only_on_a_terminal() -> None:
    import io

    from bptui.progress import ProgressBar

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    piped, tty = io.StringIO(), Tty()
    for stream in (piped, tty):
        bar = ProgressBar(10, stream=stream, interval=0.0)
        bar.update(5, 0.25)
        bar.close()
    assert piped.getvalue() == ""
    assert "epoch 5/10" in tty.getvalue() and "loss 0.25" in tty.getvalue()
