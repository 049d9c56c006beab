"""SVG snapshots of the Network pane at the sizes a class meets: alone at 80×24, in the grid at
120×40 and 200×60. Each capture is taken once the app has settled (pauses and scheduled animations).

Regenerate with ``pytest tests/tui/test_network_snapshots.py --snapshot-update`` after a deliberate
change of the look, and look at the SVGs before committing.
"""

from __future__ import annotations

import pytest

from bptui.scenario import load_scenario, resolve
from bptui.tui import BptuiApp

from .conftest import size_id, steps, streetlight, wide


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)], ids=size_id)
def test_network_mid_backward_pass(snap_compare, size):
    """Streetlight after forward 1, forward 2, loss, backward 2: dz flowing back, W1[0,1] selected."""
    app = BptuiApp(streetlight())
    assert snap_compare(app, terminal_size=size, run_before=steps("tab", "right", "shift+tab", "n", "n", "n", "n"))


@pytest.mark.parametrize("size", [(120, 40), (200, 60)], ids=size_id)
def test_network_summarises_a_large_layer(snap_compare, size):
    """784 inputs and five layers of 8, forward 2 highlighted."""
    assert snap_compare(BptuiApp(wide()), terminal_size=size, run_before=steps("n", "n"))


def test_network_in_ascii_batch_sample(snap_compare):
    """XOR in batch mode, --ascii, the second sample of the batch drawn, at 120×40."""
    app = BptuiApp(load_scenario(resolve("xor")), ascii=True)
    assert snap_compare(
        app, terminal_size=(120, 40), run_before=steps("n", "right_square_bracket", "right_square_bracket")
    )
