"""Edits (``=``): later steps use the new value (checked against plain NumPy), undo is bit-exact."""

from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import Debugger
from bptui.engine.network import initial_params
from tests.builders import single_neuron, streetlight

S = 6  # micro-steps per pass of a two-layer network


def book_pass(W1, W2, x, t, lr):
    """Grokking ch. 6, one sample: relu hidden layer, identity output, ½(y−t)², SGD in place."""
    z1 = x @ W1
    a1 = np.maximum(z1, 0)
    y = a1 @ W2
    d2 = y - t
    d1 = (d2 @ W2.T) * (z1 > 0)
    loss = 0.5 * float(np.sum((y - t) ** 2))
    W2 -= lr * np.outer(a1, d2)
    W1 -= lr * np.outer(x, d1)
    return loss, a1, y


def snapshot(d: Debugger) -> dict:
    return {k: np.array(v, copy=True) for k, v in d.values().items()}


def same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def test_edit_mid_pass_recomputes_the_pass_and_later_steps_use_the_value():
    sc = streetlight()
    d = Debugger(sc)
    for _ in range(3):  # after backward 2 of sample 1
        d.step()
    assert d.edit("W1[0,1]", 0.5).moved
    W1, W2 = (w.copy() for w in initial_params(sc).W)
    W1[0, 1] = 0.5  # row convention: input 0 → unit 1; the pass is recomputed from its start
    X, T = sc.data_inputs, sc.data_targets
    # the values shown now already use the edit
    _, a1, y = book_pass(W1.copy(), W2.copy(), X[0], T[0], 0.2)
    assert np.allclose(d.values()["a1"], a1, rtol=0, atol=1e-15)
    assert np.allclose(d.values()["a2"], y, rtol=0, atol=1e-15)
    d.goto(2 * 4 * S)  # two epochs on
    losses = []
    for _ in range(2):
        acc = 0.0
        for x, t in zip(X, T):
            acc += book_pass(W1, W2, x, t, 0.2)[0]
        losses.append(acc)
    assert np.allclose(d.params_values()["W1"], W1, rtol=0, atol=1e-14)
    assert np.allclose(d.params_values()["W2"], W2, rtol=0, atol=1e-14)
    assert np.allclose(d.epoch_losses, losses, rtol=1e-13)


def test_edit_after_update_applies_to_the_next_pass_only():
    sc = streetlight()
    d = Debugger(sc)
    d.goto(S)  # after the update of sample 1
    assert d.edit("W2[2,0]", -1.25).moved
    assert d.params_values()["W2"][2, 0] == -1.25  # shown at once
    assert d.position.step == "update"
    W1, W2 = (w.copy() for w in initial_params(sc).W)
    X, T = sc.data_inputs, sc.data_targets
    first = book_pass(W1, W2, X[0], T[0], 0.2)[0]
    W2[2, 0] = -1.25
    acc = first + sum(book_pass(W1, W2, x, t, 0.2)[0] for x, t in zip(X[1:], T[1:]))
    d.goto(4 * S)
    assert d.epoch_losses == pytest.approx([acc], rel=1e-14)
    assert np.allclose(d.params_values()["W1"], W1, rtol=0, atol=1e-15)


def test_undo_of_an_edit_restores_bit_identical_values_and_redo_brings_it_back():
    sc = streetlight()
    plain = Debugger(sc)
    d = Debugger(sc)
    for deb in (plain, d):
        deb.goto(9)
    before = snapshot(d)
    d.edit("W1[1,3]", 2.0)
    edited = snapshot(d)
    assert not same(before, edited)
    d.run(30)  # a run after the edit (fast path, checkpoints in the branch)
    d.undo()  # the run
    assert same(snapshot(d), edited)
    d.undo()  # the edit
    assert same(snapshot(d), before)
    plain.run(30)
    d.run(30)  # the redo stack is gone: the plain history again
    assert same(snapshot(d), snapshot(plain))
    assert d.epoch_losses == plain.epoch_losses


