"""Each breakpoint kind fires at the micro-step an independent computation says it must.

The references never use the engine's fast path or scan: plain NumPy loops (the book's cell for
streetlight) or a Debugger walked one micro-step at a time with every value read.
"""

from __future__ import annotations

import numpy as np
import pytest

from bptui.engine import Debugger, Expectation, Scenario
from bptui.engine.breakpoints import Breakpoint, parse_breakpoint

from ..builders import STREETLIGHT_T, STREETLIGHT_X, book_loop, diverging, random_network, same_state, streetlight


def with_bp(scenario: Scenario, *bps: Breakpoint) -> Debugger:
    dbg = Debugger(scenario)
    for bp in bps:
        dbg.breakpoints.add(bp)
    return dbg


def first_falling_below(losses: list[float], x: float) -> int | None:
    for e, loss in enumerate(losses, start=1):
        if loss < x and (e == 1 or not losses[e - 2] < x):
            return e
    return None


@pytest.mark.parametrize("x", [0.5, 0.2, 0.05, 0.01, 0.001])
def test_loss_below_fires_at_the_end_of_the_epoch_the_book_loop_says(x: float) -> None:
    errors = [e / 2 for e in book_loop(200)[2]]  # the book prints Σ(y−t)²; streetlight's loss is ½ of it
    want = first_falling_below(errors, x)
    dbg = with_bp(streetlight(), Breakpoint("loss_below", x))
    out = dbg.run(200)
    assert want is not None and out.hit is not None and out.hit.breakpoint.kind == "loss_below"
    assert dbg.g == want * dbg.layout.per_epoch
    assert (out.hit.position.epoch, out.hit.position.step) == (want, "update")
    assert dbg.epoch_losses[-1] == pytest.approx(errors[want - 1], rel=1e-12)


def test_loss_below_fires_on_falling_only_so_continuing_goes_on() -> None:
    dbg = with_bp(streetlight(), Breakpoint("loss_below", 0.05))
    first = dbg.run(200)
    assert first.hit is not None
    second = dbg.run(100)
    assert second.hit is None and dbg.layout.completed_epochs(dbg.g) == first.hit.position.epoch + 100


def grad_steps_by_stepping(scenario: Scenario, x: float, limit: int) -> int | None:
    """The first micro-step (a backward step) writing a dW or db whose norm exceeds ``x``."""
    ref = Debugger(scenario)
    while ref.g < limit:
        ref.timeline.goto(ref.g + 1)
        if ref.position.phase != "backward":
            continue
        l = ref.position.layer
        for name in (f"dW{l}", f"db{l}"):
            v = ref.values().get(name)
            if v is not None and np.linalg.norm(np.ravel(v)) > x:
                return ref.g
    return None


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("mode", ["online", "batch"])
def test_grad_norm_fires_at_the_backward_step_found_by_stepping(seed: int, mode: str) -> None:
    sc = random_network(seed, mode=mode, hidden="relu", sizes=(3, 4, 2), samples=3, learning_rate=0.05)
    probe = Debugger(sc)
    probe.run(30)
    # a threshold a little under the largest norm seen in the first epochs: fires somewhere inside
    norms = []
    ref = Debugger(sc)
    while ref.g < probe.g:
        ref.timeline.goto(ref.g + 1)
        if ref.position.phase == "backward":
            l = ref.position.layer
            norms += [np.linalg.norm(np.ravel(ref.values()[n])) for n in (f"dW{l}", f"db{l}") if n in ref.values()]
    x = float(np.quantile(norms, 0.97))
    want = grad_steps_by_stepping(sc, x, probe.g)
    dbg = with_bp(sc, Breakpoint("grad_norm", x))
    out = dbg.run(30)
    assert want is not None and out.hit is not None and out.hit.breakpoint.kind == "grad_norm"
    assert dbg.g == want
    same_state(dbg, _stepped(sc, want))


def _stepped(sc: Scenario, g: int) -> Debugger:
    d = Debugger(sc)
    d.breakpoints.reset()
    d.goto(g)
    return d


def test_epoch_and_sample_fire_where_the_arithmetic_says() -> None:
    dbg = with_bp(streetlight(), Breakpoint("epoch", 7))
    out = dbg.run(60)
    assert out.hit is not None and dbg.g == 7 * 24 and dbg.position.step == "update"
    dbg = with_bp(streetlight(), Breakpoint("sample", 3))
    for epoch in (1, 2, 3):
        out = dbg.run(60)
        assert out.hit is not None
        assert (dbg.position.epoch, dbg.position.sample, dbg.position.step) == (epoch, 3, "forward 1")
        assert dbg.g == ((epoch - 1) * 4 + 2) * 6 + 1


