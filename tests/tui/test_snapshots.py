"""SVG snapshots of the first frame and of a frame in the middle of the backward pass.

Regenerate with ``pytest tests/tui --snapshot-update`` after a deliberate change of the look.
"""

from __future__ import annotations

import pytest

from bptui.tui import BptuiApp

from .conftest import size_id, steps, streetlight, wide

MID_BACKWARD = ["n"] * 4  # forward 1, forward 2, loss, backward 2


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=size_id)
def test_first_frame(snap_compare, size):
    assert snap_compare(BptuiApp(streetlight()), terminal_size=size, run_before=steps())


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=size_id)
def test_mid_backward_pass(snap_compare, size):
    assert snap_compare(BptuiApp(streetlight()), terminal_size=size, run_before=steps(*MID_BACKWARD))


def test_wide_network_drawn_in_full(snap_compare):
    """Five layers of 8 units and a 784-unit input, summarised, at 120×40."""
    assert snap_compare(BptuiApp(wide()), terminal_size=(120, 40), run_before=steps("f", "n", "n"))


@pytest.mark.parametrize("size", [(120, 40), (80, 24)], ids=size_id)
def test_breakpoints_dialog(snap_compare, size):
    """The b dialog over the panes: the default breakpoint listed, the kinds, both fields."""
    assert snap_compare(BptuiApp(streetlight()), terminal_size=size, run_before=steps("b"))
