"""A pane asked to draw while it is being removed (a scenario replaced before the new panes' first
layout: two quick reloads) must not end the app: its body is gone, so neither the drawing nor the
failure notice has anywhere to go. Found by the suite's timing changes (issue 10)."""

from __future__ import annotations

import pytest

from bptui.tui import BptuiApp
from bptui.tui.widgets import ChainRulePane, InspectorPane
from bptui.tui.widgets.lines import LinesView

from ..builders import streetlight


@pytest.mark.parametrize("pane_type", [ChainRulePane, InspectorPane])
async def test_a_pane_without_its_body_draws_nothing_and_the_app_goes_on(pane_type) -> None:
    app = BptuiApp(streetlight())
    async with app.run_test(size=(120, 40)) as pilot:
        pane = app.query_one(pane_type)
        await pane.query_one(LinesView).remove()
        pane.redraw()  # what a late resize or state change does to a pane on its way out
        assert pane.failure is not None and "NoMatches" in pane.failure
        await pilot.press("n")
        await pilot.pause()
        assert app.is_running
        assert app.debugger.g == 1  # the key still stepped
