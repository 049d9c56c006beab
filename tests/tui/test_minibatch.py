"""Minibatch mode and momentum in the TUI: the status line counts batches, the Network pane and the
Inspector say which samples of the data the batch holds, velocities and da0 are shown."""

from __future__ import annotations

import numpy as np
import pytest

from bptui.tui import BptuiApp
from bptui.tui.widgets.network import NetworkPane

from ..builders import minibatch_network
from .conftest import pane_text


def status(app: BptuiApp) -> str:
    return app.query_one("#status").render().plain


async def test_status_network_and_inspector_in_minibatch_mode():
    sc = minibatch_network(4, batch_size=3, samples=7, shuffle=5, momentum=0.9, sizes=(3, 4, 2))
    app = BptuiApp(sc)
    async with app.run_test(size=(120, 40)) as pilot:
        assert "epoch 1 · batch 1/3 · start (0/6)" in status(app)
        await pilot.press("n")
        await pilot.pause()
        assert "epoch 1 · batch 1/3 · forward 1 (1/6)" in status(app)
        perm = np.random.RandomState([5, 1]).permutation(7)
        want = tuple(int(i) + 1 for i in perm[:3])
        assert app.state.samples == want
        assert "mean of the batch's 3 samples" in pane_text(app, "network")
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert f"sample 2/3 (data sample {want[1]})" in pane_text(app, "network")
        a1 = np.asarray(app.state.values["a1"])  # column convention: (units, samples)
        shown = app.query_one(NetworkPane).scene(app.state)[0].shown[1]
        assert [float(v) for v in shown] == pytest.approx(a1[:, 1].tolist())
        inspector = pane_text(app, "inspector")
        assert "data samples " + ", ".join(map(str, want)) in inspector
        assert "vW1" in inspector and "da0" in inspector
        await pilot.press("s")  # through the update: into batch 2
        await pilot.press("n")
        await pilot.pause()
        assert "epoch 1 · batch 2/3" in status(app)
        assert app.state.samples == tuple(int(i) + 1 for i in perm[3:6])
