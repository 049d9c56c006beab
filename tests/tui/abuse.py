"""What the random-abuse tests throw at the TUI (keys, pastes, escape sequences, resizes), and how
they check that nothing was lost (a fresh Debugger at the same position count).

Sizes: ``BPTUI_ABUSE_KEYS`` (default 1,000) actions in all: a fifth through Pilot, spread over the
scenarios, the rest through a real pty (where they cost less: the app is not waited for after
each one); ``BPTUI_ABUSE_SEED`` changes the seed. The long run (about 10 minutes)::

    BPTUI_ABUSE_KEYS=20000 PYTHONPATH=$PWD python -m pytest tests/tui/test_abuse_pilot.py tests/tui/test_abuse_pty.py
"""

from __future__ import annotations

import os
import random

import numpy as np

from bptui.engine import Debugger, Scenario
from bptui.scenario import load_scenario, resolve
from bptui.tui.keys import COMMANDS

SCENARIOS = ("streetlight", "xor", "clusters_softmax", "sigmoid_221", "clusters_minibatch")
ACTIONS = int(os.environ.get("BPTUI_ABUSE_KEYS", "1000"))  # Pilot: every bound key, then 50 a scenario
PILOT_ACTIONS = ACTIONS // 5
PTY_ACTIONS = ACTIONS - PILOT_ACTIONS
SEED = int(os.environ.get("BPTUI_ABUSE_SEED", "12"))
FREEZE = float(os.environ.get("BPTUI_ABUSE_FREEZE", "1.0"))  # seconds one action may take
SMALL, LARGE = (20, 5), (250, 80)  # terminal sizes tried, columns × rows

# Every key of the app's own table except quitting ones; a binding added later is fuzzed as well.
# (`l` was excluded until the log-scale fix of issue 8: `l` then a redraw crashed plotext.)
# Not fuzzed: keys that change the scenario or its parameters (open, reload, edit: the exact
# comparison with a fresh Debugger of the file would no longer hold) or write files (save).
EXCLUDED: set[str] = {"o", "ctrl+r", "ctrl+s", "equals_sign"}
BOUND = sorted({k for b in COMMANDS if b.action != "quit" for k in b.key.split(",")} - EXCLUDED)
NAVIGATION = ["tab", "shift+tab", "up", "down", "left", "right", "pageup", "pagedown", "home", "end", "ctrl+p"]
OTHER = [
    "x",
    "Z",
    "1",
    "9",
    "+",
    "-",
    "=",
    "/",
    "ctrl+c",
    "ctrl+x",
    "ctrl+a",
    "alt+n",
    "shift+up",
    "f1",
    "f5",
    "f12",
    "insert",
    "delete",
    "é",
    "ß",
    "λ",
    "٣",
    "１",
    "🙂",
    "ctrl+home",
    "ctrl+end",
]
REQUIRED = {
    "n",
    "p",
    "f",
    "s",
    "e",
    "r",
    "c",
    "u",
    "U",
    "home",
    "l",
    "question_mark",
    "enter",
    "g",
    "tab",
    "shift+tab",
    "up",
    "down",
    "left",
    "right",
    "escape",
    "ctrl+p",
    "q (in a modal)",
    "run dialog",
} - EXCLUDED
TEXT = ["12", "3", "0", "-4", "+5", "1e3", "٣", "１２", " 7 ", "9" * 40, "abc", "1_000", "\x1b[31m", "\t", "🙂" * 30]
PASTES = ["", "n" * 50, "1\n2\n3", "\x00\x01\x1b[2J", "e" * 200, "é" * 3000, "12", "r\rq"]


def load(name: str) -> Scenario:
    return load_scenario(resolve(name))


def same_values(a: dict, b: dict) -> list[str]:
    """Names whose values differ (NaN equal to NaN), or that only one side has."""
    diff = sorted(set(a) ^ set(b))
    for name in set(a) & set(b):
        x, y = np.asarray(a[name]), np.asarray(b[name])
        if x.shape != y.shape or not np.array_equal(x, y, equal_nan=True):
            diff.append(name)
    return diff


def fresh_at(scenario: Scenario, g: int) -> Debugger:
    """A new Debugger stepped to position count ``g`` (one goto: the timeline replays from 0)."""
    dbg = Debugger(scenario)
    if g:
        dbg.goto(g)
    assert dbg.g == g
    return dbg


def mismatch(app_debugger: Debugger, scenario: Scenario) -> list[str]:
    """What the app's Debugger shows that a fresh one at the same count does not."""
    ref = fresh_at(scenario, app_debugger.g)
    out = same_values(app_debugger.values(), ref.values())
    if app_debugger.epoch_losses != ref.epoch_losses and not np.array_equal(
        np.asarray(app_debugger.epoch_losses), np.asarray(ref.epoch_losses), equal_nan=True
    ):
        out.append("epoch_losses")
    if app_debugger.position != ref.position:
        out.append("position")
    return out


def random_size(rng: random.Random) -> tuple[int, int]:
    """Mostly anywhere in range, sometimes an extreme corner."""
    if rng.random() < 0.25:
        return rng.choice([SMALL, LARGE, (SMALL[0], LARGE[1]), (LARGE[0], SMALL[1]), (80, 24), (100, 30)])
    return rng.randint(SMALL[0], LARGE[0]), rng.randint(SMALL[1], LARGE[1])
