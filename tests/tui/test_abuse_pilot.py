"""Random abuse through Pilot (issue 12): thousands of keys, pastes and resizes on four bundled
scenarios, with a liveness probe after every action, then back, undo, redo and home checked
exactly against a fresh Debugger at the same position count.

Seeded (``BPTUI_ABUSE_SEED``) and sized by ``BPTUI_ABUSE_KEYS`` (see ``abuse.py``); a failure names
the seed, the action number and the last actions, so it can be replayed.
"""

from __future__ import annotations

import random
import time
from collections import Counter, deque

import pytest
from textual import events
from textual.command import CommandPalette
from textual.screen import ModalScreen

from bptui.tui import BptuiApp
from bptui.tui.screens import RunDialog
from bptui.tui.screens.run_dialog import parse_epochs

from .abuse import (
    BOUND,
    FREEZE,
    NAVIGATION,
    OTHER,
    PASTES,
    PILOT_ACTIONS,
    REQUIRED,
    SCENARIOS,
    SEED,
    TEXT,
    load,
    mismatch,
    random_size,
    same_values,
)

PER_SCENARIO = max(PILOT_ACTIONS // len(SCENARIOS), 1)
LONG_RUN = 200  # epochs: a run asked for beyond this is cancelled, or stopped with escape


class Fuzz:
    """One app under abuse: chooses actions from what is on screen, performs them, probes."""

    def __init__(self, app: BptuiApp, pilot, rng: random.Random, name: str) -> None:
        self.app, self.pilot, self.rng, self.name = app, pilot, rng, name
        self.log: deque[str] = deque(maxlen=25)
        self.pressed: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self.slowest = (0.0, "")
        self.size = (100, 30)
        self.background = False  # the last action may have started a run or continue

    def where(self) -> str:
        return f"{self.name}, seed {SEED}, after {sum(self.counts.values())} actions; last: {list(self.log)}"

    # --- actions -------------------------------------------------------------------------------

    async def press(self, *keys: str) -> None:
        for key in keys:
            if key == "c" or (key == "enter" and isinstance(self.app.screen, RunDialog)):
                self.background = True
            self.log.append(key)
            self.counts["keys"] += 1
            self.pressed[key] += 1
            if key == "q":
                assert isinstance(self.app.screen, ModalScreen), "q only inside a modal"
                self.pressed["q (in a modal)"] += 1
            await self.pilot.press(key)

    async def paste(self, text: str) -> None:
        self.log.append(f"paste {text[:12]!r}…{len(text)}")
        self.counts["pastes"] += 1
        self.app.post_message(events.Paste(text))
        await self.pilot.pause()

    async def resize(self, size: tuple[int, int]) -> None:
        self.log.append(f"resize {size}")
        self.counts["resizes"] += 1
        self.size = size
        await self.pilot.resize_terminal(*size)

    async def settle(self) -> None:
        """Let a run or continue under way finish (runs asked for are short), so that the seed
        alone decides what happens."""
        if self.app.busy:
            await self.app.workers.wait_for_complete()
            await self.pilot.pause()

    async def act(self) -> None:
        """One random action fitting the screen shown."""
        rng, screen = self.rng, self.app.screen
        self.background = False
        if isinstance(screen, RunDialog):
            await self.in_run_dialog()
        elif isinstance(screen, CommandPalette):
            roll = rng.random()
            if roll < 0.6:
                await self.press(rng.choice("abcdefghijklmnoprstuvwxyz ?-"))
            elif roll < 0.8:
                await self.press(rng.choice(["up", "down", "backspace", "pagedown"]))
            elif roll < 0.9:
                await self.resize(random_size(rng))
            else:
                await self.press("escape")  # never enter: the palette can quit or save screenshots
        elif isinstance(screen, ModalScreen):  # help, or a dialog added later
            roll = rng.random()
            if roll < 0.3:
                await self.press(rng.choice(["q", "escape", "question_mark"]))
            elif roll < 0.8:
                await self.press(rng.choice(["up", "down", "pagedown", "pageup", "tab", "n", "x", "home", "end"]))
            else:
                await self.resize(random_size(rng))
        else:
            roll = rng.random()
            if roll < 0.62:
                await self.press(rng.choice(BOUND))
            elif roll < 0.77:
                await self.press(rng.choice(NAVIGATION))
            elif roll < 0.85:
                await self.press(rng.choice(OTHER))
            elif roll < 0.89:
                await self.paste(rng.choice(PASTES))
            elif roll < 0.995:
                await self.resize(random_size(rng))
            else:  # a long run, stopped with escape
                await self.long_run_stopped()
        self.background = self.background or bool(self.app.busy)
        await self.settle()

    async def in_run_dialog(self) -> None:
        rng = self.rng
        value = self.app.screen.query_one("#epochs").value
        roll = rng.random()
        if roll < 0.35:
            await self.press(*rng.choice([str(rng.randint(1, 30)), rng.choice(TEXT)]))
        elif roll < 0.45:
            await self.paste(rng.choice(TEXT + PASTES))
        elif roll < 0.6:
            await self.press(rng.choice(["backspace", "left", "right", "home", "end", "delete", "q", "ctrl+a"]))
        elif roll < 0.65:
            await self.resize(random_size(rng))
        else:
            n = parse_epochs(value)
            if isinstance(n, int) and n > LONG_RUN:
                await self.press("escape")
            else:
                await self.press(rng.choice(["enter", "enter", "escape"]))
                if isinstance(n, int) and not isinstance(self.app.screen, RunDialog):
                    self.pressed["run dialog"] += 1

    async def long_run_stopped(self) -> None:
        """Run a million epochs and stop at once: enter and escape are queued together, not
        pressed one by one (Pilot would wait for the run to go quiet first)."""
        await self.press("r")
        if isinstance(self.app.screen, RunDialog):
            self.app.screen.query_one("#epochs").value = "1000000"
            for key, char in (("enter", "\r"), ("escape", "\x1b")):
                self.log.append(key)
                self.counts["keys"] += 1
                self.pressed[key] += 1
                event = events.Key(key, char)
                event.set_sender(self.app)
                self.app.post_message(event)
            self.background = True
            await self.pilot.pause()
            self.pressed["run dialog"] += 1

    # --- the probe -------------------------------------------------------------------------------

    def probe(self, seconds: float) -> None:
        app = self.app
        assert app._exception is None, f"the app failed: {app._exception!r} ({self.where()})"
        assert app.is_running and app.return_code is None, f"the app ended ({self.where()})"
        # ``seconds`` is the CPU time of the event loop's thread (where Pilot and the app run) for
        # one action: what a user would wait for, without the noise of other processes on a busy
        # machine. Pilot waits for a run in a worker as if it were the key's work: such keys are
        # exempt (the pty test checks that the UI answers during a run).
        if not self.background:
            if seconds > self.slowest[0]:
                self.slowest = (seconds, self.log[-1] if self.log else "")
            assert seconds < FREEZE, f"the UI froze {seconds:.2f} s ({self.where()})"
        if not app.busy:
            pos = app.debugger.position
            assert app.state.position == pos, self.where()
            assert pos.g >= 0 and 0 <= pos.k <= pos.steps and 1 <= pos.sample <= pos.samples, self.where()
            assert pos.epoch >= 1, self.where()


async def close_modals(fuzz: Fuzz) -> None:
    for _ in range(6):
        if not isinstance(fuzz.app.screen, ModalScreen):
            return
        await fuzz.press("escape")
    assert not isinstance(fuzz.app.screen, ModalScreen), fuzz.where()


async def check_exact(fuzz: Fuzz, scenario, what: str) -> None:
    app = fuzz.app
    await fuzz.settle()
    assert not mismatch(app.debugger, scenario), f"{what}: {mismatch(app.debugger, scenario)} ({fuzz.where()})"
    assert not same_values(app.state.values, app.debugger.values()), f"{what}: the panes' state is stale"


@pytest.mark.parametrize("name", SCENARIOS)
async def test_random_abuse_keeps_the_app_alive_and_exact(name):
    scenario = load(name)
    rng = random.Random(f"{SEED}:{name}")
    app = BptuiApp(scenario)
    async with app.run_test(size=(100, 30)) as pilot:
        fuzz = Fuzz(app, pilot, rng, name)
        # Every required key first, in a random order, so a short run covers them all too.
        preamble = sorted(REQUIRED - {"q (in a modal)", "run dialog", "r", "ctrl+p", "question_mark"})
        rng.shuffle(preamble)
        for key in preamble:
            start = time.thread_time()
            fuzz.background = False
            await fuzz.press(key)
            await fuzz.settle()
            fuzz.probe(time.thread_time() - start)
        for episode in (["question_mark", "q"], ["ctrl+p", "escape"], ["r", "backspace", "backspace", "3", "enter"]):
            await fuzz.press(*episode)
            await fuzz.settle()
            fuzz.probe(0.0)
        fuzz.pressed["run dialog"] += 1
        for _ in range(PER_SCENARIO):
            start = time.thread_time()
            await fuzz.act()
            fuzz.probe(time.thread_time() - start)

        missing = REQUIRED - {k for k, n in fuzz.pressed.items() if n}
        assert not missing, f"keys never pressed: {missing}"

        # Afterwards: where the app stands, back, undo, redo and home are exact.
        await close_modals(fuzz)
        await check_exact(fuzz, scenario, "after the abuse")
        for _ in range(min(app.debugger.g, 4)):
            g = app.debugger.g
            await fuzz.press("p")
            assert app.debugger.g == g - 1, fuzz.where()
            await check_exact(fuzz, scenario, "after back")
        for _ in range(4):
            await fuzz.press("u")
            await check_exact(fuzz, scenario, "after undo")
        await fuzz.press("U")
        await check_exact(fuzz, scenario, "after redo")
        await fuzz.press("home")
        assert app.debugger.g == 0
        await check_exact(fuzz, scenario, "after home")
        print(f"{name}: {dict(fuzz.counts)}; slowest action {fuzz.slowest[0]:.3f} s ({fuzz.slowest[1]})")
