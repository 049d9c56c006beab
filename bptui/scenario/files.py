"""Opening a file named by someone else's scenario: say what it is when it is not a regular file.

``/dev/zero`` would be read forever, a FIFO would block the open until someone writes to it, and
"is a directory" or "no such file" about either is wrong. :func:`kind` names what a path is from
``stat`` (which never blocks), and :func:`open_regular` opens without blocking and checks again
on the open file, so a path swapped between the two checks is refused too.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device (such as /dev/zero)"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str | None:
    """What a ``st_mode`` is when it is not a regular file (``"a directory"``, …), else ``None``."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


class NotRegular(OSError):
    """The path is not a regular file; ``what`` says what it is."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary, or :class:`NotRegular`; never blocks on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        what = kind(os.fstat(fd).st_mode)
        if what:
            raise NotRegular(what)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
