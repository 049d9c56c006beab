"""The scenarios shipped with bptui, and turning a command-line argument into a scenario path."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import bptui
from bptui.errors import ScenarioError

DEFAULT_SCENARIO = "streetlight"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")  # a bundled name is never a path
_TITLE_READ_BYTES = 64 * 1024  # titles sit at the top; --list must not parse whole data files


def bundled_dir() -> Path:
    """``bptui/bundled`` in an installed wheel (hatch force-include), else the checkout's ``scenarios``."""
    package = Path(bptui.__file__).resolve().parent
    installed = package / "bundled"
    return installed if installed.is_dir() else package.parent / "scenarios"


def bundled() -> list[tuple[str, str]]:
    """(name, title) of every bundled scenario, sorted by name."""
    folder = bundled_dir()
    if not folder.is_dir():
        return []
    return [(p.stem, _title(p)) for p in sorted(folder.glob("*.toml"), key=lambda p: p.stem) if p.is_file()]


def resolve(name_or_path: str) -> Path:
    """The scenario file a command-line argument names.

    A *bare name* (no path separator, no ``.toml`` suffix) is a bundled scenario, even when the
    current folder holds a file of that name: ``bptui xor`` always opens the bundled XOR, so a
    file someone left in a shared folder cannot stand in for it. A file is named by a path
    (``./xor.toml``, ``lab/xor.toml``) or a ``.toml`` name; ``xor.toml`` falls back to the bundled
    ``xor`` only when there is no such file. A bare name that is not bundled may still be a file.
    Whatever the path is (a directory, a FIFO), it is returned as found: loading says what it is.
    """
    path = Path(name_or_path)
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    has_separator = any(sep in name_or_path for sep in separators)
    name = name_or_path.removesuffix(".toml")
    candidate = bundled_dir() / f"{name}.toml" if not has_separator and _NAME.fullmatch(name) else None
    if candidate is not None and not candidate.is_file():
        candidate = None
    if has_separator or name_or_path.endswith(".toml"):
        if _exists(path):
            return path
        if candidate is not None:
            return candidate
    else:
        if candidate is not None:
            return candidate
        if _exists(path):
            return path
    raise ScenarioError(
        name_or_path, "no such file or bundled scenario; check the spelling, or try `bptui --list` for the bundled ones"
    )


def _exists(path: Path) -> bool:
    """Whether anything is at ``path`` (``stat`` only: a FIFO is found, not opened)."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


def _title(path: Path) -> str:
    """The top-level ``title`` read from the head of the file only; ``""`` if it cannot be found."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_TITLE_READ_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return ""
    for line in head.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            break  # past the top level
        if stripped.startswith("title"):
            try:
                title = tomllib.loads(stripped).get("title")
            except ValueError:
                continue
            if isinstance(title, str):
                return title
    return ""
