"""A key acts on the screen it was typed on, or not at all.

Textual 8.2.8 sends a key to the focused widget of the screen on top when the key arrives, but
looks up the App's bindings only once the key has bubbled back up to the App, one message queue
at a time, against the screen on top *then*. Keys that arrive together (one read from the
terminal: fast typing, key repeat, a slow link, a paste outside bracketed mode) are all sent
before the first is handled, so a key typed on one screen could act on the next: ``r`` then enter
opened the Run dialog and the enter typed on the main screen ran the default epochs; ``?`` ``q``
``q`` closed the help and quit. The pty abuse run found these; ``KeyOrderMixin`` drops a key that
reaches the App's bindings after the screen it was typed on stopped being the one on top.
The screen is remembered by a weak reference: a key a widget consumed (typed into the Run dialog's
field) never comes back to be forgotten, and must not keep its closed dialog alive.
Except escape: it only stops, cancels, closes or unpins, and enter then escape typed together
in the Run dialog must still stop the run the enter started.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict

from textual import events
from textual.screen import Screen

KEPT = 256  # keys remembered at once (a key a widget consumed never comes back to be forgotten)


class KeyOrderMixin:
    """For the App: remembers the screen each key was typed on; drops it if that screen is gone."""

    _typed_on: OrderedDict[int, tuple[events.Key, weakref.ref[Screen]]]

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            typed = self.__dict__.setdefault("_typed_on", OrderedDict())
            typed[id(event)] = (event, weakref.ref(self.screen))  # type: ignore[attr-defined]
            while len(typed) > KEPT:
                typed.popitem(last=False)
        await super().on_event(event)  # type: ignore[misc]

    async def _on_key(self, event: events.Key) -> None:
        entry = self.__dict__.get("_typed_on", {}).pop(id(event), None)
        if event.key != "escape" and entry is not None and entry[0] is event and entry[1]() is not self.screen:  # type: ignore[attr-defined]
            event.stop()
            event.prevent_default()  # App._on_key (the binding lookup) is not called
