"""What the TUI has not imported when it writes its first frame (issue 13: start-up time).

``python -m bptui`` starts on a real pty with ``App._display`` wrapped so that the first write
records ``sys.modules``. Everything listed in ``NOT_AT_START`` is needed only after the first
frame (a dialog, a command, an export, the first loss curve, an error message), so importing it
before would cost every start-up: this test keeps the laziness from regressing unnoticed.
"""

from __future__ import annotations

import sys
import time

import pytest

from .pty_session import ROOT, PtySession

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX pseudo-terminals only")

NOT_AT_START = (
    # the command line's parser: `bptui [--ascii] [SCENARIO]` needs none
    "argparse",
    # only for .npz data, and for a misspelt name in a file
    "zipfile",
    "bptui.scenario.catalog",
    # headless commands, exports, the web server
    "bptui.headless",
    "bptui.jsonout",
    "bptui.progress",
    "bptui.export",
    "bptui.web",
    "json",
    "threadpoolctl",
    # engine parts used by commands, not by the first frame
    "bptui.engine.gradcheck",
    "bptui.engine.diagnosis",
    "bptui.engine.scan",
    "bptui.engine.edit",
    "bptui.engine.predict",
    "bptui.engine.derivation.chain",
    "bptui.engine.derivation.momentum",
    "bptui.engine.checkpoints",
    # saving, and the dialogs (loaded when first opened)
    "bptui.tui.screens.confirm",
    "bptui.scenario.writer",
    "bptui.scenario.dump",
    "bptui.tui.screens.help",
    "bptui.tui.screens.save_file",
    "bptui.tui.screens.open_file",
    "bptui.tui.screens.predict",
    "bptui.tui.screens.edit",
    "bptui.tui.screens.breakpoints",
    "bptui.tui.screens.run_dialog",
    # the loss chart's plotting library comes with the first curve
    "plotext",
    "textual_plotext",
    # the empty loss chart is built as Text, not decoded from ANSI
    "rich.ansi",
    # Textual widgets the app does not show at start
    "textual.widgets._data_table",
    "textual.widgets._markdown",
    "textual.widgets._tabbed_content",
    "textual.widgets._text_area",
)

RECORD = """
import sys
from textual.app import App

_display = App._display


def _display_recording(self, screen, update):
    if not getattr(App, "_modules_recorded", False):
        App._modules_recorded = True
        with open(sys.argv[1] + ".tmp", "w") as f:
            f.write("\\n".join(sorted(sys.modules)))
        import os

        os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    return _display(self, screen, update)


App._display = _display_recording
from bptui.cli import main

raise SystemExit(main(sys.argv[2:]))
"""


def modules_at_first_frame(tmp_path, *args: str) -> set[str]:
    record = tmp_path / "modules.txt"
    command = [sys.executable, "-c", RECORD, str(record), *args]
    with PtySession(command=command, cols=120, rows=40, cwd=ROOT) as session:
        deadline = time.monotonic() + 30
        while not record.exists() and time.monotonic() < deadline and session.proc.poll() is None:
            time.sleep(0.05)
        assert record.exists(), session.text()[-2000:]
    return set(record.read_text().split())


def test_the_first_frame_is_written_before_anything_only_needed_later_is_imported(tmp_path):
    modules = modules_at_first_frame(tmp_path, "scenarios/streetlight.toml")
    assert {"textual.app", "numpy", "bptui.engine", "bptui.tui.app"} <= modules  # the record is real
    assert sorted(m for m in NOT_AT_START if m in modules) == []


def test_the_same_with_the_ascii_option_and_the_default_scenario(tmp_path):
    modules = modules_at_first_frame(tmp_path, "--ascii")
    assert "bptui.tui.app" in modules
    assert sorted(m for m in NOT_AT_START if m in modules) == []
