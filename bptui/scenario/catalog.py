"""What the open picker (``o``) lists: the bundled scenarios and the ``*.toml`` files of a folder.

Only the head of each file is read (titles and descriptions sit at the top), so listing a folder
with a large data file in it stays instant; a file that is not a scenario is still listed, with
why it looks wrong, and choosing it is refused by the loader with its one-line error. The text
returned is the files' own: whoever shows it passes it through :func:`bptui.printable.printable`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from .bundled import bundled, bundled_dir

HEAD_BYTES = 64 * 1024  # the top-level keys of a scenario are in its first lines
MAX_FILES = 500  # a folder holding more *.toml files is listed in part (and says so)


@dataclass(frozen=True)
class Entry:
    """One choice: ``name`` as shown, the file, and what its head says (``note``: why it looks wrong)."""

    name: str
    path: Path
    title: str = ""
    description: str = ""
    bundled: bool = False
    note: str = ""


def read_head(path: Path) -> tuple[str, str, str]:
    """(title, description, note) from the top-level keys before the first ``[table]``."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(HEAD_BYTES)
    except OSError as e:
        return "", "", f"cannot be read ({e.strerror or e})"
    text = raw.decode("utf-8-sig", errors="replace")
    top: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("["):
            break
        top.append(line)
    doc = None
    for candidate in ((text,) if len(raw) < HEAD_BYTES else ()) + ("\n".join(top),):  # whole file if read whole
        try:
            doc = tomllib.loads(candidate)
            break
        except (ValueError, RecursionError):
            continue
    if doc is None:
        return "", "", "its first lines are not valid TOML"
    title = doc.get("title")
    description = doc.get("description")
    if not isinstance(title, str) or not title.strip():
        return "", "", "no title: probably not a scenario"
    return title, description.strip() if isinstance(description, str) else "", ""


def catalog(folder: Path | None = None) -> tuple[list[Entry], int]:
    """The bundled scenarios, then the ``*.toml`` files of ``folder`` (default: the current one)
    sorted by name; and how many files of the folder were left out beyond :data:`MAX_FILES`."""
    entries: list[Entry] = []
    shipped = bundled_dir()
    for name, _title in bundled():
        path = shipped / f"{name}.toml"
        title, description, note = read_head(path)
        entries.append(Entry(name, path, title, description, True, note))
    folder = Path.cwd() if folder is None else folder
    try:
        files = sorted((p for p in folder.glob("*.toml") if p.is_file()), key=lambda p: p.name)
    except OSError:
        files = []
    seen = {e.path.resolve() for e in entries}
    files = [p for p in files if p.resolve() not in seen]  # the bundled folder itself, opened as cwd
    for path in files[:MAX_FILES]:
        title, description, note = read_head(path)
        entries.append(Entry(path.name, path, title, description, False, note))
    return entries, max(0, len(files) - MAX_FILES)
