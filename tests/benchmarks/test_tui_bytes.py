"""Terminal output per micro-step, measured as the bytes the app writes to a real pseudo-terminal.

Over SSH every byte counts: a micro-step should cost the terminal only what it changes. The app
runs as ``python -m bptui`` under a pty of 120×40 (``TERM=xterm-256color``); after the first frame
``n`` is sent 12 times, and the bytes read after each are counted. Report-only (issue 8's budget:
median ≤ 6 KB on streetlight, ≤ 12 KB on a 5-layer 8-unit network); the assertion only checks
that every step wrote something, so a frozen screen cannot pass as a cheap one.
"""
from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

ROOT = Path(os.environ.get("BPTUI_ROOT", Path(__file__).resolve().parents[2]))
STEPS = 12
SIZE = (120, 40)


def deep_scenario(path: Path) -> Path:
    """8 inputs → five layers of 8 units (tanh, sigmoid output), 4 samples, online."""
    layers = "".join(f'\n[[network.layers]]\nunits = 8\nactivation = "{"sigmoid" if k == 4 else "tanh"}"\n'
                     for k in range(5))
    rows = [[((3 * i + 5 * j) % 7) / 7 for j in range(8)] for i in range(4)]
    targets = [[((i + j) % 3) / 2 for j in range(8)] for i in range(4)]
    text = (f'title = "Deep: five layers of eight"\n\n[network]\ninputs = 8\nconvention = "row"\n{layers}\n'
            f"[init]\nseed = 4\n\n[data]\ninputs = {rows}\ntargets = {targets}\n\n"
            '[training]\nloss = "half_squared_error"\nlearning_rate = 0.1\nepochs = 5\n')
    path.write_text(text)
    return path


def _drain(fd: int, quiet: float, limit: float) -> int:
    """Bytes read from ``fd`` until it has been silent for ``quiet`` seconds (at most ``limit``)."""
    total, start, last = 0, time.monotonic(), time.monotonic()
    while time.monotonic() - start < limit:
        r, _, _ = select.select([fd], [], [], 0.02)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            total += len(data)
            last = time.monotonic()
        elif total and time.monotonic() - last > quiet:
            break
    return total


def bytes_per_step(scenario: str) -> list[int]:
    pid, fd = pty.fork()
    if pid == 0:  # the child: the app, in this worktree
        os.environ.update(TERM="xterm-256color", PYTHONPATH=str(ROOT), COLUMNS=str(SIZE[0]), LINES=str(SIZE[1]))
        os.environ.pop("NO_COLOR", None)
        os.chdir(ROOT)  # `-m` puts the working directory first on sys.path
        os.execv(sys.executable, [sys.executable, "-m", "bptui", scenario])
    try:
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
        _drain(fd, quiet=1.0, limit=20)  # the first frame
        counts = []
        for _ in range(STEPS):
            os.write(fd, b"n")
            counts.append(_drain(fd, quiet=0.4, limit=5))
        return counts
    finally:
        os.kill(pid, signal.SIGTERM)
        os.waitpid(pid, 0)
        os.close(fd)


@pytest.mark.benchmark
@pytest.mark.parametrize("name", ["streetlight", "deep"])
def test_bytes_per_micro_step_at_120x40(name, tmp_path, capsys):
    scenario = str(deep_scenario(tmp_path / "deep.toml")) if name == "deep" else name
    counts = bytes_per_step(scenario)
    with capsys.disabled():
        print(f"\n{name}: bytes per micro-step at 120x40: median {statistics.median(counts):,.0f}, "
              f"max {max(counts):,}, all {counts}")
    assert all(c > 0 for c in counts)
