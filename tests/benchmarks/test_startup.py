"""Start-up through a raw pty: ``python -m bptui scenarios/streetlight.toml`` against a minimal
Textual app (Header, Footer and a Static), measured side by side.

Each side runs as its own process on a pty of 120×40 (``TERM=xterm-256color``), started in turn,
``ROUNDS`` times each, interleaved so machine noise hits both alike; the medians are compared. The
"terminal" answers Textual's query for synchronised output, so every update the app writes is
bracketed by ``ESC[?2026h`` … ``ESC[?2026l`` and can be counted.

The first full frame is over when the app has written its footer (``Next`` for bptui, ``palette``
for the minimal app) and then nothing for ``QUIET`` seconds: its time is that of the last byte
before the silence, counted from just before the process was started (interpreter start-up and
imports included). The bytes and updates are those written until then.

A third side is the minimal app importing first what bptui cannot start without (NumPy, the
engine, the scenario loader, the TUI's modules): what is left of bptui's start-up over it is
what bptui does beyond those imports. ``BPTUI_BEFORE=/path/to/checkout`` adds a fourth side:
that checkout (e.g. the main branch before a change), started in the same rounds.

Every side caches bytecode normally (``PYTHONDONTWRITEBYTECODE`` is dropped for the children), and a
warm-up run of each, not counted, writes the caches first: none pays for compiling its modules.

Issue 13's goal: the first full frame in at most 1.3× the minimal app's time, in one update.
"""

from __future__ import annotations

import os
import pty
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..processes import cpu_seconds
from .measure import row
from .pty_read import SYNC_START, read_pty

# the checkout measured (BPTUI_ROOT compares another one, e.g. a branch before a change)
ROOT = Path(os.environ.get("BPTUI_ROOT", Path(__file__).resolve().parents[2]))
# a checkout from before the work on start-up, measured in the same rounds (its bytecode goes to
# a cache folder of its own, so nothing is written into that checkout)
BEFORE = os.environ.get("BPTUI_BEFORE")
SIZE = (120, 40)
ROUNDS = 11
QUIET = 0.5  # seconds of silence after the footer that end the first frame
LIMIT = 20.0

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Footer, Header, Static


class Minimal(App):
    def compose(self):
        yield Header()
        yield Static("a minimal Textual app")
        yield Footer()


Minimal().run()
"""

# the same app, importing first what bptui cannot start without (NumPy, the engine, the scenario
# loader, the TUI's modules) as bptui does: the floor of bptui's start-up with these imports
IMPORTS_FIRST = (
    """
