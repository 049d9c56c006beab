"""Errors a user can cause, each with a message that says what is wrong and how to fix it."""

from __future__ import annotations

from pathlib import Path

from bptui.printable import printable

# exit statuses of `bptui run` / `check` / `export` (docs/SPEC.md §5), for cli.py and headless.py
EXIT_OK = 0
EXIT_MISMATCH = 1  # an [[expect]] value or a gradient check disagreed
EXIT_BAD_FILE = 2  # a user error: a bad file or command line, reported in one line
EXIT_DIVERGED = 3  # training produced a non-finite value

MESSAGE_LIMIT = 4000  # characters of one message; the echoed values in it are shortened at the source
PATH_LIMIT = 300  # characters of the file name shown (a data file's name comes from the scenario)


class ScenarioError(Exception):
    """A bad scenario file. ``str(err)`` is ``FILE[:LINE]: what is wrong and how to fix it``.

    Always one line of printable text: a message quotes keys, values and file names from someone
    else's file, so control characters (a newline that forges a second ``bptui: error:`` line, an
    escape sequence that renames the terminal) are shown escaped (``\\x1b``) and length is bounded.
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = str(path)
        self.line = line
        self.message = printable(message, MESSAGE_LIMIT)
        super().__init__(str(self))

    def __str__(self) -> str:
        shown = printable(self.path, PATH_LIMIT)
        where = shown if self.line is None else f"{shown}:{self.line}"
        return f"{where}: {self.message}"
