"""The checkpoints list names a position the way the status line does: batches in minibatch mode."""

import pytest

from bptui.engine import Debugger
from bptui.engine.breakpoints import parse_breakpoint
from bptui.engine.checkpoints import checkpoint_states
from bptui.scenario import load_scenario, resolve


def test_minibatch_checkpoints_are_named_by_batch() -> None:
    d = Debugger(load_scenario(resolve("clusters_minibatch")))
    states = checkpoint_states(d)
    assert states and all(" batch " in s.describe() and " sample " not in s.describe() for s in states)
    d.run(1)
    reached = checkpoint_states(d)
    assert any(s.result is not None and " batch " in s.describe() for s in reached)


def test_online_checkpoints_are_named_by_sample() -> None:
    d = Debugger(load_scenario(resolve("streetlight")))
    assert all(" sample " in s.describe() for s in checkpoint_states(d))


def test_a_sample_breakpoint_beyond_the_batches_is_refused_in_batches() -> None:
    d = Debugger(load_scenario(resolve("clusters_minibatch")))
    passes = d.layout.passes
    with pytest.raises(ValueError, match=f"{passes} batches per epoch"):
        parse_breakpoint("sample", str(passes + 1), d.layout)
    d.breakpoints.add(parse_breakpoint("sample", "2", d.layout))
    outcome = d.run(1)
    assert outcome.hit is not None and ", batch 2/" in outcome.hit.where()


def test_expectations_index_by_position_as_a_plain_scan_does() -> None:
    d = Debugger(load_scenario(resolve("clusters_minibatch")))
    ex = d.expectations
    gs = list(ex.gs)
    assert gs == sorted(gs) and len(ex) == len(d.scenario.expectations) > 0
    for lo in range(-1, gs[-1] + 2):
        assert list(ex.at(lo)) == [i for i, g in enumerate(gs) if g == lo]
        assert ex.next_after(lo) == next((g for g in gs if g > lo), None)
        for hi in (lo, lo + 1, lo + 7, gs[-1] + 1):
            assert list(ex.between(lo, hi)) == [i for i, g in enumerate(gs) if lo < g <= hi]
