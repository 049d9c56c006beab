"""History memory: what the timeline counts against what the process really grew by (report only).

Streetlight runs ``EPOCHS`` epochs in a fresh child process; the resident set size before and
after the run (``/proc/self/statm``) is compared with ``Timeline.history_bytes()``, what the
timeline says it holds for going back (the figure its documented budget is made of). Issue 13
measured 89 MB of RSS growth for 8 MB reported after 1M epochs (Python objects per checkpoint
were not counted). Goal: the count is the real one (the growth at most 1.25× the count).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .measure import row

ROOT = Path(os.environ.get("BPTUI_ROOT", Path(__file__).resolve().parents[2]))
EPOCHS = 200_000
GOAL = 1.25
CHILD = """
import json, os, sys
from tests.builders import streetlight
from bptui.engine import Debugger

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

dbg = Debugger(streetlight())
dbg.run(1)
before = rss()
dbg.run(int(sys.argv[1]) - 1)
timeline = dbg.timeline
print(json.dumps({"rss": rss() - before, "counted": timeline.history_bytes(), "budget": timeline.history_budget()}))
"""


def measure(epochs: int = EPOCHS) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(epochs)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def rows() -> list[dict]:
    m = measure()
    rss, counted = m["rss"] / 1e6, m["counted"] / 1e6
    return [
        row(
            f"history memory counted = real ({EPOCHS:,} epochs of streetlight): RSS growth <= {GOAL}x counted",
            "1M epochs: 89 MB RSS vs 8 MB counted (issue)",
            f"counted {counted:.1f} MB (budget {m['budget'] / 1e6:.0f} MB)",
            f"RSS growth {rss:.1f} MB",
            rss / counted,
            rss <= GOAL * counted + 0.5,
        )
    ]


@pytest.mark.benchmark
def test_history_memory_is_counted(capsys) -> None:
    m = measure()
    with capsys.disabled():
        print(
            f"\n[benchmark] streetlight {EPOCHS:,} epochs: history counted {m['counted'] / 1e6:.1f} MB, "
            f"RSS growth {m['rss'] / 1e6:.1f} MB, budget {m['budget'] / 1e6:.0f} MB"
        )