import gc
gc.disable()
from bptui.blas import start_on_one_thread
start_on_one_thread()
from bptui.scenario import load_scenario, resolve
from bptui.engine import Debugger
import bptui.tui, bptui.tui.terminal
Debugger(load_scenario(resolve("streetlight")))
gc.enable()
"""
    + MINIMAL_APP
)


@dataclass(frozen=True)
class Start:
    seconds: float  # from the spawn to the last byte of the first full frame
    nbytes: int
    updates: int  # synchronised updates written (ESC[?2026h count)
    ready: bool  # the footer appeared
    cpu: float  # CPU seconds (user + system) the process had used when the frame was over


def start_once(argv: list[str], needle: bytes, cwd: Path, root: Path = ROOT, cache: str | None = None) -> Start:
    """Start ``argv`` on a fresh pty and read until the first full frame is over (see above)."""
    env = dict(os.environ, TERM="xterm-256color", PYTHONPATH=str(root), COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
    for name in ("PYTHONDONTWRITEBYTECODE", "NO_COLOR", "TEXTUAL_ALLOW_SIGNALS", "TEXTUAL", "PYTHONPYCACHEPREFIX"):
        env.pop(name, None)
    if cache:
        env["PYTHONPYCACHEPREFIX"] = cache
    t0 = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        try:
            import fcntl
            import struct
            import termios

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, *argv], env)
        finally:
            os._exit(127)
    try:
        out, last, seen = read_pty(fd, QUIET, LIMIT, since=t0, ready=needle, answer_sync=True)
        cpu = cpu_seconds(pid)
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    return Start(last - t0, len(out), out.count(SYNC_START), seen, cpu)


def bptui_start(scenario: str = "scenarios/streetlight.toml", root: Path = ROOT, cache: str | None = None) -> Start:
    return start_once(["-m", "bptui", scenario], b"Next", root, root, cache)


def minimal_start(folder: Path, imports_first: bool = False) -> Start:
    script = folder / ("minimal_app_importing_bptui.py" if imports_first else "minimal_textual_app.py")
    if not script.exists():
        script.write_text(IMPORTS_FIRST if imports_first else MINIMAL_APP)
    return start_once([str(script)], b"palette", folder)


def measure(folder: Path, rounds: int = ROUNDS) -> tuple[list[Start], list[Start], list[Start], list[Start]]:
    """``rounds`` starts of bptui, of the minimal app, of the minimal app importing bptui's
    modules first (and of the ``BEFORE`` checkout, if given), interleaved, after a warm-up of each."""
    cache = str(folder / "before-pycache")
    sides = [bptui_start, lambda: minimal_start(folder), lambda: minimal_start(folder, imports_first=True)]
    if BEFORE:
        sides.append(lambda: bptui_start(root=Path(BEFORE), cache=cache))
    for start in sides:
        start()  # bytecode caches written, files in the page cache
    runs: list[list[Start]] = [[] for _ in sides]
    for _ in range(rounds):
        for side, start in zip(runs, sides):
            side.append(start())
    return runs[0], runs[1], runs[2], runs[3] if BEFORE else []


def median(starts: list[Start], field: str) -> float:
    return statistics.median(getattr(s, field) for s in starts)


def rows() -> list[dict]:
    """The table's start-up rows (issue 13: 0.60 s vs 0.31 s, 1.67×; 83 KB in 3 full frames vs 7 KB)."""
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs, floor, before = measure(Path(folder))
    t, t_ref, t_floor = median(ours, "seconds"), median(theirs, "seconds"), median(floor, "seconds")
    kb, kb_ref = median(ours, "nbytes") / 1000, median(theirs, "nbytes") / 1000
    updates, updates_ref = median(ours, "updates"), median(theirs, "updates")
    then_t = then_kb = ""
    if before:
        then_t = f"; before this work, same run: {median(before, 'seconds'):.2f} s"
        then_t += f" ({median(before, 'seconds') / t_ref:.2f}x)"
        then_kb = f"; before, same run: {median(before, 'nbytes') / 1000:.1f} KB in {median(before, 'updates'):g}"
    return [
        row(
            "start-up: first full frame (raw pty 120x40, streetlight) <= 1.3x a minimal Textual app",
            "0.60 s vs 0.31 s, 1.67x (issue)" + then_t,
            f"{t:.2f} s (CPU {median(ours, 'cpu'):.2f} s)",
            f"minimal Textual app {t_ref:.2f} s (CPU {median(theirs, 'cpu'):.2f} s); the same app importing "
            f"NumPy, the engine and the TUI's modules first {t_floor:.2f} s (CPU {median(floor, 'cpu'):.2f} s)",
            t / t_ref,
            t / t_ref <= 1.3,
        ),
        row(
            "start-up: written until the first frame is complete: one frame",
            "83 KB, 3 full frames (issue)" + then_kb,
            f"{kb:.1f} KB in {updates:g} update{'s' if updates != 1 else ''}",
            f"minimal Textual app {kb_ref:.1f} KB in {updates_ref:g} updates",
            kb / kb_ref,
            updates == 1,
        ),
    ]


@pytest.mark.benchmark
def test_startup_against_a_minimal_textual_app(tmp_path, capsys) -> None:
    ours, theirs, floor, before = measure(tmp_path)
    with capsys.disabled():
        sides = [("bptui streetlight", ours), ("minimal Textual app", theirs), ("minimal app + bptui's imports", floor)]
        for name, starts in sides + ([(f"bptui at {BEFORE}", before)] if before else []):
            print(
                f"\n{name}: first full frame median {median(starts, 'seconds'):.3f} s "
                f"(all {', '.join(f'{s.seconds:.2f}' for s in starts)}); CPU {median(starts, 'cpu'):.2f} s; "
                f"{median(starts, 'nbytes') / 1000:.1f} KB in {median(starts, 'updates'):g} updates "
                f"(all {[s.updates for s in starts]})"
            )
        print(
            f"ratio {median(ours, 'seconds') / median(theirs, 'seconds'):.2f}× (goal ≤ 1.3×, one update); "
            f"CPU ratio {median(ours, 'cpu') / median(theirs, 'cpu'):.2f}×"
        )
    assert all(s.ready for s in ours + theirs)  # both drew their footer
