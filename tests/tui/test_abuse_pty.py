"""Random abuse through a real pseudo-terminal (issue 12): bursts of keys, bracketed pastes, escape
sequences (well-formed, absurd and broken), mouse reports, invalid UTF-8 and resizes (SIGWINCH)
written to ``python -m bptui`` on four bundled scenarios. After every few bursts a liveness probe
brings the app back to its main screen, opens the help with ``?`` and closes it with ``q`` (q in a
modal), and reads a valid position off the status line. At the end ``q`` quits: exit 0, the
terminal given back (alternate screen left, mouse off) and cooked again.

Nothing random may quit the app: ``q``, ctrl+q and ctrl+p (the palette can run Quit) are never
generated; every generated sequence is checked with the parser before it is written. The run
dialog is opened and answered (``r``), ``q`` is pressed inside the help. Sized by
``BPTUI_ABUSE_KEYS`` (see ``abuse.py``).
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter, deque

import pytest

from bptui.tui.keys import HELP
from bptui.tui.terminal import GuardedParser

from .abuse import PTY_ACTIONS, SCENARIOS, SEED, random_size
from .pty_session import PtySession, plain, restored

pytestmark = pytest.mark.skipif(not hasattr(__import__("os"), "openpty"), reason="needs a pty")

PER_SCENARIO = max(PTY_ACTIONS // len(SCENARIOS), 1)
BURST = (5, 25)  # actions written back to back
PROBE_EVERY = 150  # actions between liveness probes
ANSWER = 10.0  # seconds the app has to catch up with a burst, or start (wall clock)
# Seconds the app, caught up, has to show the help on ``?``: wall clock on a shared machine, so
# looser than the 1 s of CPU the Pilot run allows one action; the slowest is printed.
FREEZE_WALL = float(os.environ.get("BPTUI_ABUSE_FREEZE_WALL", "5.0"))
ESCDELAY_MS = 20  # the app's escape delay (Textual reads ESCDELAY; its default is 100 ms)
ESC_GAP = 0.1  # seconds after a lone ESC, past that delay (ESC and the next key apart: not alt+key)

KEY_BYTES = {
    "n": "n",
    "p": "p",
    "f": "f",
    "s": "s",
    "e": "e",
    "r": "r",
    "c": "c",
    "u": "u",
    "U": "U",
    "l": "l",
    "g": "g",
    "z": "z",
    "plus": "+",
    "minus": "-",
    "space": " ",
    "question_mark": "?",
    "enter": "\r",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "backspace": "\x7f",
    "delete": "\x1b[3~",
    "f5": "\x1b[15~",
    "ctrl+c": "\x03",
    "alt+n": "\x1bn",
}
# No q (random input never quits), no o or = (open and edit: a new scenario, unsaved edits that make
# q ask first; see abuse.EXCLUDED).
TEXT = "0123456789abdhijkmtvwxyAZ _-+/.,é٣１🙂λ"
FORBIDDEN = {"q", "ctrl+q", "ctrl+p"}  # what random input must never decode to
# Not 200: ``ESC [200~`` without its ``ESC [201~`` makes Textual take every later byte as pasted
# text (escape and q included), for good: a terminal never sends that, and the fuzz must not either.
NUMBERS = [0, 1, 2, 5, 9, 27, 48, 97, 201, 1004, 2026, 2048, 57441, 0x10FFFF, 0x110000, 999999999, 2**31, 2**63, 10**30]
FINALS = "ABCDEFGHJKPRSTZ~umMthlnc"
KILLERS = [
    "\x1b[1114112u",
    "\x1b[999999999;999999999H",
    "\x1b[1;1;1114112u",
    "\x1b[97;1;99999999999u",
    "\x1b[48;0;0;0;0t",
    "\x1b[48;99999;99999;1;1t",
    "\x1b[::::u",
    "\x1b[1:2:3;4:5;6:7u",
]
# The status line; its end may be under a notification.
STATUS = re.compile(r"epoch (\d+) · (?:sample|batch) (\d+)/(\d+)(?: · [a-z]+(?: \d+)? \((\d+)/(\d+)\))?")


def decoded_keys(data: str) -> set[str]:
    """The keys Textual's (guarded) parser makes of ``data``, however the sequence ends: a sequence
    it does not know is replayed as keys, one per character, when the next ESC comes or after 32
    characters (or after the escape delay): ``ESC [ 1 2 q`` is a ``q`` in the end."""
    found = set()
    for tail in ("\x1b", "x" * 40):
        found |= {getattr(event, "key", "") for event in GuardedParser().feed(data + tail)}
    return found


def random_number(rng: random.Random) -> str:
    n = rng.choice(NUMBERS) if rng.random() < 0.5 else rng.randint(0, 60000)
    return str(n)


def random_sequence(rng: random.Random) -> str:
    """An escape sequence: a CSI with odd parameters, an SS3, an OSC, a mouse report, alt+key."""
    kind = rng.random()
    if kind < 0.45:
        params = [
            random_number(rng) + (f":{random_number(rng)}" if rng.random() < 0.2 else "")
            for _ in range(rng.randint(0, 4))
        ]
        prefix = rng.choice(["", "", "?", "<", ">", "="])
        return f"\x1b[{prefix}{';'.join(params)}{rng.choice(FINALS)}"
    if kind < 0.55:
        return rng.choice(KILLERS)
    if kind < 0.65:
        return "\x1bO" + rng.choice("ABCDPQRSHFabc")
    if kind < 0.72:
        return "\x1b]" + rng.choice(["0;PWNED", "52;c;" + "A" * 40, "11;?", ""]) + rng.choice(["\x07", "\x1b\\"])
    if kind < 0.9:
        return "\x1b" + rng.choice(TEXT.replace(" ", ""))
    return "\x1b[M" + "".join(chr(rng.randint(32, 126)) for _ in range(3)).replace("q", "r")


def mouse(rng: random.Random, size: tuple[int, int]) -> str:
    """An SGR mouse report anywhere but the bottom row (the key bar)."""
    cols, rows = size
    button = rng.choice([0, 1, 2, 32, 35, 64, 65, 66, 67, 4, 8, 16])
    x, y = rng.randint(1, cols), rng.randint(1, max(rows - 1, 1))
    return f"\x1b[<{button};{x};{y}{rng.choice('Mm')}"


class PtyFuzz:
    def __init__(self, session: PtySession, rng: random.Random, name: str) -> None:
        self.s, self.rng, self.name = session, rng, name
        self.size = (100, 30)
        self.counts: Counter[str] = Counter()
        self.log: deque[str] = deque(maxlen=30)
        self.slowest = 0.0

    def where(self) -> str:
        return f"{self.name}, seed {SEED}, after {sum(self.counts.values())} actions; last: {list(self.log)}"

    def send(self, data: str | bytes, what: str, kind: str) -> None:
        self.log.append(what)
        self.counts[kind] += 1
        self.s.write(data)

    def action(self) -> None:
        rng = self.rng
        roll = rng.random()
        if roll < 0.5:
            key = rng.choice(list(KEY_BYTES))
            self.send(KEY_BYTES[key], key, "keys")
        elif roll < 0.6:
            ch = rng.choice(TEXT)
            self.send(ch, ch, "keys")
        elif roll < 0.64:
            self.send("\x1b", "escape", "keys")
            time.sleep(ESC_GAP)
        elif roll < 0.7:
            text = "".join(rng.choice(TEXT + "\n\t") for _ in range(rng.choice([1, 10, 200, 2000])))
            self.send(f"\x1b[200~{text}\x1b[201~", f"paste {len(text)}", "pastes")
        elif roll < 0.84:
            for _ in range(20):
                seq = random_sequence(rng)
                if not decoded_keys(seq) & FORBIDDEN and "\x1b[200~" not in seq:
                    break
            else:
                return
            self.send(seq, repr(seq), "sequences")
        elif roll < 0.9:
            self.send(mouse(rng, self.size), "mouse", "mouse")
        elif roll < 0.94:
            raw = bytes(
                rng.choice([0x80, 0xBF, 0xC0, 0xC3, 0xE2, 0xF0, 0xF8, 0xFE, 0xFF]) for _ in range(rng.randint(1, 4))
            )
            self.send(raw, repr(raw), "invalid utf-8")
        else:
            self.size = random_size(rng)
            self.log.append(f"resize {self.size}")
            self.counts["resizes"] += 1
            self.s.resize(*self.size)

    def alive(self) -> None:
        assert self.s.proc.poll() is None, (
            f"the app ended with {self.s.proc.returncode} ({self.where()})\n" + plain(self.s.output)[-1500:]
        )

    def shows(self, text: str, start: int, timeout: float = ANSWER) -> bool:
        """``text`` was drawn after byte ``start``. Textual redraws only the cells that change, so
        a text over similar background can come out in pieces: failing that, a resize by one
        column makes a full redraw."""
        if wait_plain(self.s, text, start, timeout=min(timeout, 2.0)):
            return True
        self.size = (self.size[0] + (1 if self.size[0] < 250 else -1), self.size[1])
        start = len(self.s.output)
        self.s.resize(*self.size)
        return wait_plain(self.s, text, start, timeout=timeout)

    def to_main_screen(self) -> None:
        """Escape closes any dialog or help, stops a run, unpins: three leave the main screen shown."""
        for _ in range(3):
            self.s.write("\x1b")
            time.sleep(ESC_GAP)

    def probe(self) -> None:
        """The status line in a full redraw is valid; the app answers: ``?`` shows the help, ``q``
        closes it."""
        s = self.s
        self.alive()
        s.wait_quiet(0.2, timeout=ANSWER)
        self.to_main_screen()
        # A full redraw follows a resize; wide, so that notifications (on the right) leave the
        # status line's position readable.
        self.size = (200, 30) if self.size != (200, 30) else (201, 30)
        start = len(s.output)
        s.resize(*self.size)
        deadline = time.monotonic() + ANSWER
        while not (positions := STATUS.findall(plain(s.output[start:]))) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert positions, f"no status line in a full redraw ({self.where()})\n{plain(s.output[start:])[:3000]}"
        epoch, sample, samples, k, steps = (int(n or 0) for n in positions[-1])
        assert epoch >= 1 and 1 <= sample <= samples and 0 <= k <= steps, (positions[-1], self.where())
        for _attempt in range(3):  # (rarely, under load, a ? is not taken: once more from the top)
            start, t0 = len(s.output), time.monotonic()
            s.write("?")
            if self.shows(HELP["step"], start):
                break
            self.counts["probe retries"] += 1
            self.to_main_screen()
            s.wait_quiet(0.2, timeout=ANSWER)
        else:
            raise AssertionError(f"no help on ? ({self.where()})\n" + plain(s.output[start:])[-4000:])
        answer = time.monotonic() - t0
        self.slowest = max(self.slowest, answer)
        assert answer < FREEZE_WALL, f"the help took {answer:.2f} s ({self.where()})"
        start = len(s.output)
        s.write("q")  # q inside a modal closes it and never quits
        self.counts["keys"] += 2
        s.wait_quiet(0.2, timeout=ANSWER)
        self.alive()

    def run_dialog(self) -> None:
        """``r``, a number, enter: the run dialog answered through the terminal. (A run still
        stopping says "under way" instead of asking: then once more.)"""
        s = self.s
        for _attempt in range(3):
            self.to_main_screen()
            s.wait_quiet(0.2, timeout=ANSWER)
            start = len(s.output)
            s.write("r")
            if self.shows("How many epochs", start, timeout=3.0):
                break
        else:
            raise AssertionError(f"no run dialog on r ({self.where()})")
        s.write("\x7f" * 3)
        time.sleep(0.1)  # (keys in one read can be handled out of order by Textual's Input)
        s.write(str(self.rng.randint(1, 9)))
        time.sleep(0.1)
        s.write("\r")
        self.counts["keys"] += 6
        self.counts["run dialogs"] += 1
        s.wait_quiet(0.2, timeout=ANSWER)


def wait_plain(s: PtySession, text: str, start: int, timeout: float = ANSWER) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in plain(s.output[start:]):
            return True
        if s.proc.poll() is not None:
            return False
        time.sleep(0.02)
    return False


def test_the_plain_keys_and_text_of_the_fuzz_never_quit():
    assert "q" in decoded_keys("\x1b[12;34q")  # what the vetting of sequences guards against
    assert not {k for ch in TEXT for k in decoded_keys(ch)} & FORBIDDEN
    assert not {k for b in KEY_BYTES.values() for k in decoded_keys(b)} & FORBIDDEN


@pytest.mark.skipif(
    not os.environ.get("BPTUI_ABUSE_PTY"),
    reason="wall-clock bounds on a shared 2-core machine: run with BPTUI_ABUSE_PTY=1 (see README)",
)
@pytest.mark.parametrize("name", SCENARIOS)
def test_random_abuse_through_a_real_terminal(name, tmp_path):
    rng = random.Random(f"{SEED}:pty:{name}")
    with PtySession(name, cwd=tmp_path, env={"ESCDELAY": str(ESCDELAY_MS)}) as s:
        assert s.wait_ready(), plain(s.output)[-1000:]
        fuzz = PtyFuzz(s, rng, name)
        fuzz.run_dialog()
        done, next_probe = 0, PROBE_EVERY
        while done < PER_SCENARIO:
            for _ in range(rng.randint(*BURST)):
                fuzz.action()
                done += 1
            fuzz.alive()
            if done >= next_probe:
                fuzz.probe()
                if rng.random() < 0.5:
                    fuzz.run_dialog()
                next_probe += PROBE_EVERY
        fuzz.probe()
        for _attempt in range(3):  # (on a loaded machine, an ESC and the q may still read as alt+q)
            fuzz.to_main_screen()
            s.wait_quiet(0.2, timeout=ANSWER)
            s.write("q")
            if (status := s.wait(3.0)) is not None:
                break
        text = plain(s.output)
        assert status == 0, f"exit {status} ({fuzz.where()})\n{text[-1500:]}"
        assert "Traceback" not in text, text[-2000:]
        assert not restored(s.output), f"not given back: {restored(s.output)}"
        assert s.cooked()
        print(f"{name}: {dict(fuzz.counts)}; slowest answer {fuzz.slowest:.2f} s")
