"""``python -m bptui`` on a real pseudo-terminal, for the terminal and abuse tests.

The app is started with the pty as its controlling terminal (stdin, stdout and stderr: Textual
draws on stderr), so resizes, termios flags and signals are the real ones. What the app writes is
collected by a reader thread; ``screen_text()`` gives a rough plain-text view of it, enough to
check that the app still answers.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]
POLL = 0.05  # seconds the reader waits for output before it looks whether it should stop

# What Textual writes to take the terminal over, and what gives it back.
TAKE = {
    "alt screen": "\x1b[?1049h",
    "mouse": "\x1b[?1000h",
    "mouse motion": "\x1b[?1003h",
    "sgr mouse": "\x1b[?1006h",
    "bracketed paste": "\x1b[?2004h",
}
GIVE_BACK = {
    "alt screen": "\x1b[?1049l",
    "mouse": "\x1b[?1000l",
    "mouse motion": "\x1b[?1003l",
    "sgr mouse": "\x1b[?1006l",
    "bracketed paste": "\x1b[?2004l",
}

_CSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[P\]][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def _make_controlling_tty() -> None:  # runs in the child, after setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtySession:
    """One ``python -m bptui ARGS`` (or ``command``) on its own pty; ``close()`` always reaps it."""

    def __init__(
        self,
        *args: str,
        cols: int = 100,
        rows: int = 30,
        env: dict | None = None,
        command: list[str] | None = None,
        cwd: str | Path | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        set_size(self.master, cols, rows)
        environment = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", COLUMNS="", LINES="")
        environment.pop("COLUMNS"), environment.pop("LINES")
        environment.pop("TEXTUAL_ALLOW_SIGNALS", None)
        environment.update(env or {})
        self.proc = subprocess.Popen(
            command or [sys.executable, "-m", "bptui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd or ROOT,
            env=environment,
            start_new_session=True,
            preexec_fn=_make_controlling_tty,  # noqa: PLW1509 - a controlling tty has no other way in 3.11
        )
        os.close(slave)
        self._chunks: list[bytes] = []
        self._size = 0  # bytes read so far (``wait_quiet`` polls it without joining the output)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        """Polled, not blocking: ``close()`` ends the reader even while something else (a child the
        app left behind) keeps the slave side of the pty open and no EIO comes."""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.master], [], [], POLL)
                if not ready:
                    continue
                data = os.read(self.master, 65536)
            except (OSError, ValueError):  # EIO: every slave fd is closed (ValueError: fd closed)
                return
            if not data:
                return
            with self._lock:
                self._chunks.append(data)
                self._size += len(data)

    # --- what the app wrote ----------------------------------------------------------------------

    @property
    def output(self) -> bytes:
        with self._lock:
            if len(self._chunks) > 1:
                self._chunks = [b"".join(self._chunks)]
            return self._chunks[0] if self._chunks else b""

    @property
    def size(self) -> int:
        """How many bytes the app has written so far (``len(output)`` without building it)."""
        return self._size

    def text(self) -> str:
        return self.output.decode("utf-8", "replace")

    def wait_for(self, needle: str | bytes, timeout: float = 10.0, start: int = 0) -> bool:
        """Wait until ``needle`` appears in the output after byte ``start``."""
        raw = needle.encode() if isinstance(needle, str) else needle
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if raw in self.output[start:]:
                return True
            if self.proc.poll() is not None:
                time.sleep(0.05)
                return raw in self.output[start:]
            time.sleep(0.02)
        return False

    def wait_ready(self, timeout: float = 20.0) -> bool:
        """The app has drawn its first frame (the footer's Next key is on screen)."""
        return self.wait_for("Next", timeout)

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 10.0) -> bool:
        """Wait until the app has written nothing for ``quiet`` seconds while none of its threads
        ran or waited for a core: the app has read what it was sent and drawn what followed. (On
        a loaded machine an app kept from a core writes nothing either; its threads then show as
        runnable, so the clock restarts instead of passing it for quiet.)"""
        deadline = time.monotonic() + timeout
        size, since = self.size, time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.01)
            now = self.size
            if now != size or self.running():
                size, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return True
        return False

    def running(self) -> bool:
        """Whether a thread of the app is running or ready to run (state ``R`` in /proc)."""
        try:
            tasks = os.listdir(f"/proc/{self.proc.pid}/task")
        except OSError:  # no /proc, or the app has ended
            return False
        for task in tasks:
            try:
                with open(f"/proc/{self.proc.pid}/task/{task}/stat", "rb") as stat:
                    if stat.read().rpartition(b")")[2].split()[0] == b"R":
                        return True
            except (OSError, IndexError):
                continue
        return False

    # --- what the user does ------------------------------------------------------------------------

    def write(self, data: str | bytes) -> None:
        raw = data.encode() if isinstance(data, str) else data
        while raw:
            n = os.write(self.master, raw[:1024])
            raw = raw[n:]

    def resize(self, cols: int, rows: int) -> None:
        set_size(self.master, cols, rows)  # the kernel sends SIGWINCH to the foreground group

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def lflag(self) -> int:
        return termios.tcgetattr(self.master)[3]

    def cooked(self) -> bool:
        """The pty is back in line mode with echo (what a shell expects)."""
        flags = self.lflag()
        return bool(flags & termios.ICANON) and bool(flags & termios.ECHO)

    def wait(self, timeout: float = 15.0) -> int | None:
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(2.0)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
        self._reader.join(0.5)  # EIO ends it at once when the app's side is closed
        self._stop.set()
        self._reader.join(2.0)
        with contextlib.suppress(OSError):
            os.close(self.master)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def restored(output: bytes) -> list[str]:
    """What the app took over and did not give back: after the last time it took each mode, it
    must have written the sequence that leaves it."""
    text = output.decode("utf-8", "replace")
    missing = []
    for name, on in TAKE.items():
        last_on = text.rfind(on)
        if last_on >= 0 and text.find(GIVE_BACK[name], last_on) < 0:
            missing.append(name)
    return missing


def plain(output: bytes) -> str:
    """The output with escape sequences removed (a rough view of what was drawn)."""
    return _CSI.sub("", output.decode("utf-8", "replace"))
