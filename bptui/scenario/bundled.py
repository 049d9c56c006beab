"""The scenarios shipped with bptui, and turning a command-line argument into a scenario path."""
from __future__ import annotations

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
    """An existing file as given; else the bundled scenario of that name (with or without .toml)."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    name = name_or_path.removesuffix(".toml")
    if _NAME.fullmatch(name):
        candidate = bundled_dir() / f"{name}.toml"
        if candidate.is_file():
            return candidate
    if path.is_dir():
        raise ScenarioError(name_or_path, "is a directory, not a scenario file; name a .toml file")
    raise ScenarioError(name_or_path, "no such file or bundled scenario; check the spelling, "
                                      "or try `bptui --list` for the bundled ones")


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
