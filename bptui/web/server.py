"""Serve the TUI to a browser with textual-serve: one ``bptui SCENARIO`` process per browser tab.

textual-serve's page asks a web font service for its font and writes absolute addresses built from
``--host``; ours (``templates/app_index.html``) loads nothing from outside and uses relative
addresses, so it works offline and through an SSH tunnel. Two checks stop other web pages from
driving the app (it can open and save files in the folder it was started in): a websocket whose
``Origin`` is not the page's own is refused (cross-site websocket hijacking), and when bound to
this machine only, a request whose ``Host`` is not a loopback name is refused (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import shlex
import signal
import sys
from pathlib import Path

import aiohttp_jinja2
import textual_serve
from aiohttp import web
from textual_serve.server import Server, to_int
from yarl import URL

from bptui.printable import printable

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(textual_serve.__file__).resolve().parent / "static"  # xterm.js, textual.js, the font
LOOPBACK_NAMES = ("localhost",)
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.x.y.z, ``::1``)."""
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def app_command(scenario: Path) -> str:
    """The shell command textual-serve runs per browser tab: this Python, this bptui, the scenario."""
    return shlex.join([sys.executable, "-m", "bptui", str(scenario)])


class BptuiServer(Server):
    """textual-serve's server with bptui's page and the two origin checks."""

    def __init__(self, command: str, host: str, port: int, title: str) -> None:
        super().__init__(command, host=host, port=port, title=title, statics_path=STATIC, templates_path=TEMPLATES)
        self.local_only = is_loopback(host)

    def _check_request(self, request: web.Request) -> None:
        host = URL.build(scheme="http", authority=request.host).host or ""
        if self.local_only and not is_loopback(host):
            raise web.HTTPForbidden(text="bptui serves this machine only: open it as localhost or 127.0.0.1\n")

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict:
        self._check_request(request)
        return {"title": self.title, "font_size": min(max(to_int(request.query.get("fontsize", "16"), 16), 6), 64)}

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        self._check_request(request)
        origin = request.headers.get("Origin")
        if origin is not None and URL(origin).raw_authority.lower() != request.host.lower():
            raise web.HTTPForbidden(text="a page from another site may not drive bptui\n")
        return await super().handle_websocket(request)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing yet (textual-serve prints its logo here): the address is said once it listens."""

    def listening(self, *_args: object) -> None:
        """Called by aiohttp once the port is bound: where to point a browser, and the SSH tunnel."""
        shown = f"[{self.host}]" if ":" in self.host else self.host
        print(f"bptui: serving {self.title} on http://{shown}:{self.port}/ (ctrl+c stops)", flush=True)
        if self.local_only:
            print(
                f"bptui: from another machine: ssh -L {self.port}:127.0.0.1:{self.port} THIS-HOST, then open "
                f"http://localhost:{self.port}/",
                flush=True,
            )
        else:
            print(
                f"bptui: warning: anyone who can reach {self.host}:{self.port} can use the app, including "
                f"opening and saving .toml files in {Path.cwd()}",
                file=sys.stderr,
                flush=True,
            )

    def serve(self, debug: bool = False) -> None:
        """textual-serve's ``serve``, with :meth:`listening` as aiohttp's "running on" message."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows
                loop.add_signal_handler(sig, self.request_exit)
        web.run_app(
            self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop, print=self.listening
        )


def serve(scenario: Path, title: str, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> str | None:
    """Serve until interrupted; ``None`` on a clean stop, else why it could not serve (one line)."""
    server = BptuiServer(app_command(scenario), host=host, port=port, title=printable(title, 120))
    try:
        server.serve()
    except OSError as e:
        return f"cannot listen on {host}:{port} ({e.strerror or e}); choose another --port or --host"
    return None
