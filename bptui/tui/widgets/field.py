"""The text field of every dialog: Textual's Input, with its keys handled in the order typed.

Textual 8.2.8 inserts a character in the Input's own key handler, but runs bindings (the Input's
backspace, delete, arrows, home, end, enter; the dialog's escape) only once the key has bubbled
up to the App, one message queue at a time. Keys that come in one read from the terminal are all
queued at once, so ``backspace 3`` gave ``3`` inserted first and then deleted, ``8 backspace 9``
kept the ``8``, and ``enter escape`` in the Run dialog started a run that the escape, looked up
before the run began, did not stop. ``Field`` runs the bindings of its dialog (itself up to its
screen) where it inserts characters, so all go in the order typed (``enter escape``: the escape
cancels before the answer is taken). A binding that declines (copy with nothing selected)
bubbles on as before.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class Field(Input):
    async def _on_key(self, event: events.Key) -> None:
        screen = self.screen
        if screen.focused is not self:
            return
        for namespace, bindings in screen._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(event.key, ()):
                if not binding.priority and await self.app.run_action(binding.action, namespace):
                    event.stop()
                    event.prevent_default()  # not inserted as a character, not looked up again
                    return
