"""The Textual front end: ``run_tui(scenario)`` opens the stepping debugger on a scenario."""
from __future__ import annotations

from bptui.engine import Scenario

from .app import BptuiApp


def run_tui(scenario: Scenario, ascii: bool = False) -> None:
    """Build the app for ``scenario`` and run it until the user quits (``ascii``: plain ASCII graph)."""
    BptuiApp(scenario, ascii=ascii).run()


__all__ = ["BptuiApp", "run_tui"]