def dead_epochs_by_loop(epochs: int) -> list[int]:
    """Streetlight's book loop, recording which hidden relu units output 0 for a whole epoch."""
    np.random.seed(1)
    w01 = 2 * np.random.random((3, 4)) - 1
    w12 = 2 * np.random.random((4, 1)) - 1
    found = []
    for e in range(1, epochs + 1):
        alive = np.zeros(4, bool)
        for i in range(4):
            l0, t = STREETLIGHT_X[i : i + 1], STREETLIGHT_T[i : i + 1]
            l1 = np.maximum(l0.dot(w01), 0.0)
            alive |= (l1 > 0)[0]
            l2 = l1.dot(w12)
            d2 = l2 - t
            d1 = d2.dot(w12.T) * (l1 > 0)
            w12 -= 0.2 * l1.T.dot(d2)
            w01 -= 0.2 * l0.T.dot(d1)
        if not alive.all():
            found.append(e)
    return found


def test_relu_dead_fires_at_the_end_of_each_epoch_the_loop_finds_one() -> None:
    want = dead_epochs_by_loop(20)
    assert want  # streetlight's seed 1 kills two of its four hidden units in the first epoch
    dbg = with_bp(streetlight(), Breakpoint("relu_dead"))
    got = []
    while len(got) < 3:
        out = dbg.run(20)
        assert out.hit is not None and out.hit.breakpoint.kind == "relu_dead"
        got.append(dbg.position.epoch)
        assert dbg.position.step == "update" and dbg.position.sample == 4
    assert got == want[:3]


def test_relu_dead_from_the_middle_of_an_epoch_still_sees_its_whole_epoch() -> None:
    dbg = with_bp(streetlight(), Breakpoint("relu_dead"))
    dbg.goto(2 * 6 + 3)  # epoch 1, sample 3, mid-pass
    out = dbg.run(5)
    assert out.hit is not None and dbg.g == 24  # epoch 1 ends with units that never fired


def test_expect_fail_fires_at_the_failing_checkpoint_only() -> None:
    good = Expectation(epoch=1, sample=2, after="forward 1", tolerance=1e-9, values={})
    sc = streetlight(
        expectations=(Expectation(epoch=1, sample=1, after="loss", tolerance=1e-12, values={"loss": np.array(0.0)}),)
    )
    ref = Debugger(sc)
    ref.goto(3)  # forward 1, forward 2, loss
    dbg = with_bp(sc, Breakpoint("expect_fail"))
    out = dbg.run(5)
    assert out.hit is not None and out.hit.breakpoint.kind == "expect_fail" and dbg.g == 3
    assert "FAIL" in out.hit.detail
    true_loss = float(ref.values()["loss"])
    ok = streetlight(
        expectations=(
            good,
            Expectation(epoch=1, sample=1, after="loss", tolerance=1e-9, values={"loss": np.array(true_loss)}),
        )
    )
    dbg = with_bp(ok, Breakpoint("expect_fail"))
    out = dbg.run(5)
    assert out.hit is None and dbg.g == 5 * 24


def first_nonfinite_by_stepping(sc: Scenario, limit: int) -> int | None:
    ref = Debugger(sc)
    ref.breakpoints.reset()
    with np.errstate(all="ignore"):
        while ref.g < limit:
            ref.timeline.goto(ref.g + 1)
            if any(not np.all(np.isfinite(v)) for v in ref.values().values()):
                return ref.g
    return None


@pytest.mark.parametrize("extra", [None, Breakpoint("grad_norm", 1e300), Breakpoint("loss_below", -1.0)])
def test_nonfinite_fires_where_stepping_first_sees_inf_or_nan(extra) -> None:
    sc = diverging()
    want = first_nonfinite_by_stepping(sc, 5000)
    dbg = with_bp(sc, *([extra] if extra else []))
    out = dbg.run(1000)
    assert want is not None and dbg.g == want
    assert out.hit is not None and out.hit.breakpoint.kind == "nonfinite" and out.diverged is not None


def test_grad_norm_stops_a_diverging_run_before_it_overflows() -> None:
    dbg = with_bp(diverging(), Breakpoint("grad_norm", 1e6))
    out = dbg.run(1000)
    assert out.hit is not None and out.hit.breakpoint.kind == "grad_norm"
    assert abs(float(dbg.values()["dW1"][0, 0])) > 1e6 and np.isfinite(dbg.values()["W1"]).all()


