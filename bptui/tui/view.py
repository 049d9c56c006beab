"""What the screen shows, apart from the numbers: the current pane, zoom, digits, log scale, help.

The base of :class:`~bptui.tui.app.BptuiApp` (an App, so its ``@on`` handlers and reactives are
Textual's own): the view commands, which never touch the Debugger. The App defines
:meth:`ViewApp._republish`, which rebuilds the published state after a change of view.
"""

from __future__ import annotations

from textual import on
from textual.app import App
from textual.events import DescendantFocus
from textual.reactive import var
from textual.screen import ModalScreen

from bptui.engine import Scenario

from .widgets import NetworkPane, PaneTabs
from .widgets.pane import Pane

PANES = {"network": "Network", "inspector": "Inspector", "chain-rule": "Chain rule", "loss": "Loss"}
DIGIT_LEVELS = (4, 6, 8, 17)  # significant digits offered by +/-; 17 prints any float64 exactly


class ViewApp(App[None]):
    """Pane switching (tab, shift+tab, focus), zoom (z), digits (+/-), log scale, help and about."""

    log_scale: var[bool] = var(False, init=False)
    digits: var[int] = var(4, init=False)  # significant digits shown in every pane (+/-)
    scenario: Scenario  # set by the App

    def _republish(self) -> None:
        """Rebuild what the panes show at this position (the App's: it owns the Debugger)."""
        raise NotImplementedError

    # --- panes -----------------------------------------------------------------------------------

    def show_pane(self, pane_id: str) -> None:
        """Make ``pane_id`` the current pane (the one shown when narrow) and focus it."""
        for pid in PANES:
            self.query_one(f"#{pid}").set_class(pid == pane_id, "-current")
        self.query_one(PaneTabs).current = PANES[pane_id]
        # at once, not after a refresh: keys typed right after tab (tab →) are already queued and
        # must reach the new pane (→ selects there; it would step on the old one). On the pane's
        # own screen, not ``self.screen``: a focus message handled after a dialog opened would
        # give the dialog a focus outside it, and its keys to the App (q in the help quit).
        pane = self.query_one(f"#{pane_id}", Pane)
        pane.screen.set_focus(pane, scroll_visible=False)

    def _cycle_pane(self, delta: int) -> None:
        ids = list(PANES)
        focused = self.default_screen.focused
        here = ids.index(focused.id) if isinstance(focused, Pane) and focused.id in ids else -delta
        self.show_pane(ids[(here + delta) % len(ids)])

    def action_focus_next(self) -> None:
        if self._modal():
            super().action_focus_next()
        else:
            self._cycle_pane(1)

    def action_focus_previous(self) -> None:
        if self._modal():
            super().action_focus_previous()
        else:
            self._cycle_pane(-1)

    @on(DescendantFocus)
    def _pane_focused(self, event: DescendantFocus) -> None:
        if isinstance(event.widget, Pane) and event.widget.id in PANES and not event.widget.has_class("-current"):
            self.show_pane(event.widget.id)

    def _modal(self) -> bool:
        return isinstance(self.screen, ModalScreen)

    # --- view commands ---------------------------------------------------------------------------

    def action_toggle_log(self) -> None:
        self.log_scale = not self.log_scale

    def action_digits(self, delta: int) -> None:
        """Show more (``+``) or fewer (``-``) significant digits in every pane: 4, 6, 8 or all."""
        i = DIGIT_LEVELS.index(self.digits) if self.digits in DIGIT_LEVELS else 0
        j = min(max(0, i + delta), len(DIGIT_LEVELS) - 1)
        if j == i:
            self.notify(f"already showing {self._digits_text()}")
            return
        self.digits = DIGIT_LEVELS[j]
        self._republish()
        self.notify(f"showing {self._digits_text()}")

    def _digits_text(self) -> str:
        return "every digit" if self.digits >= DIGIT_LEVELS[-1] else f"{self.digits} significant digits"

    def action_zoom(self) -> None:
        """Give the current pane the whole screen (status line, tabs and footer stay); again to undo."""
        zoomed = not self.screen.has_class("-zoomed")
        self.screen.set_class(zoomed, "-zoomed")

    def action_help(self) -> None:
        from .screens import HelpScreen  # the dialogs load when first opened (first_frame.py)

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_about(self) -> None:
        from .screens import AboutScreen

        if not self._modal():
            self.push_screen(AboutScreen(self.scenario))

    def action_batch_sample(self, delta: int) -> None:
        """``[``/``]``: the Network pane draws the next/previous sample of the batch, or the mean."""
        why_not = self.query_one(NetworkPane).step_batch(delta)
        if why_not:
            self.notify(why_not)