def test_redo_reapplies_the_same_branch():
    d = Debugger(streetlight())
    d.goto(4)
    d.edit("learning_rate", 0.05)
    d.goto(60)
    after = snapshot(d)
    d.undo(), d.undo()
    d.redo(), d.redo()
    assert same(snapshot(d), after)


def test_stepping_back_before_the_edit_shows_old_values_and_forward_again_the_edited_ones():
    sc = streetlight()
    plain = Debugger(sc)
    d = Debugger(sc)
    d.goto(2 * S + 2)  # sample 3, forward 2
    d.edit("W1[0,0]", 0.75)
    d.goto(10 * 4 * S)  # ten epochs: checkpoints in the branch
    far = snapshot(d)
    for g in (2 * S, 2 * S - 1, 3):  # the previous update keeps the old value; before it: untouched
        d.goto(g)
        plain.goto(g)
        want = snapshot(plain)
        if g == 2 * S:  # the end of the previous pass is the branch's origin: the edit shows
            want["W1"] = want["W1"].copy()
            want["W1"][0, 0] = 0.75
        assert same(snapshot(d), want), g
    d.goto(10 * 4 * S)
    assert same(snapshot(d), far)
    d.goto(2 * S + 5)  # inside the edited pass, replayed from the branch's origin
    d.goto(10 * 4 * S)
    assert same(snapshot(d), far)


def test_input_and_target_edits_change_the_data_row_from_this_pass_on():
    sc = streetlight()
    d = Debugger(sc)
    d.goto(S + 3)  # sample 2, backward 2
    d.edit("a0[0]", 1.0)
    d.edit("t", 0.0)  # a one-element target needs no index
    assert list(d.values()["a0"]) == [1.0, 1.0, 1.0]
    assert list(d.values()["t"]) == [0.0]
    W1, W2 = (w.copy() for w in initial_params(sc).W)
    X, T = sc.data_inputs.copy(), sc.data_targets.copy()
    X[1, 0], T[1, 0] = 1.0, 0.0
    acc = sum(book_pass(W1, W2, x, t, 0.2)[0] for x, t in zip(X, T))
    acc2 = sum(book_pass(W1, W2, x, t, 0.2)[0] for x, t in zip(X, T))  # the next epoch uses the row too
    d.goto(2 * 4 * S)
    assert d.epoch_losses == pytest.approx([acc, acc2], rel=1e-13)


def test_an_edit_at_the_start_and_the_learning_rate():
    sc = single_neuron()
    d = Debugger(sc)
    d.edit("W1", 1.0)  # seed 000 with w = 1: y = 3, dW = (3 − 4)·2 = −2
    d.edit("lr", 0.5)
    d.goto(4)
    v = d.values()
    assert v["a1"][0] == 3.0 and v["dW1"][0, 0] == -2.0
    assert d.params_values()["W1"][0, 0] == 1.0 - 0.5 * -2.0
    d.undo()
    assert d.params_values()["W1"][0, 0] == 1.0 and d.g == 0  # the move to 4 is undone first
    d.undo()  # the learning rate: the weight edit stays
    d.goto(4)
    assert d.params_values()["W1"][0, 0] == 1.0 - 0.1 * -2.0


@pytest.mark.parametrize(
    "name, message",
    [
        ("z1[0]", "computed by the network"),
        ("dW1[0,0]", "computed by the network"),
        ("a2[0]", "only the input a0"),
        ("W3[0,0]", "layers 1 to 2"),
        ("W1[9,0]", "W1 is 3×4"),
        ("W1[0]", "W1 is 3×4"),
        ("b1[0]", "no bias"),
        ("hello", "cannot edit"),
        ("", "cannot edit"),
        ("W1[0,0]]", "cannot edit"),
    ],
)
def test_bad_names_are_refused_with_a_message_and_nothing_changes(name, message):
    d = Debugger(streetlight())
    d.goto(3)
    before = snapshot(d)
    out = d.edit(name, 1.0)
    assert not out.moved and message in out.message
    assert same(snapshot(d), before) and not d.can_redo()
    assert d.undo().moved and d.g == 0  # the undo stack holds only the move


def test_a_learning_rate_of_zero_is_refused():
    d = Debugger(streetlight())
    out = d.edit("learning_rate", 0.0)
    assert not out.moved and "greater than 0" in out.message


