"""Typed reads out of parsed TOML, each failure a :class:`ScenarioError` at the line of the key.

Every message names the key path, what was found and what to write instead. TOML is looser than
the format: ``true`` is not a number here, ``nan``/``inf`` are refused, and whole numbers must be
written without a decimal point.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from bptui.errors import ScenarioError

from .locate import KeyPath, Locator, format_path
from .schema import BOUNDED, WHOLE

MISSING: object = object()  # default of a required key
SHOWN_LIMIT = 60  # characters of a string value, key or name echoed in a message


def did_you_mean(word: str, options: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` when an option is close to ``word``, else ``""``."""
    import difflib  # only when a name is wrong

    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        close = [o for o in options if o.lower() == word.lower()][:1]
    return f" (did you mean '{close[0]}'?)" if close else ""


def shown(text: str, limit: int = SHOWN_LIMIT) -> str:
    """File text quoted for a message: ``repr`` (control characters escaped), at most ``limit`` characters."""
    cut = len(text) - limit
    return repr(text[:limit]) + (f"…(+{cut:,} characters)" if cut > 0 else "")


def describe(value: object) -> str:
    """A short, safe rendering of a found value with its TOML type, for messages."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int):
        text = str(value) if abs(value) < 10**30 else "a huge number"
        return f"{text} (a whole number)"
    if isinstance(value, float):
        return f"{value!r} (a number)"
    if isinstance(value, str):
        return f"{shown(value, 40)} (a string)"
    if isinstance(value, list):
        return f"an array of {len(value)}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, (datetime.date, datetime.time)):
        return f"{value} (a date/time)"
    return type(value).__name__


def plural(count: int, noun: str) -> str:
    """``1 unit``, ``2 units``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class Reader:
    """Reads one scenario's parsed TOML; ``fail`` raises with the file and line of a key path."""

    def __init__(self, path: Path, locator: Locator) -> None:
        self.path = path
        self.locator = locator

    def fail(self, at: KeyPath, message: str) -> NoReturn:
        raise ScenarioError(self.path, message, self.locator.line(at))

    def line(self, at: KeyPath) -> int | None:
        return self.locator.line(at)

    def mistyped(self, at: KeyPath, value: object, must: str) -> NoReturn:
        """The one way a value of the wrong kind is reported: ``KEY is <what it is>, but it must be <must>``."""
        self.fail(at, f"{format_path(at)} is {describe(value)}, but it must be {must}")

    # --- tables ------------------------------------------------------------------------------------
    def known_keys(self, table: dict, at: KeyPath, allowed: Sequence[str], where: str) -> None:
        """Refuse keys the format does not have, suggesting a close one."""
        for key in table:
            if key not in allowed:
                self.fail(
                    at + (key,),
                    f"unknown key '{format_path(at + (key,))}'{did_you_mean(key, allowed)}; "
                    f"the keys allowed in {where} are: {', '.join(allowed)}",
                )

    def table(self, parent: dict, at: KeyPath, key: str, fix: str | None = None) -> dict:
        """A sub-table; missing is an error when ``fix`` (how to add it) is given, else ``{}``."""
        here = at + (key,)
        if key not in parent:
            if fix is not None:
                self.fail(at, f"[{format_path(here)}] is missing; {fix}")
            return {}
        value = parent[key]
        if not isinstance(value, dict):
            self.mistyped(here, value, f"a table: write a [{format_path(here)}] header with its keys below it")
        return value

    def tables(self, parent: dict, at: KeyPath, key: str, fix: str | None = None) -> list[dict]:
        """An array of tables (``[[x]]``); missing is an error when ``fix`` is given, else ``[]``."""
        here = at + (key,)
        if key not in parent:
            if fix is not None:
                self.fail(at, f"{format_path(here)} is missing; {fix}")
            return []
        value = parent[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.mistyped(
                here, value, f"an array of tables: write each one under its own [[{format_path(here)}]] header"
            )
        return value

    # --- scalars -----------------------------------------------------------------------------------
    def _absent(self, at: KeyPath, key: str, default: object, fix: str | None) -> Any:
        """The value of a key the table does not hold: its ``default``, or an error if it has none."""
        if default is not MISSING:
            return default
        if not at:
            where = "at the top of the file"
        elif isinstance(at[-1], int):
            where = f"under this [[{'.'.join(str(k) for k in at if isinstance(k, str))}]] header"
        else:
            where = f"under [{format_path(at)}]"
        self.fail(at, f"{format_path(at + (key,))} is missing; add {fix or f'`{key} = ...`'} {where}")

    def string(self, parent: dict, at: KeyPath, key: str, default: object = MISSING, fix: str | None = None) -> str:
        if key not in parent:
            return self._absent(at, key, default, fix)
        value = parent[key]
        if not isinstance(value, str):
            self.mistyped(at + (key,), value, f'a string in quotes, e.g. {key} = "..."')
        return value

    def boolean(self, parent: dict, at: KeyPath, key: str, default: bool) -> bool:
        value = parent.get(key, default)
        if not isinstance(value, bool):
            self.mistyped(at + (key,), value, "true or false (lower case, no quotes)")
        return value

    def integer(
        self,
        parent: dict,
        at: KeyPath,
        key: str,
        default: object = MISSING,
        *,
        low: int,
        high: int,
        why_high: str = "",
        fix: str | None = None,
    ) -> int:
        """A whole number in ``low..high``; ``why_high`` explains the upper limit when it is one."""
        if key not in parent:
            return self._absent(at, key, default, fix)
        value, here = parent[key], at + (key,)
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
                hint = f"write {int(value)} without a decimal point"
            elif isinstance(value, str) and value.strip().isdigit():
                hint = f"remove the quotes: {key} = {shown(value.strip())[1:-1]}"
            else:
                hint = f"e.g. {key} = {max(low, 1)}"
            self.mistyped(here, value, f"a whole number; {hint}")
        if value < low:
            self.mistyped(here, value, f"at least {low}")
        if value > high:
            self.mistyped(here, value, f"at most {high}" + (f" ({why_high})" if why_high else ""))
        return value

    def whole(self, parent: dict, at: KeyPath, name: str) -> int:
        """The whole-number key ``name`` (``"training.epochs"``), read by its rule in :data:`schema.WHOLE`."""
        rule, key = WHOLE[name], name.rpartition(".")[2]
        default = MISSING if rule.default is None else rule.default
        return self.integer(
            parent, at, key, default, low=rule.low, high=rule.high, why_high=rule.why_high, fix=rule.fix
        )

    def bounded(self, parent: dict, at: KeyPath, name: str) -> float:
        """The number key ``name`` (``"training.momentum"``), checked by its rule in :data:`schema.BOUNDED`."""
        rule, key = BOUNDED[name], name.rpartition(".")[2]
        value = self.number(parent, at, key, MISSING if rule.default is None else rule.default, rule.fix)
        if not rule.ok(value):
            self.fail(at + (key,), f"{format_path(at + (key,))} is {value}, {rule.must}")
        return value

    def number(self, parent: dict, at: KeyPath, key: str, default: object = MISSING, fix: str | None = None) -> float:
        """A finite number (a whole number is fine)."""
        if key not in parent:
            return self._absent(at, key, default, fix)
        return self.number_value(parent[key], at + (key,))

    def choice(
        self,
        parent: dict,
        at: KeyPath,
        key: str,
        choices: Sequence[str],
        default: object = MISSING,
        fix: str | None = None,
    ) -> str:
        """One of ``choices`` (an enum written as a string)."""
        value = self.string(parent, at, key, default, fix)
        if value not in choices:
            self.fail(
                at + (key,),
                f"{format_path(at + (key,))} is {shown(value)}, which is not valid"
                f"{did_you_mean(value, choices)}; use one of: {', '.join(choices)}",
            )
        return value

    # --- numbers and arrays of numbers -------------------------------------------------------------
    def number_value(self, value: object, at: KeyPath) -> float:
        name = format_path(at)
        if isinstance(value, bool):
            self.mistyped(at, value, "a number; write 1 or 0")
        if not isinstance(value, (int, float)):
            hint = "write a number such as 0.5"
            if isinstance(value, str) and _is_float(value):
                hint = "remove the quotes"
            self.mistyped(at, value, f"a number; {hint}")
        try:
            number = float(value)
        except OverflowError:
            self.fail(at, f"{name} is too large to be a floating-point number; use a smaller value")
        if not math.isfinite(number):
            self.fail(
                at,
                f"{name} is {value!r}, but only finite numbers are allowed "
                f"(no nan or inf); replace it with a real value",
            )
        return number

    def numbers(self, value: object, at: KeyPath, what: str) -> np.ndarray:
        """A 1-D array of finite numbers; ``what`` says what the array holds, for messages."""
        if not isinstance(value, list):
            self.mistyped(at, value, f"an array of numbers ({what}), e.g. [0.5, -1.0]")
        if all(type(v) is float or type(v) is int for v in value):
            try:
                array = np.array(value, dtype=np.float64)
            except OverflowError:
                array = None
            if array is not None and np.isfinite(array).all():
                return array
        return np.array([self.number_value(v, at + (j,)) for j, v in enumerate(value)], dtype=np.float64)

    def rows(
        self, value: object, at: KeyPath, what: str, width: int, why_width: str, max_rows: int, why_max: str
    ) -> np.ndarray:
        """A 2-D array: a list of ``width``-number rows, at most ``max_rows`` of them."""
        name = format_path(at)
        if not isinstance(value, list) or not value:
            example = "[[" + ", ".join(["0.5"] * min(width, 3)) + (", ..." if width > 3 else "") + "]]"
            self.mistyped(at, value, f"a non-empty array of rows, one per {what}, e.g. {example}")
        if len(value) > max_rows:
            self.fail(at, f"{name} has {len(value)} rows, more than the limit of {max_rows} ({why_max})")
        out = np.empty((len(value), width), dtype=np.float64)
        for r, row in enumerate(value):
            here = at + (r,)
            if not isinstance(row, list):
                self.fail(
                    here,
                    f"{format_path(here)} is {describe(row)}, but each {what} must be an "
                    f"array of {width} numbers; write [[...], [...]] with one row per {what}",
                )
            if len(row) != width:
                self.fail(
                    here,
                    f"{format_path(here)} has {plural(len(row), 'number')}, but it must have {width} ({why_width})",
                )
            out[r] = self.numbers(row, here, what)
        return out

    def tensor(self, value: object, at: KeyPath) -> np.ndarray:
        """A number, an array of numbers or an array of equally long arrays of numbers."""
        if not isinstance(value, list):
            return np.array(self.number_value(value, at), dtype=np.float64)
        if value and all(isinstance(row, list) for row in value):
            widths = {len(row) for row in value}
            if len(widths) != 1:
                self.fail(
                    at,
                    f"{format_path(at)} has rows of different lengths ({sorted(widths)}); "
                    f"give every row the same number of values",
                )
            return np.stack([self.numbers(row, at + (r,), "values") for r, row in enumerate(value)])
        return self.numbers(value, at, "values")
