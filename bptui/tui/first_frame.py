"""The first frame, written once: nothing reaches the terminal until every pane has drawn at its size.

Textual writes a frame as soon as the screen is laid out, before the panes have handled their
first ``Resize``: the panes then draw at their real size and the terminal gets the whole screen
two or three more times (83 KB instead of 20 over SSH, and a flicker). ``HeldScreen`` (the main
screen) keeps its compositor from writing until every pane on it that is shown has drawn at the
size it was laid out at, then writes one full frame. A timer lets go after ``FALLBACK`` seconds
whatever happens, so a pane that never draws cannot leave the screen blank.

The garbage collector is off while the app starts (``cli`` turns it off before the imports);
letting go of the first frame turns it back on and freezes what start-up allocated (modules,
classes, styles), so later collections do not walk it again.

Textual 8.2.8 internals used (read from its source): ``Screen._compositor_refresh`` writes the
compositor's update through ``App._display``; ``Compositor.update_widgets`` collects the regions a
widget marked for repaint (``refresh()`` on the screen marks the whole screen, so the update that
follows is a full one); ``Screen._on_timer_update`` (what the screen's update timer calls: layout,
then the compositor's update), called at once when the screen is idle and no widget on it has a
message queued (``MessagePump.message_queue_size``): both for the layout that finds every pane drawn
(instead of waiting up to ``UPDATE_PERIOD`` for the timer's next tick) and for the frame after letting
go. Waiting for every widget's queue matters: the Network's ``call_after_refresh`` recheck can redraw
its strips after the layout, and a frame written before they repaint is followed by a second update.
"""

from __future__ import annotations

import gc

from textual import events
from textual.screen import Screen

from .leaks import release_closed_widgets
from .widgets.pane import Pane

FALLBACK = 1.0  # seconds after which the first frame is written whatever the panes have done


class HeldScreen(Screen):
    """The App's main screen: its first frame waits for the panes (see the module docstring)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.holding = True  # nothing written yet
        self._letting_go = False  # the panes have drawn: the first frame is on its way
        self._write_when_idle = False  # let go: write the first frame when next idle
        self.let_go_by = ""  # what let the first frame go: "panes" (all drawn) or "timer" (FALLBACK)

    def on_mount(self) -> None:
        self.set_timer(FALLBACK, lambda: self.let_go("timer"))

    def on_screen_resume(self) -> None:
        release_closed_widgets()  # a dialog over this screen has closed (see .leaks)

    def panes_drawn(self) -> bool:
        """Every pane that is laid out and shown has drawn at the size it has now (on a terminal
        too small to show any, there is nothing to wait for). Asked when the screen is laid out."""
        shown = [pane for pane in self.query(Pane) if pane.display and pane.size.area]
        return all(pane.drawn_at == pane.size for pane in shown)

    def let_go(self, by: str = "panes") -> None:
        """Write from now on; the next update is the whole screen."""
        if not self.holding:
            return
        self.holding = False
        self.let_go_by = by
        if not gc.isenabled():  # turned off for start-up by the command line (not by tests)
            gc.freeze()  # first: enabled with all of start-up still young, the next allocation could collect it
            gc.enable()
        self.refresh()  # the whole screen is due: the first write is a full frame
        self._write_when_idle = True

    async def _on_idle(self, event: events.Idle) -> None:
        # Textual calls each class's handler along the MRO: Screen._on_idle runs after this one
        if not (self.holding or self._write_when_idle):
            return  # the first frame is out: Screen._on_idle as usual
        if not self.is_current or self.app._batch_count or not self._widgets_idle():
            return  # a widget still has work queued (it tells the screen when done): Screen._on_idle's timer
        if self._write_when_idle and not self.holding:
            # the first frame is written as soon as the queues are empty, not at the update timer's
            # next tick (up to UPDATE_PERIOD later, idle meanwhile)
            self._write_when_idle = False
            self._on_timer_update()
        elif self.holding and not self._letting_go and self.panes_drawn():
            # every pane has drawn at its size and no widget has anything left to do: lay out now
            # rather than at the update timer's next tick (up to UPDATE_PERIOD later, idle
            # meanwhile); that layout lets go (see _compositor_refresh)
            self._on_timer_update()

    def _widgets_idle(self) -> bool:
        """No widget on the screen has a message waiting (a pending repaint or resize included)."""
        return all(not node.message_queue_size for node in self.walk_children(with_self=False))

    def _compositor_refresh(self) -> None:
        if self.holding:
            if self.panes_drawn() and not self._letting_go:
                # after what is already queued (the repaints the panes' drawing asked for), so
                # the first frame has it all and is not followed by a second one at once
                self._letting_go = True
                self.call_later(self.let_go)
            return  # write nothing yet
        self._write_when_idle = False  # written (maybe by the update timer): nothing left to hurry
        super()._compositor_refresh()
