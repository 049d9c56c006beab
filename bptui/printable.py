"""Text from a scenario file made safe to put on a terminal: control characters shown, length bounded.

A scenario is someone else's data. Its title, description, keys and names reach the terminal (the
TUI, ``bptui run``, one-line error messages); an escape sequence in them must be *shown*
(``\\x1b``), never obeyed, and a 100 KB name must not flood a message. Every place that echoes
file text goes through :func:`printable`.
"""

from __future__ import annotations

import unicodedata

DEFAULT_LIMIT = 200  # characters kept of one echoed value in a message


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def is_unsafe(ch: str) -> bool:
    """Control (Cc), format (Cf: bidi overrides, zero-width), line/paragraph separators, unassigned."""
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn")


def printable(text: object, limit: int | None = DEFAULT_LIMIT, *, keep_newlines: bool = False) -> str:
    """``text`` with every unsafe character escaped, shortened to ``limit`` characters (``None``: whole).

    ``keep_newlines`` keeps ``\\n`` (for multi-line text such as a description shown in a pane);
    every other control character, ``\\r`` and tab included, is escaped.
    """
    s = str(text)
    cut = 0
    if limit is not None and len(s) > limit:
        cut = len(s) - limit
        s = s[:limit]
    out = "".join(ch if not is_unsafe(ch) or (keep_newlines and ch == "\n") else _escape(ch) for ch in s)
    if cut:
        out += f"…(+{cut:,} characters)"
    return out
