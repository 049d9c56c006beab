"""What the screen shows as a function of the position, and the Network at its largest."""

from __future__ import annotations

import re

from bptui.tui import BptuiApp

from .conftest import pane_text, wide


async def test_k_steps_forward_then_k_back_give_the_identical_screen(scenario):
    app = BptuiApp(scenario)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = app.export_screenshot()
        k = 2 * 6 + 3  # across two sample boundaries and an update
        await pilot.press(*["n"] * k)
        assert app.debugger.g == k
        assert app.export_screenshot() != first
        await pilot.press(*["p"] * k)
        await pilot.pause()
        assert app.debugger.g == 0
        assert app.export_screenshot() == first


async def test_five_layers_of_eight_fit_at_120x40_and_large_layers_are_summarised():
    app = BptuiApp(wide())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f")
        network = app.query_one("#network")
        body = network.query_one("#body")
        assert body.size.width <= network.scrollable_content_region.width  # nothing scrolled away
        text = pane_text(app, "network")
        # 784 inputs: the first ones, and how many are left out (the counts add up to 784)
        shown = [line.split("├")[0] for line in text.splitlines()[1:] if line.startswith(" │")]
        more = [int(m) for m in re.findall(r"⋮ (\d+) more", text)]
        assert more and len(shown) + sum(more) == 784
        header = text.splitlines()[0]
        for l in range(1, 6):
            assert f"W{l}" in header and f"a{l}" in header
        assert " t" in header  # the target column fits too
