"""Pressing keys one at a time, the app given a turn after each: what the file and quit tests do
to open a dialog, answer it and see what it did (shared by test_files.py and test_save.py)."""

from __future__ import annotations


async def press_each(pilot, *keys: str) -> None:
    """Press each key, then wait until the app has handled it (a dialog opened or closed, a file
    read) before the next."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
