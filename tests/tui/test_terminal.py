"""The terminal under the app (issue 12, SPEC 7 "Never end the session"): input that cannot kill
it, signals that end it with the terminal given back, and an exit status that tells a crash from
a quit. Parser tests feed Textual's xterm parser directly; the rest run ``python -m bptui`` (or a
small app on the same driver) on a real pseudo-terminal.
"""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events
from textual._xterm_parser import XTermParser

from bptui.tui.keys import HELP
from bptui.tui.terminal import EXIT_CRASHED, GRACE, GuardedParser, Session, ending_message, exit_status

from .pty_session import PtySession, plain, restored

ANSWER = 15.0  # seconds a process has to answer (wall clock, on a shared machine)

# Input that ended the app before the guard, and what each one broke in Textual 8.2.8.
KILLERS = {
    "kitty key past U+10FFFF": "\x1b[1114112u",  # chr() arg not in range
    "cursor-key form, huge code": "\x1b[999999999;999999999H",  # chr() arg not in range
    "kitty text past U+10FFFF": "\x1b[1;1;1114112u",
    "kitty modifier past C int": "\x1b[97;1;99999999999u",  # OverflowError
    "kitty colons only": "\x1b[::::u",  # int('::::')
    "kitty sub-parameters": "\x1b[1:2:3;4:5;6:7u",  # int('1:2:3')
    "zero-size in-band resize then a mouse report": "\x1b[48;0;0;0;0t\x1b[<0;5;5M",  # ZeroDivisionError
}


def keys(events_: list) -> list[str]:
    return [e.key for e in events_ if isinstance(e, events.Key)]


# --- the parser ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sequence", KILLERS.values(), ids=KILLERS.keys())
def test_the_guarded_parser_drops_a_sequence_it_cannot_decode_and_goes_on(sequence):
    dropped = []
    parser = GuardedParser(on_drop=dropped.append)
    out = list(parser.feed(sequence + "n"))
    assert keys(out)[-1:] == ["n"]  # the next key still arrives
    assert dropped and not parser.is_eof
    assert keys(list(parser.feed("\x1b[A"))) == ["up"]  # and the parser keeps working


def test_textual_s_own_parser_dies_on_those_sequences():
    """Why the guard exists (if a Textual upgrade fixes this, the guard may go)."""
    failures = 0
    for sequence in KILLERS.values():
        try:
            list(XTermParser().feed(sequence + "n"))
        except (ValueError, OverflowError, ZeroDivisionError):
            failures += 1
    assert failures == len(KILLERS)


ALPHABET = st.sampled_from(
    [
        "\x1b",
        "[",
        "]",
        "O",
        "<",
        ">",
        "?",
        ";",
        ":",
        "0",
        "1",
        "9",
        "48",
        "200~",
        "201~",
        "1114112",
        "99999999999",
        "u",
        "~",
        "M",
        "m",
        "t",
        "H",
        "A",
        "Z",
        "\x07",
        "\x00",
        "é",
        "🙂",
        "\ud7ff",
        "x",
    ]
)


@settings(max_examples=300)
@given(st.lists(ALPHABET, max_size=60).map("".join))
def test_no_input_ends_the_guarded_parser(garbage):
    parser = GuardedParser()
    if garbage:  # (feeding "" means end of input: the driver never does)
        list(parser.feed(garbage))
    # Past any pending sequence (32 characters at most) and out of any paste, keys arrive again.
    after = keys(list(parser.feed("\x1b[201~" + "x" * 40)))
    assert after[-1:] == ["x"]


# --- the exit status and its line ----------------------------------------------------------------


def fake_app(exception=None, return_code=0):
    return SimpleNamespace(_exception=exception, return_code=return_code)


def test_a_quit_exits_0_silently():
    assert exit_status(Session(), fake_app()) == 0
    assert ending_message(Session(), fake_app()) is None


def test_an_exception_exits_non_zero_with_one_line():
    app = fake_app(RuntimeError("boom\n\x1b[2Jsecond line"), 1)
    assert exit_status(Session(), app) == EXIT_CRASHED != 0
    line = ending_message(Session(), app)
    assert line.startswith("bptui: the app stopped on an internal error: RuntimeError: boom")
    assert "\n" not in line and "\x1b" not in line


def test_a_panic_sets_no_return_code_and_still_exits_non_zero():
    app = fake_app(None, None)
    assert exit_status(Session(), app) == EXIT_CRASHED
    assert "internal error" in ending_message(Session(), app)