def test_without_the_nonfinite_breakpoint_a_run_goes_through_nan() -> None:
    dbg = Debugger(diverging())
    dbg.breakpoints.remove(0)
    out = dbg.run(1000)
    assert out.hit is None and out.diverged is None and dbg.g == 1000 * dbg.layout.per_epoch


def test_a_watched_run_leaves_the_same_numbers_as_a_plain_one() -> None:
    sc = streetlight()
    plain = Debugger(sc)
    plain.run(300)
    watched = with_bp(sc, Breakpoint("grad_norm", 1e9), Breakpoint("loss_below", -1.0), Breakpoint("epoch", 10**6))
    out = watched.run(300)
    assert out.hit is None
    same_state(watched, plain)


def test_undo_of_a_stopped_run_returns_to_where_it_started() -> None:
    dbg = with_bp(streetlight(), Breakpoint("loss_below", 0.05))
    dbg.goto(7)
    start = dbg.timeline.params.copy()
    out = dbg.run(200)
    assert out.hit is not None and dbg.g > 7
    assert dbg.undo().moved and dbg.g == 7 and dbg.params.equals(start)
    assert dbg.redo().moved and dbg.g == out.hit.position.g


def test_a_command_never_stops_where_it_starts() -> None:
    dbg = with_bp(streetlight(), Breakpoint("sample", 1))
    out = dbg.run(3)
    assert out.hit is not None and dbg.g == 1
    out = dbg.run(3)
    assert dbg.g == 25 and out.hit is not None  # the next epoch's sample 1


def test_the_last_hit_is_remembered() -> None:
    dbg = with_bp(streetlight(), Breakpoint("epoch", 2))
    out = dbg.run(5)
    assert dbg.breakpoints.last_hit == out.hit


@pytest.mark.parametrize(
    ("kind", "text", "needle"),
    [
        ("epoch", "abc", "not a whole number"),
        ("epoch", "-3", "negative"),
        ("epoch", "0", "out of range"),
        ("sample", "9", "4 sample"),
        ("loss_below", "nan", "nan is not allowed"),
        ("loss_below", "lots", "not a number"),
        ("grad_norm", "-1", "never negative"),
        ("grad_norm", "inf", "infinite"),
        ("epoch", "", "whole number"),
        ("bogus", "1", "unknown breakpoint kind"),
    ],
)
def test_wrong_input_is_refused_with_a_sentence(kind: str, text: str, needle: str) -> None:
    layout = Debugger(streetlight()).layout
    with pytest.raises(ValueError, match=needle):
        parse_breakpoint(kind, text, layout)


def test_breakpoint_list_add_remove_reset() -> None:
    dbg = Debugger(streetlight())
    bps = dbg.breakpoints
    assert [b.kind for b in bps.items] == ["nonfinite"]
    assert "set" in bps.add(Breakpoint("epoch", 3))
    assert "already" in bps.add(Breakpoint("epoch", 3))
    assert "no breakpoint 9" in bps.remove(8)
    assert "removed" in bps.remove(1) and len(bps.items) == 1


def test_after_an_edit_a_watched_run_matches_a_plain_one() -> None:
    def edited(*bps: Breakpoint) -> Debugger:
        dbg = Debugger(streetlight())
        dbg.run(3)
        assert dbg.edit("learning_rate", 0.05).moved
        for bp in bps:
            dbg.breakpoints.add(bp)
        return dbg

    plain = edited()
    plain.run(50)
    watched = edited(Breakpoint("grad_norm", 1e9), Breakpoint("loss_below", -1.0))
    assert watched.run(50).hit is None
    same_state(watched, plain)
    # the loss curve of the edited run decides where "loss < x" fires
    losses = plain.epoch_losses
    x = losses[20] * 1.0000001  # just above epoch 21's loss: fires at the first epoch below it
    want = first_falling_below(losses[3:], x)
    dbg = edited(Breakpoint("loss_below", x))
    out = dbg.run(50)
    assert want is not None and out.hit is not None and dbg.position.epoch == want + 3


