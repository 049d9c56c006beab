"""A number typed by a person (predict, edit): parsed strictly, refused with one clear sentence."""

from __future__ import annotations

import math

MAX_CHARS = 64  # a float64 needs at most 24 characters; anything longer is a slip of the keyboard


def parse_number(text: str) -> float:
    """``text`` as a finite float, or ``ValueError`` whose message says what to type instead.

    Accepts what Python's ``float`` accepts (``0.5``, ``-1e-3``, ``.25``), surrounding spaces, and a
    decimal comma (``0,5``); refuses empty text, words, ``nan`` and ``inf`` and overflowing numbers.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("type a number, e.g. 0.25 or -1.5e-3")
    if len(raw) > MAX_CHARS:
        raise ValueError(f"that is {len(raw)} characters long; a number needs at most {MAX_CHARS}")
    if raw.count(",") == 1 and "." not in raw:
        raw = raw.replace(",", ".")
    try:
        x = float(raw)
    except ValueError:
        shown = raw if len(raw) <= 20 else raw[:19] + "…"
        raise ValueError(f"{shown!r} is not a number; type e.g. 0.25 or -1.5e-3") from None
    if math.isnan(x):
        raise ValueError("nan is not allowed: type a finite number")
    if math.isinf(x):
        raise ValueError("that is infinite (or beyond ±1.8e308): type a finite number")
    return x
