"""The terminal under the app: input that cannot kill it, signals that give the terminal back.

The terminal is the user's (SPEC 7, "Never end the session"). Textual 8.2.8's Linux driver lets a
single odd escape sequence end the app (its xterm parser calls ``chr()`` on whatever number a
sequence carries, and a dead parser generator takes the input thread down); invalid UTF-8 does the
same; SIGTERM and SIGHUP kill the process with the terminal still raw, in the alternate screen,
reporting the mouse. ``GuardedDriver`` closes those holes without patching Textual:

- ``GuardedParser`` drops a sequence it cannot decode instead of raising;
- the input loop decodes with replacement characters and, should the parser still fail, starts a
  fresh one and goes on (the failing chunk of input is dropped, and counted);
- resize reports from the input (in-band resize) outside a sane range are dropped;
- ``PasteGuard`` (``paste.py``) bounds bracketed pastes: one that never ends is closed, and an
  ``ESC`` inside a paste can no longer replay the pasted text as keys;
- SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1/2 and SIGALRM end the app the normal way (so Textual
  gives the terminal back); if it cannot within ``GRACE`` seconds (a frozen event loop), the
  terminal is restored by hand and the process exits anyway.

``run_app`` runs an app on that driver and turns how it ended into an exit status and one line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import termios
import threading
import time
from codecs import getincrementaldecoder
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from textual import events
from textual._loop import loop_last
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver
from textual.keys import Keys

from bptui.printable import printable

from .paste import PasteGuard

if TYPE_CHECKING:
    from textual.app import App

ENDING_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGHUP", "SIGINT", "SIGQUIT", "SIGTERM", "SIGUSR1", "SIGUSR2", "SIGALRM")
    if hasattr(signal, name)
)
GRACE = 3.0  # seconds a signalled app has to shut down before the terminal is restored by hand
MAX_REPORTED_SIZE = 2000  # columns or rows: an in-band resize report beyond this is noise
EXIT_CRASHED = 1
# What Textual writes when it gives the terminal back (LinuxDriver.stop_application_mode and
# _disable_mouse_support), for the hand restore of a frozen app.
RESTORE_SEQUENCES = (
    "\x1b[?2004l"  # bracketed paste off
    "\x1b[?7h"  # line wrap on
    "\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l"  # mouse reporting off
    "\x1b[<u"  # kitty keyboard protocol off
    "\x1b[?1049l"  # leave the alternate screen
    "\x1b[?25h"  # show the cursor
    "\x1b[?1004l"  # focus reports off
)


@dataclass
class Session:
    """How one app run on the terminal went; the driver fills it, ``run_app`` reads it."""

    signal: int | None = None  # the signal that ended the app
    dropped: list[str] = field(default_factory=list)  # input the parser could not use (repr, short)
    input_lost: str | None = None  # why the terminal's input went away, if it did
    restored: bool = False  # the driver gave the terminal back


_SESSIONS: WeakKeyDictionary[App, Session] = WeakKeyDictionary()


def session_of(app: App) -> Session:
    """The record of ``app``'s run on the terminal (created on first use)."""
    return _SESSIONS.setdefault(app, Session())


class GuardedParser(XTermParser):
    """Textual's xterm parser, except that a sequence it cannot decode is dropped, not raised.

    An exception inside ``parse`` would end its generator, and with it all further input; so
    both places that turn numbers from a sequence into events are guarded: a failed key decode
    becomes an ignored key (which ends the sequence, so its characters are not replayed as keys),
    a failed mouse decode becomes no event.
    """

    def __init__(self, debug: bool = False, on_drop=None) -> None:
        self.on_drop = on_drop
        super().__init__(debug)

    def _dropped(self, sequence: str) -> None:
        if self.on_drop is not None:
            self.on_drop(sequence)

    def _sequence_to_key_events(self, sequence: str, alt: bool = False) -> Iterable[events.Key]:
        try:
            keys = list(super()._sequence_to_key_events(sequence, alt))
        except Exception:  # noqa: BLE001 - last resort: no input may end the app (module docstring); dropped
            self._dropped(sequence)
            keys = [events.Key(Keys.Ignore, sequence)]
        yield from keys

    def parse_mouse_code(self, code: str):
        try:
            return super().parse_mouse_code(code)
        except Exception:  # noqa: BLE001 - last resort, as above
            self._dropped(code)
            return None


