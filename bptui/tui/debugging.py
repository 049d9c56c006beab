"""The App's debugging commands: breakpoints (``b``), the checkpoints list (``k``), divergence explained (``x``).

A mixin of :class:`~bptui.tui.app.BptuiApp`. The engine decides where a run stops
(:mod:`bptui.engine.breakpoints`), what each checkpoint gives (:mod:`bptui.engine.checkpoints`)
and why training diverged (:mod:`bptui.engine.diagnosis`); here are the dialogs and the status marks.

Choice: the divergence is explained on ``x`` (not in a dialog that opens by itself): a stop is
announced in the status line and a notification that says ``x`` explains it, and the class can
look at the diverged values first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bptui.engine import Debugger

T = TypeVar("T")


class DebugMixin:
    """Breakpoints, checkpoints and divergence for the App (which provides debugger, busy, notify …)."""

    _passed: tuple[tuple[bool, str], ...] = ()  # checkpoints the last command passed: (held, "checkpoint 2/5")

    def _is_busy(self) -> bool:
        if self.busy:
            self.notify(f"a {self.busy} is under way: escape stops it", severity="warning")
            return True
        return False

    def action_breakpoints(self) -> None:
        from .screens.breakpoints import BreakpointsScreen  # the dialogs load when first opened

        if self._is_busy() or isinstance(self.screen, BreakpointsScreen):
            return
        dbg: Debugger = self.debugger
        self.push_screen(BreakpointsScreen(dbg.breakpoints, dbg.layout), lambda _: self._republish())

    def _read_for(self, dialog: type, read: Callable[[Debugger], T]) -> tuple[T] | None:
        """``(read(debugger),)`` for opening ``dialog``; ``None`` when busy, already open, or failed."""
        if self._is_busy() or isinstance(self.screen, dialog):
            return None
        try:
            return (read(self.debugger),)
        except Exception as exc:  # noqa: BLE001 - the session boundary: say so, keep going
            self._internal_error(exc)
            return None

    def action_checkpoints(self) -> None:
        from bptui.engine.checkpoints import checkpoint_states

        from .screens.checkpoints import CheckpointsScreen  # the dialogs load when first opened

        if (got := self._read_for(CheckpointsScreen, checkpoint_states)) is not None:
            self.push_screen(CheckpointsScreen(got[0]))

    def action_explain(self) -> None:
        from bptui.engine.diagnosis import diagnose  # loaded when first asked (start-up: first_frame.py)

        from .screens.divergence import DivergenceScreen

        if (got := self._read_for(DivergenceScreen, diagnose)) is None:
            return
        if got[0] is None:
            self.notify("nothing here is non-finite: x explains a divergence where a run stopped on one")
            return
        self.push_screen(DivergenceScreen(got[0].lines()))

    def _note_passed(self, start: int) -> None:
        """After a command from ``start``: which checkpoints it passed, for the status line."""
        dbg: Debugger = self.debugger
        total = len(dbg.scenario.expectations)
        if not total or dbg.g <= start:
            self._passed = ()
            return
        from bptui.engine.checkpoints import passed_between  # loaded with the first checkpoint passed

        try:
            # the one standing here, if any, is marked by the State's ``checks`` already
            states = passed_between(dbg, start, dbg.g - 1)
        except Exception as exc:  # noqa: BLE001 - the session boundary: say so, keep going without the marks
            self._passed = ()
            self._internal_error(exc)
            return
        self._passed = tuple((s.result is not None and s.result.ok, f"checkpoint {s.number}/{total}") for s in states)

    def stopped_by(self) -> str:
        """The breakpoint that stopped the last command, while the stepper stands where it fired."""
        hit = self.debugger.breakpoints.last_hit
        if hit is not None and hit.position.g == self.debugger.g:
            return f"⏸ {hit.breakpoint.describe()}"
        return ""
