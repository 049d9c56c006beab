"""Reading an app's output from a pseudo-terminal, for the benchmarks that start ``bptui`` on one
(start-up, bytes per micro-step): one reader, so both wait for a frame the same way.

The "terminal" may answer Textual's query for synchronised output (``answer_sync``): Textual then
brackets every update it writes by ``ESC[?2026h`` … ``ESC[?2026l``, so updates can be counted
(``SYNC_START``).
"""

from __future__ import annotations

import os
import select
import time

SYNC_START = b"\x1b[?2026h"
SYNC_QUERY, SYNC_REPLY = b"\x1b[?2026$p", b"\x1b[?2026;1$y"  # DECRQM: "synchronised output: supported"


def read_pty(
    fd: int,
    quiet: float,
    limit: float,
    *,
    since: float | None = None,
    ready: bytes = b"",
    answer_sync: bool = False,
) -> tuple[bytes, float, bool]:
    """What ``fd`` gives until it has been silent for ``quiet`` seconds once ``ready`` has been
    read (any byte, by default), or until the read ends; at most until ``limit`` seconds after
    ``since`` (a ``time.monotonic()`` moment; by default now).

    Returns (the bytes, the moment the last of them was read (``since`` if none), whether ``ready``
    was read). ``answer_sync``: answer the query for synchronised output, once, when it comes.
    """
    start = time.monotonic() if since is None else since
    out, last, seen, answered = b"", start, False, not answer_sync
    while time.monotonic() - start < limit:
        r, _, _ = select.select([fd], [], [], 0.01)
        now = time.monotonic()
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
            last = now
            if not answered and SYNC_QUERY in out:
                os.write(fd, SYNC_REPLY)
                answered = True
            seen = seen or ready in out
        elif seen and now - last >= quiet:
            break
    return out, last, seen