class GuardedDriver(LinuxDriver):
    """Textual's Linux driver with guarded input and signal handling (see the module docstring)."""

    def __init__(self, app: App, **kwargs: Any) -> None:
        super().__init__(app, **kwargs)
        self.session = session_of(app)
        self._previous_handlers: dict[int, Any] = {}

    # --- input -------------------------------------------------------------------------------------

    def _drop(self, data: str) -> None:
        if len(self.session.dropped) < 100:
            self.session.dropped.append(repr(data[:40]))

    def new_parser(self) -> GuardedParser:
        return GuardedParser(self._debug, on_drop=self._drop)

    def run_input_thread(self) -> None:
        """Textual 8.2.8's input loop, with a replacing UTF-8 decoder and a parser that is replaced
        when it fails, so no input can end the app."""
        import selectors

        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        fileno = self.fileno
        parser = self.new_parser()
        paste = PasteGuard()
        decode = getincrementaldecoder("utf-8")("replace").decode

        def feed(data: str) -> None:
            nonlocal parser
            try:
                for event in parser.feed(data):
                    self.process_message(event)
            except Exception:  # noqa: BLE001 - a parser failure we did not foresee: drop the chunk, start afresh
                self._drop(data)
                parser = self.new_parser()

        def tick() -> None:
            nonlocal parser
            closed = paste.closed
            if closing := paste.tick(time.monotonic()):
                feed(closing)
            if paste.closed != closed:
                self._drop("<a paste that did not end>")
            try:
                for event in parser.tick():
                    self.process_message(event)
            except Exception:  # noqa: BLE001 - last resort, as in feed
                self._drop("<tick>")
                parser = self.new_parser()

        def process(selector_events, final: bool = False) -> bool:
            for last, (_key, mask) in loop_last(selector_events):
                if mask & selectors.EVENT_READ:
                    try:
                        raw = os.read(fileno, 1024 * 4)
                    except OSError as error:  # EIO: the terminal hung up
                        self._input_lost(f"the terminal's input failed ({error.strerror or error})")
                        return False
                    text = decode(raw, final=final and last)
                    if not raw:  # end of input: nothing more will come
                        self._input_lost("the terminal's input ended")
                        return False
                    if text:
                        closed = paste.closed
                        if passed := paste.feed(text, time.monotonic()):  # ("" would end the parser)
                            feed(passed)
                        if paste.closed != closed:
                            self._drop("<a paste over its limit>")
            tick()
            return True

        try:
            while not self.exit_event.is_set():
                if not process(selector.select(0.1)):
                    break
            else:
                selector.unregister(self.fileno)
                process(selector.select(0.1), final=True)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except Exception:  # noqa: BLE001, S110 - last resort at shutdown: the exit goes on
                pass

    def _input_lost(self, why: str) -> None:
        """No more input can come: end the app (as a hang-up) rather than spin or hang."""
        if self.session.input_lost is None and self.session.signal is None:
            self.session.input_lost = why
            self._request_exit(128 + signal.SIGHUP)

    def process_message(self, message) -> None:
        if isinstance(message, events.Resize):  # only in-band reports come this way
            width, height = message.size
            if not (1 <= width <= MAX_REPORTED_SIZE and 1 <= height <= MAX_REPORTED_SIZE):
                self._drop(f"resize {width}x{height}")
                return
        super().process_message(message)

    # --- signals -------------------------------------------------------------------------------------

    def start_application_mode(self) -> None:
        if threading.current_thread() is threading.main_thread():
            for signum in ENDING_SIGNALS:
                with contextlib.suppress(OSError, ValueError):
                    self._previous_handlers[signum] = signal.signal(signum, self._on_signal)
        super().start_application_mode()

    def stop_application_mode(self) -> None:
        super().stop_application_mode()
        self.session.restored = True

    def close(self) -> None:
        super().close()
        for signum, handler in self._previous_handlers.items():
            with contextlib.suppress(OSError, ValueError):
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous_handlers.clear()

    def _on_signal(self, signum: int, _frame) -> None:
        """First signal: end the app the normal way, with a deadline. Second: end it now."""
        if self.session.signal is None:
            self.session.signal = signum
            self._request_exit(128 + signum)
            threading.Thread(target=self._deadline, args=(128 + signum,), daemon=True, name="bptui-deadline").start()
        else:
            self._end_now(128 + self.session.signal)

    def _request_exit(self, status: int) -> None:
        loop = self._loop  # Driver.__init__: the app's event loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._app.exit, None, status)

    def _deadline(self, status: int) -> None:
        time.sleep(GRACE)
        self._end_now(status)

    def _end_now(self, status: int) -> None:
        """The app did not end in time (a frozen event loop, a thread that will not stop): give
        the terminal back by hand and leave."""
        if not self.session.restored:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                os.write(self._file.fileno(), RESTORE_SEQUENCES.encode())  # type: ignore[union-attr]
            if self.attrs_before is not None:
                with contextlib.suppress(termios.error, OSError, ValueError):
                    termios.tcsetattr(self.fileno, termios.TCSANOW, self.attrs_before)
            self.session.restored = True
            try:  # straight to the descriptor: Textual still captures sys.stderr
                line = f"{ending_message(self.session, None) or 'bptui: stopped'}\n"
                os.write(self._file.fileno(), line.encode())  # type: ignore[union-attr]
            except (OSError, ValueError, AttributeError):
                pass
        os._exit(status)


