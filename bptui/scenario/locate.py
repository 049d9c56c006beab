"""Line numbers of key paths in TOML text, for error messages.

``tomllib`` returns plain dicts without positions, so this module re-reads the text with a small
scanner that knows just enough TOML to follow table headers (``[x]``, ``[[x]]``), ``key = value``
lines, arrays (elements get their own paths) and inline tables. It runs only on text ``tomllib``
has accepted and is best effort: a path it cannot place falls back to its nearest parent.

A key path is a tuple of keys and 0-based array indexes, e.g. ``("network", "layers", 1, "units")``;
:func:`format_path` shows it as people count, ``network.layers[2].units``.
"""

from __future__ import annotations

import contextlib
import re

KeyPath = tuple[str | int, ...]
KEY_SHOWN = 60  # characters of one key shown in a message

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = re.compile(r"[ \t]*")
_BLANK = re.compile(r"[ \t\r\n]*(?:#[^\n]*[ \t\r\n]*)*")  # whitespace, newlines and comments
_PLAIN = re.compile(r"[^\[\]{}\"'#]*")  # inside an array: anything but brackets, strings, comments
_SCALAR = re.compile(r"[^,\]}\n#]+")  # numbers, booleans, dates: up to the next delimiter
# Strings as "unrolled loops" (a class repeated, then escapes): an alternation repeated per
# character made the regex engine keep ~100 bytes of state per character (590 MB for a 5 MB string).
_BASIC = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_ML_BASIC = re.compile(r'"""[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*"""(?:"{1,2}(?!"))?', re.DOTALL)
_ML_LITERAL = re.compile(r"'''.*?'''(?:'{1,2}(?!'))?", re.DOTALL)


