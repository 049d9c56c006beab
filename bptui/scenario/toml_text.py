"""TOML values written exactly, for saving a scenario: no third-party writer, the format is small.

Floats are written with ``repr`` (the shortest text that reads back to the same float64), strings
with TOML's escapes (a title is someone else's data: quotes, backslashes, newlines and control
characters included); what cannot be written raises :class:`SaveError` with a one-line reason.
"""

from __future__ import annotations

import math
import re

import numpy as np

from bptui.printable import is_unsafe, printable

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class SaveError(Exception):
    """A save that cannot be done; the text says why in one line (nothing was written)."""


def toml_string(text: str) -> str:
    """A TOML basic string holding exactly ``text``; unsafe characters are escaped, never raw."""
    out: list[str] = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif is_unsafe(ch):
            code = ord(ch)
            if 0xD800 <= code <= 0xDFFF:
                raise SaveError(
                    f"the text {printable(text, 40)!r} holds a lone surrogate (U+{code:04X}), "
                    f"which a TOML file cannot hold; remove it"
                )
            out.append(f"\\u{code:04X}" if code < 0x10000 else f"\\U{code:08X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def toml_float(x: float) -> str:
    """``repr`` of the float64: the shortest text that reads back to the same bits (``-0.0`` too)."""
    x = float(x)
    if not math.isfinite(x):
        raise SaveError(f"{x!r} is not a finite number; a scenario holds finite numbers only")
    return repr(x)


def toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else toml_string(key)


def toml_value(value: object) -> str:
    """A TOML value for a bool, int, float, str, array (nested lists, tuples, ndarrays) or a flat dict."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return toml_float(float(value))
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, np.ndarray):
        if value.ndim == 0:
            return toml_float(value.item())
        return toml_value(value.tolist())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise SaveError(f"cannot write a {type(value).__name__} to a scenario file")


def toml_matrix(key: str, rows: np.ndarray) -> list[str]:
    """``key = [`` one row per line ``]``: long matrices stay readable and diffable."""
    lines = [f"{key} = ["]
    lines += [f"    [{', '.join(toml_float(x) for x in row.tolist())}]," for row in rows]
    lines.append("]")
    return lines
