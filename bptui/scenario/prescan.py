"""A cheap look at scenario text before ``tomllib`` parses it: refuse what would blow the parser up.

``tomllib`` is quadratic in the parts of one dotted key (an 80 KB ``a.a.a…`` took 3 GB), recursive
in nesting, and builds a Python object of ~100 bytes for every array, table and key: 2,000,000
inline rows took 1-2 GB before the loader could refuse them. This scan counts those things in
the text in time linear in its length and memory below the text's own size, so the limits of
:mod:`.limits` are checked before any of that work is done.

It knows just enough TOML to skip strings and comments (where brackets, dots and ``=`` mean
nothing); text that is not valid TOML is left for ``tomllib`` to report. Valid files within the
limits always pass.
"""

from __future__ import annotations

import re
from pathlib import Path

from bptui.errors import ScenarioError

from .limits import MAX_ARRAYS, MAX_KEY_CHARS, MAX_KEY_PARTS, MAX_KEYS, MAX_NESTING, MAX_STRINGS, MAX_VALUES

_START = re.compile(r"[#\"']")
_BASIC = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_AFTER_KEY = re.compile(r"[ \t]*[=.]")  # a string followed by = or . is a key (a value never is)
_DOTTED = re.compile(r"\.(?:[^=,\[\]{}\n.]*\.)" + f"{{{MAX_KEY_PARTS - 1}}}")  # MAX_KEY_PARTS dots, one key
# starts only where a run of key characters starts: from every position of a long run it was quadratic
_LONG_BARE_KEY = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]" + f"{{{MAX_KEY_CHARS + 1},}}" + r"[ \t]*=")
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")  # every byte but the four brackets
_LONG_KEY = (
    f"a key is longer than {MAX_KEY_CHARS} characters; the keys of a scenario are short names such as learning_rate"
)
# (pattern, message): keys the scan refuses where they stand (the message names the line)
_REFUSED = (
    (
        _DOTTED,
        (
            f"a dotted key or table header has more than {MAX_KEY_PARTS} parts "
            f"(a.b.c has 3); a scenario needs at most 2, e.g. [network.layers]"
        ),
    ),
    (_LONG_BARE_KEY, _LONG_KEY),
)


def prescan(text: str, path: Path) -> None:
    """Raise :class:`ScenarioError` when ``text`` exceeds a structural limit; else return."""
    skeleton = _skeleton(text, path)
    opens = skeleton.count("[") + skeleton.count("{")
    if opens > MAX_ARRAYS:
        raise ScenarioError(
            path,
            f"the file holds more than {MAX_ARRAYS:,} arrays and tables (each row of data "
            f"is one), the limit that keeps memory use small; put large data in a .csv "
            f"or .npz file named by [data] file",
        )
    if skeleton.count("]") + skeleton.count("}") > MAX_ARRAYS:
        raise ScenarioError(path, "not valid TOML: far more ] and } than [ and {; check the brackets")
    if skeleton.count(",") > MAX_VALUES:
        raise ScenarioError(
            path,
            f"the file holds more than {MAX_VALUES:,} values in arrays, the limit that keeps "
            f"reading it fast; put large data in a .csv or .npz file named by [data] file",
        )
    if skeleton.count("=") > MAX_KEYS:
        raise ScenarioError(
            path,
            f"the file holds more than {MAX_KEYS:,} keys, the limit that keeps memory use "
            f"small; a scenario needs a few dozen",
        )
    for pattern, message in _REFUSED:
        m = pattern.search(skeleton)
        if m:
            raise ScenarioError(path, message, skeleton.count("\n", 0, m.start()) + 1)
    depth = 0
    for byte in skeleton.encode("utf-8", "replace").translate(None, _BRACKETS):
        depth += 1 if byte in b"[{" else -1
        if depth > MAX_NESTING:
            raise ScenarioError(
                path,
                f"arrays or tables are nested more than {MAX_NESTING} deep; a scenario "
                f"needs at most arrays of arrays, e.g. weights = [[0.1, 0.2]]",
            )


def _skeleton(text: str, path: Path) -> str:
    """``text`` with every string replaced by ``""`` (its newlines kept) and every comment removed."""
    pieces: list[str] = []
    pos = count = 0
    end_of_text = len(text)
    while True:
        m = _START.search(text, pos)
        if m is None:
            pieces.append(text[pos:])
            return "".join(pieces)
        i = m.start()
        pieces.append(text[pos:i])
        count += 1
        if count > MAX_STRINGS:
            raise ScenarioError(
                path,
                f"the file holds more than {MAX_STRINGS:,} strings and comments, the "
                f"limit that keeps reading it fast; a scenario needs a few dozen",
                text.count("\n", 0, i) + 1,
            )
        if text[i] == "#":
            end = text.find("\n", i)
            pos = end_of_text if end < 0 else end  # the newline stays
            continue
        if text.startswith('"""', i) or text.startswith("'''", i):
            end = _multiline_end(text, i)
        elif text[i] == '"':
            basic = _BASIC.match(text, i)
            end = basic.end() if basic else _line_end(text, i)
        else:
            close = text.find("'", i + 1)
            end = close + 1 if close >= 0 and "\n" not in text[i:close] else _line_end(text, i)
        if end - i - 2 > MAX_KEY_CHARS and _AFTER_KEY.match(text, end):
            raise ScenarioError(path, _LONG_KEY, text.count("\n", 0, i) + 1)
        pieces.append('""' + "\n" * text.count("\n", i, end))
        pos = end


def _line_end(text: str, i: int) -> int:
    """An unterminated string ends at its line's end (tomllib will say what is wrong)."""
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _multiline_end(text: str, i: int) -> int:
    """The end of a ``\"\"\"`` or ``'''`` string starting at ``i`` (up to two extra quotes belong to it)."""
    quote = text[i]
    delimiter = quote * 3
    j = i + 3
    while True:
        k = text.find(delimiter, j)
        if k < 0:
            return len(text)
        if quote == '"':
            b = k
            while b > j and text[b - 1] == "\\":
                b -= 1
            if (k - b) % 2:  # an escaped quote: look further
                j = k + 1
                continue
        end = k + 3
        extra = 0
        while extra < 2 and text.startswith(quote, end):
            end += 1
            extra += 1
        return end
