"""Bracketed paste with bounds (issue 12): ``PasteGuard`` between the terminal and the parser, fed
the way the driver feeds it, with the events Textual's (guarded) parser makes of what it lets
through; then on a real pty. Times are given, not waited for."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from textual import events

from bptui.tui.keys import HELP
from bptui.tui.paste import END, ESCAPE, QUIET, START, PasteGuard
from bptui.tui.terminal import GuardedParser

from .pty_session import PtySession, plain


class Line:
    """A guard and a parser, as in the driver's input loop."""

    def __init__(self, **bounds) -> None:
        self.guard = PasteGuard(**bounds)
        self.parser = GuardedParser()
        self.events: list = []

    def read(self, text: str, at: float = 0.0) -> Line:
        if passed := self.guard.feed(text, at):  # (feeding "" ends the parser: the driver does not)
            self.events += self.parser.feed(passed)
        return self

    def idle(self, at: float) -> Line:
        if closing := self.guard.tick(at):
            self.events += self.parser.feed(closing)
        return self

    def keys(self) -> list[str]:
        return [e.key for e in self.events if isinstance(e, events.Key)]

    def pastes(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, events.Paste)]


def test_a_paste_that_ends_is_passed_as_it_was():
    line = Line().read("n" + START + "hello\tworld\n" + END + "p")
    assert line.pastes() == ["hello\tworld\n"] and line.keys() == ["n", "p"]


def test_a_paste_that_never_ends_is_closed_once_the_input_is_quiet():
    """Textual alone takes every later key as pasted text: q, escape, everything, for good."""
    line = Line().read(START + "abc", at=10.0).read("q", at=10.5)
    assert line.idle(10.5 + QUIET / 2).pastes() == []  # not yet: the paste may go on
    line.idle(10.5 + QUIET)
    assert line.pastes() == ["abcq"]
    assert line.read("n", at=12.0).keys() == ["n"]  # keys are keys again
    assert line.guard.closed == 1


def test_escape_cancels_a_paste_that_never_ends():
    line = Line().read(START + "12", at=0.0).read("\x1b", at=0.1)
    line.idle(0.1 + ESCAPE / 2)
    assert line.pastes() == []
    line.idle(0.1 + ESCAPE)
    assert line.pastes() == ["12"] and line.keys() == []  # the escape is not pasted, not a key
    assert line.read("n", at=1.0).keys() == ["n"]


def test_an_escape_inside_a_paste_does_not_replay_the_pasted_text_as_keys():
    """Textual alone: the 32 characters after an ESC in a paste came out as keys (q quit)."""
    text = "\x1b" + "q" * 40 + "\x1bq\x1b[A\x1b[201"
    line = Line().read(START + text + END)
    assert line.keys() == [] and line.pastes() == ["q" * 40 + "q[A[201"]
    raw = list(GuardedParser().feed(START + text + END))
    assert "q" in [e.key for e in raw if isinstance(e, events.Key)]  # why the guard drops ESC


def test_markers_split_across_reads():
    line = Line()
    for piece in ["n\x1b[2", "00~ab", "c\x1b", "[20", "1", "~p"]:
        line.read(piece)
    assert line.pastes() == ["abc"] and line.keys() == ["n", "p"]


def test_a_paste_over_the_limit_is_cut_and_the_rest_dropped_until_it_ends():
    line = Line(limit=10).read(START + "x" * 25).read("qqqq" + "\x1b[A" * 3)
    assert line.pastes() == ["x" * 10] and line.keys() == []
    line.read("yyy" + END + "n")
    assert line.pastes() == ["x" * 10] and line.keys() == ["n"]
    line = Line(limit=10).read(START + "x" * 25, at=0.0).idle(QUIET).read("n", at=QUIET)
    assert line.pastes() == ["x" * 10] and line.keys() == ["n"]  # or until the input is quiet


PIECES = st.sampled_from([START, END, "\x1b", "[", "2", "0", "1", "~", "q", "n", "é", "\x1b[A", "\r", "a" * 5])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30), st.data())
def test_how_the_input_is_split_into_reads_does_not_matter(pieces, data):
    text = "".join(pieces)
    whole = Line().read(text).idle(QUIET)
    cuts = sorted(data.draw(st.sets(st.integers(0, len(text)), max_size=6)))
    split = Line()
    for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True):
        split.read(text[a:b])
    split.idle(QUIET)
    assert (split.pastes(), split.keys()) == (whole.pastes(), whole.keys())


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES.filter(lambda p: p != END), max_size=30))
def test_nothing_pasted_becomes_a_key(pieces):
    body = "".join(pieces)
    line = Line().read(START + body + END + "n")
    assert line.keys() == ["n"] and len(line.pastes()) == 1


def test_an_unterminated_paste_on_a_real_terminal_does_not_take_the_session():
    """``ESC [200~`` and no end, then the user's keys: the paste is closed once the input is
    quiet, and the app answers again (``?`` shows the help, ``q`` closes it, ``q`` quits)."""
    with PtySession("streetlight") as s:
        assert s.wait_ready(), plain(s.output)[-1000:]
        s.wait_quiet(0.2, 15.0)
        s.write(START + "12 abc")
        s.write("q")  # pasted: it must not quit
        s.wait_quiet(QUIET + 0.5, 15.0)
        assert s.proc.poll() is None
        start = len(s.output)
        s.write("?")
        assert s.wait_for(HELP["step"].split()[0], 15.0, start), plain(s.output[start:])[-800:]
        s.write("q")
        s.wait_quiet(0.3, 15.0)
        s.write(START + "\x1b" + "q" * 40)  # an ESC in a paste, then more: not keys
        s.wait_quiet(0.3, 15.0)
        s.write("\x1b")  # escape cancels the paste
        s.wait_quiet(ESCAPE + 0.5, 15.0)
        assert s.proc.poll() is None
        s.write("q")
        assert s.wait(15.0) == 0, plain(s.output)[-1500:]
        assert "Traceback" not in plain(s.output)