def test_the_update_derivation_at_an_edit_after_update_shows_what_the_update_computed():
    from bptui.engine.derivation import derive_step

    sc = streetlight()
    d = Debugger(sc)
    d.goto(S)
    computed = float(d.params_values()["W1"][0, 0])
    d.edit("W1[0,0]", 0.5)
    line = next(l for l in derive_step(d).lines if l.name == "W1[0,0]")
    assert line.value == computed and d.params_values()["W1"][0, 0] == 0.5
    d.step()  # the next pass: forward uses the edited weight
    assert np.array_equal(d.values()["z1"], sc.data_inputs[1] @ d.params.W[0])
    assert d.params.W[0][0, 0] == 0.5


def test_column_convention_indices_and_batch_inputs():
    from bptui.engine import TrainingSpec

    sc = streetlight(
        convention="column",
        training=TrainingSpec(loss="half_squared_error", reduction="sum", learning_rate=0.2, mode="batch"),
    )
    d = Debugger(sc)
    d.edit("W1[3,2]", 0.25)  # column: unit 3 from input 2
    assert d.params.W[0][2, 3] == 0.25 and d.params_values()["W1"][3, 2] == 0.25
    d.edit("a0[0,2]", 5.0)  # column batch: a0 is inputs × samples: input 0 of sample 2
    d.step()
    X = sc.data_inputs.copy()
    X[2, 0] = 5.0
    W1 = d.params_values()["W1"]
    assert np.array_equal(d.values()["z1"], W1 @ X.T)
    assert d.values()["a0"][0, 2] == 5.0


def test_jumps_inside_a_branch_with_a_tiny_history_match_numpy(monkeypatch):
    """With two cached passes, going back restores from the branch's origin or its own checkpoints."""
    from bptui.engine import edit

    monkeypatch.setattr(edit, "BRANCH_BUDGETS", {"checkpoint_budget": 1, "pass_cache_budget": 1})
    sc = streetlight()
    d = Debugger(sc)
    d.goto(2 * S + 2)  # pass 2 (sample 3), forward 2
    d.edit("W2[1,0]", 0.3)
    d.run(40)
    X, T = sc.data_inputs, sc.data_targets

    def params_at_pass_start(p):
        W1, W2 = (w.copy() for w in initial_params(sc).W)
        for q in range(p):
            if q == 2:
                W2[1, 0] = 0.3
            book_pass(W1, W2, X[q % 4], T[q % 4], 0.2)
        if p == 2:
            W2[1, 0] = 0.3
        return W1, W2

    for p in (3, 37, 2, 150, 5, 64, 159, 3):
        d.goto(p * S)  # the end of pass p − 1
        W1, W2 = params_at_pass_start(p)
        assert np.allclose(d.params_values()["W1"], W1, rtol=0, atol=1e-13), p
        assert np.allclose(d.params_values()["W2"], W2, rtol=0, atol=1e-13), p


def test_the_number_of_edits_in_effect_is_bounded(monkeypatch):
    from bptui.engine import edit

    monkeypatch.setattr(edit, "MAX_EDITS", 2)
    d = Debugger(streetlight())
    for g, value in ((0, 0.1), (7, 0.2)):
        d.goto(g)
        assert d.edit("W1[0,0]", value).moved
    d.goto(13)
    before = snapshot(d)
    out = d.edit("W1[0,0]", 0.3)
    assert not out.moved and "at most 2 edits" in out.message
    assert same(snapshot(d), before)
    d.undo()  # the move to 13
    d.undo()  # the second edit: now there is room again
    assert d.edit("W1[0,0]", 0.3).moved


def test_replay_cost_is_asked_of_the_branch_that_makes_the_move():
    d = Debugger(streetlight())
    d.goto(9)
    d.edit("W1[0,0]", 0.5)
    d.run(200)
    far = d.g
    root = d.timeline.segments[0].timeline
    assert d.replay_cost(3) == root.replay_cost(3)  # before the edit: the scenario's own timeline
    assert d.replay_cost(far - 1) == d.timeline.active.replay_cost(far - 1)