def test_a_single_step_with_relu_dead_set_does_not_replay_the_epoch() -> None:
    dbg = with_bp(streetlight(), Breakpoint("relu_dead"))
    dbg.goto(3 * 6 + 3)  # sample 4, mid-pass: a step cannot reach the epoch's end
    before = dbg.timeline.passes_computed
    out = dbg.step()
    assert out.moved and out.hit is None and dbg.g == 22
    # the pass under way walked again, whole, and found again: 3 (from the epoch's start it would be 5)
    assert dbg.timeline.passes_computed - before <= 3


def dead_epochs_by_stepping(sc: Scenario, epochs: int) -> list[int]:
    """Walk one micro-step at a time; after each forward of a relu layer note which units fired."""
    ref = Debugger(sc)
    ref.breakpoints.reset()
    relu = [l for l, layer in enumerate(sc.layers, start=1) if layer.activation == "relu"]
    alive: dict[int, np.ndarray] = {}
    found = []
    while ref.layout.completed_epochs(ref.g) < epochs:
        ref.timeline.goto(ref.g + 1)
        pos = ref.position
        if pos.phase == "forward" and pos.layer in relu:
            a = np.asarray(ref.values()[f"a{pos.layer}"])
            fired = (a > 0) if a.ndim == 1 else (a > 0).any(axis=0 if sc.convention == "row" else 1)
            alive[pos.layer] = alive.get(pos.layer, np.zeros(fired.shape, bool)) | fired
        if pos.step == "update" and pos.sample == pos.samples:
            if any(not v.all() for v in alive.values()):
                found.append(pos.epoch)
            alive = {}
    return found


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("mode", ["online", "batch"])
@pytest.mark.parametrize("convention", ["row", "column"])
def test_relu_dead_matches_stepping_in_both_modes(seed: int, mode: str, convention: str) -> None:
    sc = random_network(seed, hidden="relu", sizes=(3, 6, 2), samples=3, mode=mode, convention=convention)
    want = dead_epochs_by_stepping(sc, 8)
    dbg = with_bp(sc, Breakpoint("relu_dead"))
    got = []
    while True:
        out = dbg.run(8 - dbg.layout.completed_epochs(dbg.g)) if dbg.layout.completed_epochs(dbg.g) < 8 else None
        if out is None or out.hit is None:
            break
        got.append(dbg.position.epoch)
    assert got == want


def test_expect_fail_among_checkpoints_of_the_same_pass() -> None:
    from dataclasses import replace

    from ..builders import single_neuron

    sc = single_neuron()
    wrong = Expectation(epoch=1, sample=1, after="loss", tolerance=1e-9, values={"loss": np.array(9.0)})
    dbg = with_bp(replace(sc, expectations=sc.expectations + (wrong,)), Breakpoint("expect_fail"))
    out = dbg.run(3)
    assert out.hit is not None and dbg.position.step == "loss" and dbg.g == 2
    assert "loss = [2.] expected [9.]" in out.hit.detail  # ½(2 − 4)² = 2
    out = dbg.run(3)  # the others hold: the run goes on to its end
    assert out.hit is None and dbg.g == 3 * dbg.layout.per_epoch


def test_escape_stops_a_watched_run_at_an_epoch_end() -> None:
    dbg = with_bp(streetlight(), Breakpoint("loss_below", -1.0), Breakpoint("grad_norm", 1e9))
    polls = []

    def stop() -> bool:
        polls.append(1)
        return len(polls) > 3

    out = dbg.run(10_000, should_stop=stop)
    assert out.cancelled and out.hit is None and out.moved
    assert dbg.g % dbg.layout.per_epoch == 0 and dbg.layout.completed_epochs(dbg.g) < 10_000
    plain = Debugger(streetlight())
    plain.goto(dbg.g)
    same_state(dbg, plain)


@pytest.mark.parametrize("extra", [None, Breakpoint("epoch", 10**6)])
def test_after_a_divergence_a_run_goes_on_through_nan(extra) -> None:
    dbg = with_bp(diverging(), *([extra] if extra else []))
    first = dbg.run(1000)
    assert first.hit is not None and first.hit.breakpoint.kind == "nonfinite"
    for _ in range(4000):  # each new inf (the loss of each later pass) stops again, until W itself overflows
        if not np.isfinite(dbg.params.W[0]).all():
            break
        dbg.run(1)
    assert not np.isfinite(dbg.params.W[0]).all()
    epochs = dbg.layout.completed_epochs(dbg.g)
    out = dbg.run(5)  # nothing *becomes* non-finite any more: the same for the plain and the watched move
    assert out.hit is None and out.diverged is None
    assert dbg.layout.completed_epochs(dbg.g) == epochs + 5
