"""Jumps (undo, redo, home, goto, back after a run) start from the nearest saved state.

The cost of a move is measured with the timeline's own instrument, ``passes_computed`` (passes
computed whole or in part), not with a clock: any jump costs at most one checkpoint stride.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bptui.engine import Debugger

from ..builders import apply, commands, random_network, same_state, stepped, streetlight


def stride_passes(dbg: Debugger) -> int:
    return dbg.timeline._stride * dbg.layout.passes


def cost_of(dbg: Debugger, command, *args, **kw):
    before = dbg.timeline.passes_computed
    out = getattr(dbg, command)(*args, **kw)
    return out, dbg.timeline.passes_computed - before


def reference(scenario, g: int) -> Debugger:
    ref = Debugger(scenario)
    ref.timeline.goto(g)
    return ref


def test_home_undo_redo_after_a_long_run_cost_at_most_one_stride() -> None:
    sc = streetlight()
    dbg = Debugger(sc)
    dbg.step()
    dbg.run(10_000)
    end = dbg.g
    limit = stride_passes(dbg) + 1
    out, cost = cost_of(dbg, "home")
    assert out.moved and dbg.g == 0 and cost <= 1
    assert dbg.target_undo() == end and dbg.replay_cost(end) <= limit
    out, cost = cost_of(dbg, "undo")  # forward: from the checkpoint nearest the end, not from 0
    assert out.moved and dbg.g == end and cost <= limit
    same_state(dbg, reference(sc, end))
    assert dbg.target_redo() == 0
    out, cost = cost_of(dbg, "redo")
    assert dbg.g == 0 and cost <= 1
    out, cost = cost_of(dbg, "goto", end - 7)  # a forward jump into ground already covered
    assert cost <= limit
    same_state(dbg, reference(sc, end - 7))


def test_jumps_land_on_the_states_of_stepping() -> None:
    sc = streetlight()
    dbg = Debugger(sc)
    dbg.run(300)
    end = dbg.g
    ref_end = stepped(sc, end)
    dbg.home()
    same_state(dbg, Debugger(sc))
    dbg.undo()
    same_state(dbg, ref_end)
    dbg.redo()
    dbg.redo() if dbg.can_redo() else None
    mid = 123 * dbg.layout.per_epoch + 9
    dbg.goto(mid)
    same_state(dbg, stepped(sc, mid))


def test_walking_back_through_an_epoch_after_a_run_costs_one_pass_per_step() -> None:
    sc = random_network(3, samples=40, sizes=(3, 5, 2))
    dbg = Debugger(sc)
    dbg.run(50)
    costs = []
    for _ in range(dbg.layout.per_epoch + 3):  # back through a whole epoch, into the previous one
        out, cost = cost_of(dbg, "back")
        assert out.moved
        costs.append(cost)
    assert max(costs) <= 1
    same_state(dbg, stepped(sc, dbg.g))


def test_walking_back_beyond_the_cached_passes_replays_once_then_one_pass_per_step() -> None:
    sc = random_network(4, samples=30, sizes=(2, 3, 2))
    dbg = Debugger(sc, pass_cache_budget=1)  # a cache of 2 passes: the run leaves only the last ones
    dbg.run(40)
    per = dbg.layout.per_pass
    dbg.goto(dbg.g - 6 * per)  # back 6 passes: a replay from the epoch checkpoint
    costs = [cost_of(dbg, "back")[1] for _ in range(per)]
    assert max(costs) <= 1
    same_state(dbg, stepped(sc, dbg.g))


def test_walking_back_past_the_ring_replays_at_most_the_gap_between_two_anchors() -> None:
    sc = random_network(5, samples=200, sizes=(2, 3, 2))
    codec_size = sum(a.size for _, a in Debugger(sc).params.arrays())
    row = 8 * codec_size + 16  # a row of the pass cache: the parameters, the key and the running loss
    dbg = Debugger(sc, pass_cache_budget=64 * row)  # 56 ring rows and 8 anchors for a 200-pass epoch
    cache = dbg.timeline._pass_cache
    assert (cache.slots, cache.anchor_slots) == (56, 8)
    dbg.run(3)
    per = dbg.layout.per_pass
    gap = -(-(200 - 55 - 1) // 8)  # the anchors spread over the epoch's passes before the ring's
    costs = []
    while dbg.g > 2 * dbg.layout.per_epoch + 1:  # back through the whole last epoch, to its first step
        costs.append(cost_of(dbg, "back")[1])
    assert max(costs) <= gap  # never a replay from the epoch's checkpoint
    assert sum(costs) <= 200 * per + 200  # about one pass per step, each anchor's stretch replayed once
    same_state(dbg, stepped(sc, dbg.g))
    dbg.back()  # into the epoch before: one replay from its checkpoint, which lays new anchors
    for _ in range(30 * per):
        assert cost_of(dbg, "back")[1] <= gap
    same_state(dbg, stepped(sc, dbg.g))


def test_a_cancelled_undo_stops_at_a_valid_position_and_keeps_both_stacks() -> None:
    sc = streetlight()
    dbg = Debugger(sc, pass_cache_budget=1)  # 2 cached passes: the end of the run is soon forgotten
    dbg.run(500)
    end = dbg.g
    back = 100 * dbg.layout.per_epoch
    dbg.goto(back)
    out = dbg.undo(should_stop=lambda: True)  # from the checkpoint of epoch 496: 4 epochs to go
    assert out.cancelled and out.moved and back < dbg.g < end
    assert dbg.position.step == "update" and dbg.position.sample == 4  # an epoch's end
    same_state(dbg, reference(sc, dbg.g))
    assert dbg.target_undo() == end and dbg.target_redo() == back
    assert dbg.undo().moved and dbg.g == end  # undo again finishes it
    same_state(dbg, reference(sc, end))
    assert dbg.undo().moved and dbg.g == 0 and not dbg.can_undo()
    assert dbg.redo().moved and dbg.g == end
    assert dbg.redo().moved and dbg.g == back and not dbg.can_redo()


def test_a_cancelled_undo_then_redo_returns_where_the_undo_started() -> None:
    sc = streetlight()
    dbg = Debugger(sc, pass_cache_budget=1)
    dbg.run(500)
    end = dbg.g
    back = 100 * dbg.layout.per_epoch
    dbg.goto(back)
    dbg.undo(should_stop=lambda: True)
    assert dbg.redo().moved and dbg.g == back  # the stop part way is not a place to return to
    assert dbg.target_undo() == end and not dbg.can_redo()
    assert dbg.undo().moved and dbg.g == end


def test_a_cancelled_redo_mirrors_undo() -> None:
    sc = streetlight()
    dbg = Debugger(sc, pass_cache_budget=1)  # 2 cached passes: the end of the run is soon forgotten
    dbg.run(500)
    end = dbg.g
    dbg.undo()  # at 0; redo goes to the end of the run
    dbg.timeline.goto(100 * dbg.layout.per_epoch)  # outside the command history: evict the end of the
    dbg.timeline.goto(0)  # run from the pass cache, so that redo replays from the checkpoint of epoch 496
    assert dbg.g == 0 and dbg.target_redo() == end
    out = dbg.redo(should_stop=lambda: True)
    assert out.cancelled and out.moved and 0 < dbg.g < end
    same_state(dbg, reference(sc, dbg.g))
    assert dbg.target_redo() == end and dbg.target_undo() == 0
    assert dbg.undo().moved and dbg.g == 0  # back to where the redo started
    assert dbg.redo().moved and dbg.g == end  # and redo finishes
    assert not dbg.can_redo() and dbg.target_undo() == 0


def test_undo_redo_and_jumps_accept_the_callbacks_of_run() -> None:
    dbg = Debugger(streetlight())
    seen = []
    kw = {"should_stop": lambda: False, "progress": lambda e, loss: seen.append(e)}
    assert dbg.finish_pass(**kw).moved and dbg.finish_sample(**kw).moved and dbg.finish_epoch(**kw).moved
    assert dbg.goto(400 * dbg.layout.per_epoch, **kw).moved
    assert seen and seen[-1] == 399  # the last pass is walked step by step
    assert dbg.home(**kw).moved and dbg.undo(**kw).moved and dbg.redo(**kw).moved


MOVES = commands(run=60, goto=3000, size=20)


@settings(max_examples=40)
@given(commands=MOVES, which=st.sampled_from(["street", "batch"]), budget=st.sampled_from([1, 2**20]))
def test_replay_cost_is_what_a_move_computes_and_never_more_than_a_stride(commands, which, budget) -> None:
    sc = streetlight() if which == "street" else random_network(3, mode="batch", hidden="relu")
    dbg = Debugger(sc, checkpoint_budget=budget, pass_cache_budget=budget)
    reached = 0
    for command in commands:
        name = command[0] if isinstance(command, tuple) else command
        target = {
            "step": dbg.g + 1,
            "back": max(0, dbg.g - 1),
            "finish_pass": dbg.target_finish_pass(),
            "finish_sample": dbg.target_finish_sample(),
            "finish_epoch": dbg.target_finish_epoch(),
            "undo": dbg.target_undo(),
            "redo": dbg.target_redo(),
            "home": 0,
            "run": dbg.target_run(command[1]) if name == "run" else None,
            "goto": command[1] if name == "goto" else None,
        }[name]
        if target is None:
            continue
        predicted = dbg.replay_cost(target)
        before = dbg.timeline.passes_computed
        apply(dbg, command)
        assert dbg.g == target
        assert dbg.timeline.passes_computed - before == predicted
        if target <= reached:  # ground covered: a jump, at most one stride plus the pass itself
            assert predicted <= stride_passes(dbg) + 1
        reached = max(reached, target)
    same_state(dbg, stepped(sc, dbg.g))


def test_costly_batch_passes_are_checkpointed_closer_than_cheap_online_ones() -> None:
    from bptui.engine.history import CheckpointStore

    from ..builders import batch_scenario

    assert CheckpointStore.min_gap(16, 1) == 64  # one-row passes: mostly Python, a checkpoint every 64
    assert CheckpointStore.min_gap(9, 4) > 32  # a tiny batch is just as cheap
    assert CheckpointStore.min_gap(12_480, 512) <= 8 and CheckpointStore.min_gap(400_000, 512) <= 8
    assert Debugger(streetlight()).timeline._stride == 16
    sc = batch_scenario((8, 64, 64, 4), 512)
    dbg = Debugger(sc)
    assert stride_passes(dbg) <= 8
    dbg.run(40)
    end = dbg.g
    dbg.home()
    out, cost = cost_of(dbg, "undo")
    assert out.moved and dbg.g == end and cost <= stride_passes(dbg) + 1
    same_state(dbg, reference(sc, end))