# --- running an app ----------------------------------------------------------------------------------


def _write_line(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # the terminal is gone (SIGHUP): nobody to tell
        pass


def ending_message(session: Session, app: App | None) -> str | None:
    """One line saying why the app ended, or ``None`` when the user quit it."""
    if session.signal is not None:
        if session.signal == signal.SIGINT:
            return "bptui: interrupted"
        return f"bptui: terminated by {signal.Signals(session.signal).name}"
    if session.input_lost is not None:
        return f"bptui: {session.input_lost}"
    if app is None:
        return None
    error = getattr(app, "_exception", None)  # Textual 8: the first unhandled exception
    if error is not None:
        return f"bptui: the app stopped on an internal error: {printable(f'{type(error).__name__}: {error}', 200)}"
    if app.return_code is None:  # App.panic() (e.g. the input thread failed) sets no return code
        return "bptui: the app stopped on an internal error (details above)"
    if app.return_code:
        return f"bptui: the app ended with status {app.return_code}"
    return None


def exit_status(session: Session, app: App) -> int:
    """0 when the user quit; 128 + N after signal N; non-zero whenever the app ended on an error."""
    if session.signal is not None:
        return 128 + session.signal
    if session.input_lost is not None:
        return 128 + signal.SIGHUP
    if getattr(app, "_exception", None) is not None or app.return_code is None:
        return EXIT_CRASHED
    return app.return_code


def run_app(app: App) -> int:
    """Run ``app`` on the guarded driver; say in one line on stderr why it ended unless the user
    quit; return the exit status."""
    session = session_of(app)
    if issubclass(app.driver_class, LinuxDriver):
        app.driver_class = GuardedDriver
    try:
        app.run()
    except KeyboardInterrupt:  # SIGINT before or after the driver's handler was in place
        session.signal = signal.SIGINT
    message = ending_message(session, app)
    if message:
        _write_line(message)
    return exit_status(session, app)
