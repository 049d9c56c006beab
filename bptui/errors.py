"""Errors a user can cause, each with a message that says what is wrong and how to fix it."""
from __future__ import annotations

from pathlib import Path


class ScenarioError(Exception):
    """A bad scenario file. ``str(err)`` is ``FILE[:LINE]: what is wrong and how to fix it``."""

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"
