"""The text field of every dialog: Textual's Input, with its keys handled in the order typed.

Textual 8.2.8 inserts a character in the Input's own key handler, but runs the Input's bindings
(backspace, delete, arrows, home, end, enter) only once the key has bubbled up to the App, one
message queue at a time. Keys that come in one read from the terminal are all queued at once, so
``backspace 3`` gave ``3`` inserted first and then deleted, and ``8 backspace 9`` kept the ``8``.
``Field`` runs its own bindings where it inserts characters, so both go in the order typed. A
binding that declines (copy with nothing selected) bubbles on as before.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input


class Field(Input):
    async def _on_key(self, event: events.Key) -> None:
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()  # not inserted as a character, not handled again above
                return
