"""Bracketed paste with bounds, between the terminal's bytes and Textual's parser.

Textual 8.2.8 takes everything after ``ESC [200~`` as pasted text until ``ESC [201~`` comes: a
paste that never ends (a terminal or a program that dies mid-paste, a stray ``ESC [200~`` from
``cat`` of a file) swallowed every later key, escape and ``q`` included, for the rest of the
session. And inside a paste its parser still reads ``ESC`` as the start of a sequence and replays
what follows as keys: pasting ``ESC`` then 32 more characters that contain a ``q`` quit the app.

``PasteGuard`` filters the decoded input: inside a paste it drops ``ESC`` (pasted text has no use
for it; only the closing marker keeps its own), and it closes a paste itself when the input has
been quiet for ``QUIET`` seconds (a terminal writes a paste in one go), when a lone escape was
pressed (``ESCAPE``: nothing followed it for that long), or when the paste passed ``LIMIT``
characters (the rest of it, up to its end marker, is dropped: it never becomes keys).
"""

from __future__ import annotations

from dataclasses import dataclass

START, END = "\x1b[200~", "\x1b[201~"
ESC = "\x1b"
QUIET = 1.0  # seconds without input after which an open paste is closed
ESCAPE = 0.2  # seconds a lone ESC inside a paste waits for more before it cancels the paste
LIMIT = 1_000_000  # characters a paste may hold; beyond, the rest of it is dropped


def _partial_end(text: str) -> int:
    """How many characters at the end of ``text`` could be the start of ``END``."""
    for n in range(min(len(END) - 1, len(text)), 0, -1):
        if END.startswith(text[-n:]):
            return n
    return 0


@dataclass
class PasteGuard:
    quiet: float = QUIET
    escape: float = ESCAPE
    limit: int = LIMIT
    open: bool = False  # inside a paste the parser is collecting
    dropping: bool = False  # past the limit: dropping input until the paste's end
    size: int = 0  # characters of the open paste so far
    last: float = 0.0  # when the last input came
    held: str = ""  # the end of the input that may be the start of the end marker
    tail: str = ""  # the last characters outside a paste (a start marker split across reads)
    closed: int = 0  # pastes closed by the guard (for the session's record)

    def feed(self, text: str, now: float) -> str:
        """What of ``text`` goes on to the parser."""
        self.last = now
        out: list[str] = []
        while text:
            if not self.open:
                seen = self.tail + text
                i = seen.find(START)
                if i < 0:
                    out.append(text)
                    self.tail = seen[-(len(START) - 1) :]
                    return "".join(out)
                cut = i + len(START) - len(self.tail)  # the start marker ends here in ``text``
                out.append(text[:cut])
                text, self.tail = text[cut:], ""
                self.open, self.size = True, 0
                continue
            text = self.held + text
            self.held = ""
            i = text.find(END)
            body = text if i < 0 else text[:i]
            if i < 0:
                n = _partial_end(body)
                body, self.held = body[: len(body) - n], body[len(body) - n :]
            out.append(self._body(body))
            if i < 0:
                if self.size >= self.limit and not self.dropping:
                    out.append(END)  # the parser delivers what it has; the rest is dropped
                    self.dropping = True
                    self.closed += 1
                return "".join(out)
            if not self.dropping:
                out.append(END)
            self.open = self.dropping = False
            text = text[i + len(END) :]
        return "".join(out)

    def _body(self, body: str) -> str:
        if self.dropping:
            return ""
        body = body.replace(ESC, "")[: self.limit - self.size]
        self.size += len(body)
        return body

    def tick(self, now: float) -> str:
        """What to feed the parser when no input came: the end of a paste that should end."""
        if not self.open:
            return ""
        idle = now - self.last
        if idle >= self.quiet or (self.held == ESC and idle >= self.escape):
            self.held = ""  # a lone escape cancels: it is not pasted
            closing = "" if self.dropping else END
            if not self.dropping:
                self.closed += 1
            self.open = self.dropping = False
            return closing
        return ""
