"""The Textual front end: ``run_tui(scenario)`` opens the stepping debugger on a scenario."""

from __future__ import annotations

from bptui.engine import Scenario

from .app import BptuiApp


def run_tui(scenario: Scenario, ascii: bool = False) -> int:
    """Run the app on ``scenario`` until the user quits (``ascii``: plain ASCII graph); return the
    exit status (0: quit; 128 + N: ended by signal N, terminal restored; 1: the app stopped on an
    internal error)."""
    app = BptuiApp(scenario, ascii=ascii)
    try:
        from .terminal import run_app  # termios: POSIX terminals only
    except ImportError:
        app.run()
        return 0 if app.return_code == 0 else 1
    return run_app(app)


__all__ = ["BptuiApp", "run_tui"]
