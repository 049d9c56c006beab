"""History memory counted honestly: what the timeline reports against the RSS a long run adds.

Issue 13: 1M epochs of streetlight grew RSS by 89 MB while the history reported 8 MB (a ``Params``
copy per checkpoint: ~700 bytes of Python objects, 128 counted). Now every saved state is a row
of a preallocated array and the bytes reported are the bytes allocated. Measured in a fresh
process (``bptui run``'s settings: malloc thresholds pinned), so nothing freed earlier is reused:
the RSS growth of a run of :data:`EPOCHS` epochs against the growth of ``history_bytes()``.
"Before" is the old way measured in the same process: as many ``Params`` copies as the run kept
checkpoints, their RSS against the bytes the old count gave them (their numbers).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .measure import row, show

ROOT = Path(__file__).resolve().parents[2]
EPOCHS = 250_000
GOAL = 1.25  # RSS growth at most this many times the bytes reported

CHILD = """
import json, os, sys
from bptui.allocator import pin_malloc_thresholds
from bptui.engine import Debugger
from tests.builders import streetlight

def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

pin_malloc_thresholds()
dbg = Debugger(streetlight())
tl = dbg.timeline
r0, h0 = rss(), tl.history_bytes()
dbg.run(int(sys.argv[1]))
r1, h1 = rss(), tl.history_bytes()
n = tl.checkpoint_count()
params = dbg.params
old = {e: params.copy() for e in range(n)}  # the old store: a Params copy per checkpoint
r2 = rss()
print(json.dumps({"rss": r1 - r0, "reported": h1 - h0, "held": h1, "checkpoints": n,
                  "old_rss": r2 - r1, "old_reported": n * params.nbytes()}))
"""


def measure(epochs: int = EPOCHS) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(epochs)], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def rows() -> list[dict]:
    m = measure()
    ratio = m["rss"] / m["reported"]
    old_ratio = m["old_rss"] / m["old_reported"]
    mb = 1e-6
    return [
        row(
            f"history memory, streetlight {EPOCHS:,} epochs: RSS growth <= {GOAL:.2f}x what the history reports",
            f"{m['old_rss'] * mb:.1f} MB RSS for {m['old_reported'] * mb:.1f} MB counted ({old_ratio:.1f}x: "
            f"{m['checkpoints']:,} Params copies; issue: 89 MB vs 8 MB at 1M epochs)",
            f"{m['rss'] * mb:.1f} MB RSS growth, {m['reported'] * mb:.1f} MB reported ({m['held'] * mb:.1f} MB held)",
            "history_bytes() growth",
            ratio,
            ratio <= GOAL,
        )
    ]


@pytest.mark.benchmark
def test_history_memory_is_counted_honestly(capsys) -> None:
    result = rows()
    with capsys.disabled():
        print("\n" + show("history memory against RSS", result))
