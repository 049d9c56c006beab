"""The ``ctrl+s`` question: the file name to save the current parameters and settings under.

The dialog calls back into the App to save, and closes only when the file was written; a wrong
name, an existing file (enter again to overwrite), a missing folder or a failed write is said here
and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from bptui.printable import printable

from ..widgets.field import Field
from .dialog import Dialog

Save = Callable[[Path, bool], str | None]  # (path, overwrite) -> the error, or None when saved


def check_name(text: str, folder: Path) -> tuple[Path | None, str]:
    """The path a typed name stands for (``.toml`` added if missing), or ``None`` and why not."""
    name = text.strip()
    if not name:
        return None, "type a file name, e.g. lesson-epoch3.toml"
    if "\x00" in name:
        return None, "a file name cannot hold a NUL character"
    if name.endswith(("/", "\\")):
        return None, f"{printable(name)} is a folder; add a file name"
    path = Path(name).expanduser()
    if not path.is_absolute():
        path = folder / path
    if path.suffix.lower() != ".toml":
        path = path.with_name(path.name + ".toml")
    if not path.parent.is_dir():
        return None, f"the folder {printable(path.parent)} does not exist; create it first or choose another"
    if path.is_dir():
        return None, f"{printable(path)} is a folder; give a file name"
    return path, ""


class SaveDialog(Dialog["Path | None"]):
    """Dismisses with the path saved to, or ``None`` when cancelled."""

    CSS_PATH = "files.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, default: str, what: str, save: Save, folder: Path | None = None) -> None:
        super().__init__()
        self.default = default
        self.save = save
        self.what = what
        self.folder = Path.cwd() if folder is None else folder
        self._confirm: Path | None = None  # an existing file named once: enter again overwrites

    def compose(self) -> ComposeResult:
        with Vertical(id="save-file") as box:
            box.border_title = "Save a scenario"
            yield Label(Content(self.what))
            yield Label(Content(f"File name (in {printable(self.folder, 80)}); enter saves, escape cancels"))
            yield Field(self.default, id="save-path", select_on_focus=False)
            yield Label("", id="save-error")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # deterministic screenshots, no idle redraws

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        self._confirm = None  # another name: ask again before overwriting

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        event.stop()
        path, problem = check_name(event.value, self.folder)
        if path is None:
            self.show_error(problem)
            return
        overwrite = path == self._confirm
        if path.exists() and not overwrite:
            self._confirm = path
            self.show_error(f"{printable(path.name)} exists: press enter again to overwrite it, or change the name")
            return
        error = self.save(path, overwrite)
        if error:
            self._confirm = None
            self.show_error(error)
            return
        self.dismiss(path)

    def show_error(self, message: str) -> None:
        self.query_one("#save-error", Label).update(Content(printable(message, 400)))

    def action_cancel(self) -> None:
        self.dismiss(None)
