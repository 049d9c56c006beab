"""The ``o`` picker: the bundled scenarios and the ``*.toml`` files of the current folder.

It loads what is chosen itself and dismisses with the new :class:`Scenario` only when it loaded;
a bad file shows its one-line error here and the picker stays open (the App's scenario is kept).
Every name, title and description shown is the files' text, so it goes through ``printable``.
"""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from bptui.engine import Scenario
from bptui.errors import ScenarioError
from bptui.printable import printable
from bptui.scenario import load_scenario, resolve
from bptui.scenario.catalog import Entry, catalog

from ..widgets.field import Field
from .dialog import Dialog

DESCRIPTION_CHARS = 120  # of a description shown under the title (cut at a word)
ERROR_CHARS = 400  # of a refused file's message


def entry_prompt(entry: Entry) -> Content:
    """The name and title, then the start of the description (or why the file looks wrong)."""
    first = Content.assemble(
        (printable(entry.name, 60), "bold"), "  ", printable(entry.title, 120) if entry.title else ""
    )
    if entry.note:
        second = Content.styled(f"  {entry.note}", "$text-warning")
    else:
        text = " ".join(entry.description.split())  # one paragraph, cut at a word with …
        if len(text) > DESCRIPTION_CHARS:
            text = text[:DESCRIPTION_CHARS].rsplit(" ", 1)[0] + " …"
        second = Content.styled(f"  {printable(text, None)}", "$text-muted")
    return Content("\n").join([first, second])


def load_choice(path: str | Path) -> Scenario:
    """Load a chosen path (or a bundled name typed in); raises :class:`ScenarioError` as one line."""
    return load_scenario(resolve(str(path)))


class OpenFile(Dialog["Scenario | None"]):
    """Dismisses with the loaded scenario, or ``None`` when cancelled."""

    CSS_PATH = "files.tcss"
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = Path.cwd() if folder is None else folder
        self.entries, self.left_out = catalog(self.folder)

    def compose(self) -> ComposeResult:
        with Vertical(id="open-file") as box:
            box.border_title = "Open a scenario"
            yield Label("↑/↓ and enter open a file; or type a path and enter. escape cancels.")
            yield OptionList(*self._options(), id="open-list")
            yield Field(placeholder="a .toml path, or a bundled name", id="open-path")
            yield Label("", id="open-error")

    def _options(self) -> list[Option]:
        options: list[Option] = []
        shown_folder = False
        options.append(Option(Content.styled("bundled with bptui", "bold $text-accent"), disabled=True))
        for i, entry in enumerate(self.entries):
            if not entry.bundled and not shown_folder:
                options.append(
                    Option(Content.styled(f"in {printable(self.folder, 100)}", "bold $text-accent"), disabled=True)
                )
                shown_folder = True
            options.append(Option(entry_prompt(entry), id=f"entry-{i}"))
        if not shown_folder:
            options.append(
                Option(Content.styled(f"no .toml files in {printable(self.folder, 100)}", "$text-muted"), disabled=True)
            )
        if self.left_out:
            options.append(
                Option(
                    Content.styled(f"… and {self.left_out:,} more .toml files: type a path", "$text-muted"),
                    disabled=True,
                )
            )
        return options

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # deterministic screenshots, no idle redraws
        options = self.query_one(OptionList)
        options.focus()
        options.highlighted = 1 if self.entries else None

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id or ""
        if option_id.startswith("entry-"):
            self.open_path(self.entries[int(option_id.removeprefix("entry-"))].path)

    @on(Input.Submitted)
    def typed(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.show_error("type a path to a .toml file (or a bundled name), or choose one in the list")
            return
        self.open_path(Path(text).expanduser())

    def open_path(self, path: Path) -> None:
        """Load ``path``: dismiss with it, or show why not and stay open."""
        try:
            scenario = load_choice(path)
        except ScenarioError as err:  # the loader raises nothing else (tests/scenario/test_scenario_fuzz.py)
            self.show_error(str(err))
            return
        self.dismiss(scenario)

    def show_error(self, message: str) -> None:
        self.query_one("#open-error", Label).update(Content(f"refused: {printable(message, ERROR_CHARS)}"))

    def action_cancel(self) -> None:
        self.dismiss(None)
