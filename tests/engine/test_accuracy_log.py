"""The test accuracies recorded at epoch ends stay those of stepping one micro-step at a time,
whatever path of commands (runs, jumps, back, undo, redo, home) led to a position."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import given, settings

from bptui.engine import Debugger
from bptui.engine.accuracy import accuracy
from bptui.engine.network import Network

from ..builders import apply, commands, random_network, stepped


def with_split(mode: str, seed: int = 3):
    """A small softmax classifier with 5 training and 7 test samples."""
    sc = random_network(seed, loss="cross_entropy", mode=mode, samples=12, learning_rate=0.5)
    return replace(
        sc,
        data_inputs=sc.data_inputs[:5],
        data_targets=sc.data_targets[:5],
        test_inputs=sc.data_inputs[5:],
        test_targets=sc.data_targets[5:],
    )


def by_hand(sc, epochs: int) -> list[float]:
    """Each epoch's test accuracy, scored on the parameters a step-by-step walk reaches at its end."""
    out = []
    dbg = Debugger(sc)
    for e in range(1, epochs + 1):
        dbg.timeline.goto(e * dbg.layout.per_epoch)
        tl = dbg.timeline
        out.append(accuracy(Network.from_scenario(sc), tl.params, sc.test_inputs, sc.test_targets))
    return out


def test_each_epoch_is_scored_on_its_end_parameters() -> None:
    for mode in ("online", "batch"):
        sc = with_split(mode)
        dbg = Debugger(sc)
        dbg.run(6)  # the fast path
        assert dbg.test_accuracies().tolist() == by_hand(sc, 6), mode
        assert len(set(by_hand(sc, 6))) > 1  # the scores move: the test can tell epochs apart


@settings(max_examples=40, deadline=None)
@given(commands(run=4, goto=80, size=8))
def test_any_path_of_commands_records_what_stepping_does(cmds) -> None:
    sc = with_split("online")
    dbg = Debugger(sc)
    for command in cmds:
        apply(dbg, command)
    reference = stepped(sc, dbg.g)
    assert np.array_equal(dbg.test_accuracies(), reference.test_accuracies())
    assert len(dbg.test_accuracies()) == len(dbg.epoch_losses)


def test_no_split_no_scores() -> None:
    dbg = Debugger(random_network(1))
    dbg.run(2)
    assert dbg.test_accuracies() is None and dbg.accuracy() is None