@pytest.mark.parametrize(
    "signum, word", [(signal.SIGINT, "interrupted"), (signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")]
)
def test_a_signal_exits_128_plus_its_number(signum, word):
    session = Session(signal=signum)
    assert exit_status(session, fake_app()) == 128 + signum
    assert word in ending_message(session, fake_app())


# --- a real terminal ------------------------------------------------------------------------------


def probe(s: PtySession) -> None:
    """The app answers a key: ``?`` shows the help, ``q`` closes it."""
    start = len(s.output)
    s.write("?")
    assert s.wait_for(HELP["step"].split()[0], ANSWER, start) and HELP["step"] in plain(s.output[start:]), plain(
        s.output[start:]
    )[-800:]
    s.write("q")
    s.wait_quiet(0.2, ANSWER)
    assert s.proc.poll() is None


def last_words(s: PtySession) -> str:
    """What the app wrote after leaving the alternate screen (its one line, if any)."""
    return plain(s.output.rsplit(b"\x1b[?1049l", 1)[-1]).strip()


def assert_given_back(s: PtySession) -> None:
    assert not restored(s.output), f"left on: {restored(s.output)}"
    assert s.cooked(), "the terminal is still raw (-icanon -echo)"


HOSTILE_INPUT = {
    **{k: v.encode() for k, v in KILLERS.items()},
    "invalid UTF-8": b"\xff\xfe\xc3(",  # the decoder raised UnicodeDecodeError
    "in-band resize to 99999x99999": b"\x1b[48;99999;99999;1;1t",
}  # the app froze


def test_hostile_input_on_a_real_terminal_leaves_the_app_alive_and_answering():
    with PtySession("streetlight") as s:
        assert s.wait_ready(), plain(s.output)[-1000:]
        s.wait_quiet(0.2, ANSWER)
        for name, data in HOSTILE_INPUT.items():
            s.write(data)
            time.sleep(0.15)  # past the escape delay: the sequence is complete
            assert s.proc.poll() is None, f"{name} ended the app:\n{plain(s.output)[-1500:]}"
            probe(s)
        s.write("q")
        assert s.wait(ANSWER) == 0, plain(s.output)[-1500:]
        assert_given_back(s)
        assert "Traceback" not in plain(s.output)


@pytest.mark.parametrize(
    "signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGQUIT], ids=lambda n: signal.Signals(n).name
)
def test_a_signal_ends_the_app_with_the_terminal_given_back(signum):
    with PtySession("xor") as s:
        assert s.wait_ready(), plain(s.output)[-1000:]
        s.signal(signum)
        assert s.wait(ANSWER) == 128 + signum
        assert_given_back(s)
        expected = (
            "bptui: interrupted" if signum == signal.SIGINT else f"bptui: terminated by {signal.Signals(signum).name}"
        )
        assert last_words(s) == expected


def test_a_signal_during_a_run_ends_the_app_at_once():
    with PtySession("streetlight") as s:
        assert s.wait_ready()
        s.write("r")
        assert s.wait_for("How many", ANSWER)
        s.wait_quiet(0.2, ANSWER)
        s.write("\x7f")
        time.sleep(0.1)
        s.write("9999999")
        time.sleep(0.1)
        s.write("\r")
        assert s.wait_for("escape stops", ANSWER)  # the run is under way
        s.signal(signal.SIGTERM)
        assert s.wait(ANSWER) == 128 + signal.SIGTERM
        assert_given_back(s)


def test_a_hang_up_ends_the_app():
    """The terminal goes away (its master side closes): the kernel sends SIGHUP and reads fail."""
    s = PtySession("streetlight")
    try:
        assert s.wait_ready()
        os.close(s.master)
        assert s.wait(ANSWER) == 128 + signal.SIGHUP
    finally:
        if s.proc.poll() is None:
            os.killpg(s.proc.pid, signal.SIGKILL)
            s.proc.wait(5)


# Small apps on the same driver, for what bptui's own app never does on purpose.
SCRIPT = textwrap.dedent("""
    import sys, time
    from textual.app import App
    from textual.widgets import Static
    from bptui.tui.terminal import run_app

    class Probe(App):
        BINDINGS = [("x", "freeze"), ("b", "boom"), ("k", "panic_now")]
        def compose(self):
            yield Static("probe app ready")
        def action_freeze(self):
            time.sleep(60)  # the event loop stops: no signal handling by the loop, no redraws
        def action_boom(self):
            raise RuntimeError("boom")
        def action_panic_now(self):
            self.panic("panic!")

    sys.exit(run_app(Probe()))
""")


def probe_app() -> PtySession:
    return PtySession(command=[sys.executable, "-c", SCRIPT])


def test_a_frozen_app_still_gives_the_terminal_back_on_sigterm():
    with probe_app() as s:
        assert s.wait_for("probe app ready", ANSWER)
        s.write("x")
        time.sleep(0.3)
        sent = time.monotonic()
        s.signal(signal.SIGTERM)
        assert s.wait(GRACE + ANSWER) == 128 + signal.SIGTERM
        assert time.monotonic() - sent < 50  # long before the 60 s freeze ends
        assert_given_back(s)
        assert last_words(s) == "bptui: terminated by SIGTERM"


@pytest.mark.parametrize(
    "key, line",
    [
        ("b", "bptui: the app stopped on an internal error: RuntimeError: boom"),
        ("k", "bptui: the app stopped on an internal error (details above)"),
    ],
)
def test_a_crash_exits_non_zero_with_one_line(key, line):
    with probe_app() as s:
        assert s.wait_for("probe app ready", ANSWER)
        s.write(key)
        assert s.wait(ANSWER) == EXIT_CRASHED
        assert_given_back(s)
        assert last_words(s).splitlines()[-1] == line
