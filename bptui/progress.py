"""A one-line progress bar on stderr for long headless runs, only when stderr is a terminal.

Redrawn at most ten times a second, so it costs nothing measurable even at 100,000 epochs a second.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    WIDTH = 30

    def __init__(self, total: int, stream: TextIO | None = None, interval: float = 0.1) -> None:
        self.total = max(1, total)
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty()
        self.interval = interval
        self._last = 0.0
        self._drawn = False

    def update(self, done: int, loss: float) -> None:
        """Epochs done, and the loss of the last one (called every epoch: cheap when not drawing)."""
        if self._due():
            self._draw(done, f"epoch {done}/{self.total}  loss {loss:.6g}")

    def count(self, done: int, what: str) -> None:
        """``done`` of ``total`` units of ``what`` (e.g. "elements checked")."""
        if self._due():
            self._draw(done, f"{done}/{self.total} {what}")

    def _due(self) -> bool:
        if not self.enabled:
            return False
        now = time.monotonic()
        if now - self._last < self.interval:
            return False
        self._last = now
        return True

    def _draw(self, done: int, text: str) -> None:
        filled = int(self.WIDTH * min(done, self.total) / self.total)
        bar = "█" * filled + "·" * (self.WIDTH - filled)
        self.stream.write(f"\r{bar} {text} ")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