def format_path(path: KeyPath) -> str:
    """``("network", "layers", 1, "units")`` → ``network.layers[2].units`` (indexes count from 1).

    Keys come from the file: one that is not a bare key is shown quoted with its control
    characters escaped, and a long one is shortened, so a message stays one readable line.
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            shown = part
            if not _BARE_KEY.fullmatch(part) or len(part) > KEY_SHOWN:
                shown = repr(part[:KEY_SHOWN]) + (
                    f"…(+{len(part) - KEY_SHOWN:,} characters)" if len(part) > KEY_SHOWN else ""
                )
            out += f".{shown}" if out else shown
    return out


class _Stop(Exception):
    """The scanner met text it does not understand; keep what was found so far."""


class Locator:
    """Maps key paths to 1-based line numbers; scans the text lazily, on the first question.

    The first scan records keys, table headers and inline tables, not the elements of arrays: a
    file may hold millions of numbers, and a dict entry per number took gigabytes. A question
    about an array element (a message about ``data.inputs[7][2]``) is answered by a second scan
    that records only the parents of that one path; questions are few (a message is one).
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[KeyPath, int] | None = None
        self._asked: dict[KeyPath, dict[KeyPath, int]] = {}

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path``, else of its nearest parent that was found, else ``None``."""
        if self._lines is None:
            self._lines = _Scanner(self._text).scan()
        p = tuple(path)
        if p in self._lines:
            return self._lines[p]
        if p not in self._asked:
            if len(self._asked) > 64:
                self._asked.clear()
            self._asked[p] = _Scanner(self._text, target=p).scan()
        found = self._asked[p]
        while p:
            if p in found:
                return found[p]
            if p in self._lines:
                return self._lines[p]
            p = p[:-1]
        return None


class _Scanner:
    """One pass over the text. ``target``: record only that path's parents and itself, then stop."""

    def __init__(self, text: str, target: KeyPath | None = None) -> None:
        self.text = text
        self.i = 0
        self.target = target
        self.line_at, self.line_no = 0, 1  # the line of position line_at, counted incrementally
        self.found: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.array_tables: dict[KeyPath, int] = {}  # path of each [[x]] → how many seen so far

    def scan(self) -> dict[KeyPath, int]:
        with contextlib.suppress(_Stop, IndexError, ValueError, RecursionError):
            self._document()
        return self.found

    def _line(self) -> int:
        self.line_no += self.text.count("\n", self.line_at, self.i)  # the scan only moves forward
        self.line_at = self.i
        return self.line_no

    def _record(self, path: KeyPath, line: int) -> None:
        if self.target is None:
            self.found.setdefault(path, line)
        elif path == self.target[: len(path)]:
            self.found.setdefault(path, line)
            if path == self.target:
                raise _Stop  # found: the rest of the text cannot change the answer

    def _skip(self, pattern: re.Pattern[str]) -> None:
        m = pattern.match(self.text, self.i)
        assert m is not None, "the patterns skipped here match the empty string"
        self.i = m.end()

    def _document(self) -> None:
        while True:
            self._skip(_BLANK)
            if self.i >= len(self.text):
                return
            if self.text[self.i] == "[":
                self._header()
            else:
                self._keyval(self.table)

    def _header(self) -> None:
        line = self._line()
        array = self.text.startswith("[[", self.i)
        self.i += 2 if array else 1
        keys = self._key()
        self.i = self.text.index("]", self.i) + (2 if array else 1)
        resolved: list[str | int] = []
        for n, key in enumerate(keys):
            resolved.append(key)
            here = tuple(resolved)
            if array and n == len(keys) - 1:
                count = self.array_tables.get(here, 0)
                self.array_tables[here] = count + 1
                self._record(here, line)
                resolved.append(count)
            elif here in self.array_tables:
                resolved.append(self.array_tables[here] - 1)
        self.table = tuple(resolved)
        self._record(self.table, line)

    def _key(self) -> list[str]:
        """A dotted key: bare or quoted parts separated by dots."""
        keys = []
        while True:
            self._skip(_SPACE)
            for pattern in (_BASIC, _LITERAL, _BARE_KEY):
                m = pattern.match(self.text, self.i)
                if m:
                    break
            else:
                raise _Stop
            raw = m.group()
            keys.append(_unquote(raw) if raw[0] in "\"'" else raw)
            self.i = m.end()
            self._skip(_SPACE)
            if not self.text.startswith(".", self.i):
                return keys
            self.i += 1

    def _keyval(self, table: KeyPath) -> None:
        line = self._line()
        path = table + tuple(self._key())
        if not self.text.startswith("=", self.i):
            raise _Stop
        self.i += 1
        self._skip(_SPACE)
        self._record(path, line)
        self._value(path)

    def _value(self, path: KeyPath) -> None:
        c = self.text[self.i]
        if c == "[":
            self._array(path)
        elif c == "{":
            self._inline_table(path)
        else:
            for pattern in (_ML_BASIC, _ML_LITERAL, _BASIC, _LITERAL, _SCALAR):
                m = pattern.match(self.text, self.i)
                if m:
                    self.i = m.end()
                    return
            raise _Stop

    def _array(self, path: KeyPath) -> None:
        if (self.target is None or path != self.target[: len(path)]) and self._skip_plain_array():
            return
        self.i += 1
        index = 0
        while True:
            self._skip(_BLANK)
            c = self.text[self.i]
            if c == "]":
                self.i += 1
                return
            if c == ",":
                self.i += 1
                continue
            here = path + (index,)
            if self.target is not None or c == "{":  # array elements: see Locator
                self._record(here, self._line())
            self._value(here)
            index += 1

    def _skip_plain_array(self) -> bool:
        """Jump over an array holding only numbers and arrays of them (rows of data) at C speed.

        Nothing in it is recorded (see :class:`Locator`), and walking millions of numbers one by
        one took half a minute. An array with a string, a table or a comment takes the slow path.
        """
        text, j, depth = self.text, self.i, 0
        while True:
            m = _PLAIN.match(text, j)
            assert m is not None, "_PLAIN matches the empty string"
            j = m.end()
            if j >= len(text):
                return False
            c = text[j]
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    self.i = j + 1
                    return True
            else:
                return False
            j += 1

    def _inline_table(self, path: KeyPath) -> None:
        self.i += 1
        while True:
            self._skip(_BLANK)
            c = self.text[self.i]
            if c == "}":
                self.i += 1
                return
            if c == ",":
                self.i += 1
                continue
            self._keyval(path)


def _unquote(raw: str) -> str:
    """The text of a quoted key; escapes are rare in keys, so only the common ones are undone."""
    body = raw[1:-1]
    if raw[0] == "'":
        return body
    return body.replace('\\"', '"').replace("\\\\", "\\")
