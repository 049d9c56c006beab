"""The App's side of the file commands (issue 9): open, reload, save, and the unsaved-edits question.

The App's action methods are thin and call these, so the logic sits in one module. Opening and
reloading replace the scenario, the Debugger and every pane: the panes take the Scenario in their
constructors, so the main screen's widgets are composed again from ``BptuiApp.compose``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from textual.compose import compose  # what App.recompose uses; ours targets the main screen

from bptui import __version__
from bptui.engine import Debugger, Scenario
from bptui.errors import ScenarioError
from bptui.printable import printable
from bptui.scenario import load_scenario

if TYPE_CHECKING:
    from .app import BptuiApp


def confirming(app: BptuiApp) -> bool:
    """The confirmation dialog is open (its module loads when first needed, as every dialog's)."""
    from .screens.confirm import ConfirmDialog

    return isinstance(app.screen, ConfirmDialog)


def blocked(app: BptuiApp) -> bool:
    """A file command waits for a run to end (its Debugger is in use) and for a dialog to close."""
    if app.refuse_while_busy():
        return True
    return confirming(app) or app._modal()


def ask_unless_saved(app: BptuiApp, doing: str, then: Callable[[], object]) -> None:
    """Run ``then`` now, or after a yes when there are unsaved edits (``doing`` names what loses them)."""
    if not app.has_unsaved_edits():
        then()
        return

    def answered(yes: bool | None) -> None:
        if yes:
            then()

    from .screens.confirm import ConfirmDialog

    app.push_screen(
        ConfirmDialog(
            "Unsaved edits",
            f"There are unsaved edits: {doing} and lose them? (ctrl+s saves them as a scenario file first)",
            doing,
        ),
        answered,
    )


async def replace_scenario(app: BptuiApp, scenario: Scenario, keep_breakpoints: bool = False) -> None:
    """Start over on ``scenario``: a new Debugger, the selection reset, every pane built again.

    Breakpoints: another scenario starts with the default set (non-finite values only: a loss
    threshold or an epoch count belongs to the old one's scale); a reload of the same file keeps
    them, less a ``sample N`` beyond the new sample count. The last hit is forgotten either way.
    """
    from .app import BptuiApp

    main = app.default_screen  # the panes' screen, whatever dialog is still on top of it
    old = app.debugger.breakpoints.items
    app.scenario = scenario
    app.debugger = Debugger(scenario)
    if keep_breakpoints:
        passes = app.debugger.layout.passes
        app.debugger.breakpoints.items = [b for b in old if not (b.kind == "sample" and b.value > passes)]
    app._passed = ()
    app.title = printable(scenario.title)
    app.busy = None
    app._goal = 0
    app.pinned = None
    app.checking = False
    app.edits_unsaved = False
    app.selected_layer, app.element = 1, 0
    app.set_reactive(BptuiApp.progress, "")
    app.set_reactive(BptuiApp.live_curve, None)
    app.set_reactive(BptuiApp.state, app._capture(None))
    async with main.batch():
        await main.query("*").exclude(".-textual-system").remove()
        await main.mount_all(compose(app))
    app.show_pane("network")


def reload_current(app: BptuiApp) -> Scenario | None:
    """The current file read again, or ``None`` after saying why not (the current state is kept)."""
    path = app.scenario.path
    if path is None:
        app.notify("this scenario was not read from a file: nothing to reload", severity="warning")
        return None
    try:
        return load_scenario(path)
    except ScenarioError as err:  # the loader raises nothing else (tests/scenario/test_scenario_fuzz.py)
        app.notify(f"not reloaded, the current state is kept: {printable(err, 400)}", severity="error", timeout=10)
    return None


def save_question(app: BptuiApp) -> tuple[str, str] | None:
    """(default file name, what will be saved) for the save dialog; ``None`` after saying why not."""
    dbg = app.debugger
    for name, value in dbg.params_values().items():
        if value is not None and not np.isfinite(value).all():
            app.notify(
                f"{name} holds a non-finite number here: step back (p, u or home) to a position "
                f"with finite weights to save it",
                severity="error",
            )
            return None
    updates = dbg.g // dbg.layout.per_pass
    from bptui.scenario.writer import default_name  # the writer loads when first saving

    name = default_name(dbg.scenario, updates, dbg.layout.passes, Path.cwd())
    what = (
        f"The weights and biases at {dbg.position.status()} ({updates:,} updates), with the data and "
        f"training settings; the new file starts at epoch 1 from them."
    )
    return name, what


def save_to(app: BptuiApp, path: Path, overwrite: bool) -> str | None:
    """Save the current parameters and settings to ``path``: ``None`` when saved, else why not."""
    from bptui.scenario.writer import SaveError, save_scenario, snapshot

    dbg = app.debugger
    scenario = dbg.timeline.scenario  # after an edit (=) of the learning rate or the data: the edited one
    # with momentum the velocities, with a shuffled order the epochs done: the lesson goes on exactly
    epochs_done = dbg.layout.completed_epochs(dbg.g)
    snap = snapshot(scenario, dbg.params_values(), velocities=dbg.velocity_values(), epochs_done=epochs_done)
    origin = printable(scenario.path, 200) if scenario.path is not None else "a scenario built in code"
    dropped = len(scenario.expectations) - len(snap.expectations)
    header = (
        f"Saved by bptui {__version__} from {origin}\n"
        f"at {dbg.position.status()}: the weights and biases below are that position's;\n"
        f"training starts again from them at epoch 1."
    )
    if dropped:
        header += (
            f"\n{dropped} [[expect]] block(s) of the original were left out: they check training "
            f"from the original starting weights."
        )
    try:
        saved = save_scenario(snap, path, overwrite=overwrite, header=header)
    except SaveError as err:
        return str(err)
    app.edits_unsaved = False
    note = f"; {dropped} [[expect]] block(s) left out (they check the original start)" if dropped else ""
    app.notify(
        f"saved {printable(saved, 200)}: it starts at epoch 1 from the weights of {dbg.position.status()}{note}",
        timeout=8,
    )
    return None


class FilesMixin:
    """The App's file commands: open (``o``), reload (``ctrl+r``), save (``ctrl+s``); ``q`` asks
    about unsaved edits. A mixin of :class:`~bptui.tui.app.BptuiApp`, which provides the rest."""

    edits_unsaved = False  # set by the edit command (=); a save or a new scenario clears it

    def has_unsaved_edits(self) -> bool:
        """Whether quitting or opening another file would lose edits (asked before either)."""
        return bool(self.edits_unsaved)

    def action_open_file(self) -> None:
        from .screens.open_file import OpenFile

        if not blocked(self):
            ask_unless_saved(self, "open another scenario", lambda: self.push_screen(OpenFile(), self._open_chosen))

    async def _open_chosen(self, scenario: Scenario | None) -> None:
        if scenario is not None:
            await replace_scenario(self, scenario)
            self.notify(f"opened {printable(scenario.path or scenario.title)}")

    def action_reload_file(self) -> None:
        if blocked(self):
            return
        scenario = reload_current(self)
        if scenario is not None:
            ask_unless_saved(self, "reload the file", lambda: self.call_next(self._reloaded, scenario))

    async def _reloaded(self, scenario: Scenario) -> None:
        await replace_scenario(self, scenario, keep_breakpoints=True)
        self.notify(f"reloaded {printable(scenario.path)}: back at the start")

    def action_save_file(self) -> None:
        if blocked(self):
            return
        question = save_question(self)
        if question is not None:
            from .screens.save_file import SaveDialog

            self.push_screen(SaveDialog(*question, save=partial(save_to, self)))

    async def action_quit(self) -> None:
        if not self.has_unsaved_edits():
            self.exit()
        elif not confirming(self):
            ask_unless_saved(self, "quit", self.exit)
