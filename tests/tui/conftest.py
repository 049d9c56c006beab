"""Scenarios built by hand (the loader is another engineer's) and app fixtures for the TUI tests."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from textual import _wait as textual_wait
from textual import events
from textual import pilot as textual_pilot
from textual.widgets import Label

from bptui.engine import InitSpec, LayerSpec, Scenario, TrainingSpec
from bptui.scenario import bundled_dir, load_scenario, resolve
from bptui.tui import BptuiApp

from ..builders import single_neuron, streetlight  # noqa: F401  (the TUI tests import them from here)

# Pilot's ``press`` and ``pause`` wait until the process looks idle: Textual compares the process's
# CPU time with the clock over windows of 20 ms, and calls it idle when a window used under 5 % of
# it. A key costs at least two windows (40 ms), most of it asleep. Windows of 5 ms with the same
# 5 % make the same judgement four times as often: what the tests wait for (the messages the key
# queued, handled: ``Pilot._wait_for_screen``; a worker's CPU shows as not idle) is unchanged, the
# suite spends less time asleep. ``pause()`` still lasts a frame at least (20 ms, as before): the
# screen's next refresh, and the Resize events it sends to new widgets, come within it.
textual_wait.SLEEP_GRANULARITY = 0.005
textual_wait.SLEEP_IDLE = textual_wait.SLEEP_GRANULARITY / 20
_idle = textual_pilot.wait_for_idle


async def _idle_a_frame_at_least(min_sleep: float = 0.02, max_sleep: float = 1) -> None:
    await _idle(max(min_sleep, 0.02), max_sleep)


textual_pilot.wait_for_idle = _idle_a_frame_at_least  # (what Pilot.pause calls; keys use the app's)


def wide() -> Scenario:
    """Five layers of 8 units (the largest drawn in full) after a 784-input layer (summarised)."""
    rng = np.random.RandomState(0)
    return Scenario(
        title="Wide",
        inputs=784,
        layers=tuple(LayerSpec(8, "tanh") for _ in range(4)) + (LayerSpec(8, "sigmoid"),),
        data_inputs=rng.random_sample((2, 784)),
        data_targets=rng.random_sample((2, 8)),
        training=TrainingSpec(epochs=3),
        init=InitSpec(seed=2, low=-0.1, high=0.1),
    )


@pytest.fixture
def scenario() -> Scenario:
    return streetlight()


# --- files (open, reload, save) --------------------------------------------------------------------

BAD = 'title = "Broken"\n[network]\ninputs = 2\n'  # no layers: refused by the loader


def error_of(app: BptuiApp, selector: str) -> str:
    """The text of a dialog's message label (``#open-error``, ``#save-error``)."""
    return str(app.screen.query_one(selector, Label).render())


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """The current folder of the app: a copy of xor (renamed), a bad file and a hostile title."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(bundled_dir() / "xor.toml", tmp_path / "lesson.toml")
    (tmp_path / "bad.toml").write_text(BAD)
    text = (bundled_dir() / "single_neuron.toml").read_text()
    hostile = text.replace('title = "Single neuron, single input"', 'title = "evil \\u001b[2J\\u0007 title"', 1)
    assert hostile != text
    (tmp_path / "evil.toml").write_text(hostile)
    (tmp_path / "notes.txt").write_text("not listed")
    return tmp_path


def streetlight_file() -> BptuiApp:
    """The app on the bundled streetlight file (so that reload and save know its path)."""
    return BptuiApp(load_scenario(resolve("streetlight")))


class Recorder:
    """Collects what the app tells the user with ``notify`` (message, severity)."""

    def __init__(self, app) -> None:
        self.messages: list[tuple[str, str]] = []
        original = app.notify

        def notify(message, *args, severity="information", **kw):
            self.messages.append((str(message), severity))
            return original(message, *args, severity=severity, **kw)

        app.notify = notify

    def text(self) -> str:
        return "\n".join(m for m, _ in self.messages)


def pane_text(app, pane_id: str) -> str:
    """The plain text of a pane's body, as drawn."""
    from bptui.tui.widgets.lines import LinesView
    from bptui.tui.widgets.netstrips import NetStrips

    pane = app.query_one(f"#{pane_id}")
    view = pane.query_one(NetStrips) if pane.query(NetStrips) else pane.query_one(LinesView)
    return "\n".join(line.plain for line in view.lines)


async def settle(pilot) -> None:
    """Wait until the app has nothing left to draw: snapshots must not catch a half-drawn frame."""
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


CHARS = {"enter": "\r", "escape": "\x1b", "backspace": "\x7f", "tab": "\t", "space": " "}


def post_keys(app, *keys: str | tuple[str, str]) -> None:
    """Keys queued together, as a terminal delivers them in one read (Pilot waits after each key).

    A key is its name (``"n"``, ``"escape"``) or a (name, character) pair."""
    for key in keys:
        name, char = key if isinstance(key, tuple) else (key, CHARS.get(key, key if len(key) == 1 else None))
        event = events.Key(name, char)
        event.set_sender(app)
        app.post_message(event)


async def press_busy(pilot, *keys: str) -> None:
    """Press ``keys`` while a worker computes. ``Pilot.press`` waits after each key until the process
    goes idle, for up to a second, which it never does while a run trains: here each key is queued
    and the screen given a turn; the caller then waits for what the key should do (:func:`until`)."""
    for key in keys:
        post_keys(pilot.app, key)
        await pilot.pause(0)


async def press_and_wait(pilot, *keys: str) -> None:
    """Press ``keys``, then wait for the command they started in the worker (a run, a costly jump)
    to finish and its result to be drawn."""
    await pilot.press(*keys)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot, condition: Callable[[], object], timeout: float = 30.0) -> None:
    """Wait for the app's state to satisfy ``condition``, not for a fixed time: as long as it takes
    on a loaded machine, no longer on an idle one; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"still not true after {timeout} s: {condition.__doc__ or condition}"
        await pilot.pause(0.01)


def steps(*keys):
    """A ``run_before`` for ``snap_compare``: settle, then press each key and settle again."""

    async def run_before(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def size_id(size: tuple[int, int]) -> str:
    """Readable test and snapshot ids: ``120x40``."""
    return f"{size[0]}x{size[1]}"


async def press_each(pilot, *keys: str) -> None:
    """Press each key, then wait until the app has handled it (a dialog opened or closed, a file
    read) before the next: what the file and quit tests do to open a dialog and answer it."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
