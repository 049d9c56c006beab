"""``bptui --web`` (issue 9): the page loads nothing from outside, and in a real headless Chromium
it shows the four panes and a key press steps.

The server runs as a real ``bptui --web`` process in its own session and is always stopped (its
whole process group, the per-tab app processes included). The Chromium test is driven over the
DevTools protocol with aiohttp (textual-serve's own dependency): it records every request the page
makes and every websocket frame the app sends, which are the terminal bytes the browser draws.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import aiohttp
import pytest

from bptui.cli import main
from bptui.web.server import app_command, is_loopback

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PANES = ("Network", "Inspector", "Chain rule", "Loss")
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
SCREENSHOTS = Path(tempfile.gettempdir())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    """``bptui --web ARGS`` in its own process group; ``stop()`` ends the group."""

    def __init__(self, *args: str, cwd: Path) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bptui", "--web", *args, "--port", str(self.port)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{self.port}/"

    def wait_ready(self, timeout: float = 15) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"the server ended: {self.proc.stdout.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError("the server did not start listening")

    def stop(self) -> str:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(3)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        with contextlib.suppress(ProcessLookupError):  # the per-tab app processes are in the same group
            os.killpg(self.proc.pid, signal.SIGKILL)
        return self.proc.stdout.read().decode(errors="replace")


@pytest.fixture
def server(tmp_path):
    srv = WebServer("streetlight", cwd=tmp_path)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.links += [v for k, v in attrs if k in ("src", "href") and v]


async def _get(url: str, **headers) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, headers=headers) as r:
        return r.status, (await r.read()).decode("utf-8", errors="replace")


def test_the_page_loads_nothing_from_outside(server):
    status, html = asyncio.run(_get(server.url))
    assert status == 200
    parser = _Links()
    parser.feed(html)
    assert sorted(parser.links) == ["static/css/xterm.css", "static/js/textual.js"]
    assert not re.search(r"https?://", re.sub(r"<!--.*?-->", "", html, flags=re.DOTALL))  # no absolute address
    assert str(server.port) not in html and "127.0.0.1" not in html  # so any tunnel port works
    for link in parser.links + ["static/fonts/RobotoMono-VariableFont_wght.ttf"]:
        assert asyncio.run(_get(server.url + link))[0] == 200, link
    css = asyncio.run(_get(server.url + "static/css/xterm.css"))[1]
    assert not re.search(r"url\(|@import", css)


def test_only_loopback_names_and_the_pages_own_origin_are_served(server):
    assert asyncio.run(_get(server.url, Host=f"localhost:{server.port}"))[0] == 200
    assert asyncio.run(_get(server.url, Host=f"attacker.example:{server.port}"))[0] == 403  # DNS rebinding

    async def websocket(origin: str | None) -> int:
        headers = {"Origin": origin} if origin else {}
        async with aiohttp.ClientSession() as session:
            try:
                async with session.ws_connect(f"ws://127.0.0.1:{server.port}/ws", headers=headers) as ws:
                    await ws.close()
                    return 101
            except aiohttp.WSServerHandshakeError as e:
                return e.status

    assert asyncio.run(websocket("http://evil.example")) == 403  # another site's page
    assert asyncio.run(websocket(f"http://127.0.0.1:{server.port}")) == 101


def test_loopback_and_command_quoting():
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.5.0.1", "app.localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.2", "example.com", "localhost.example.com"))
    command = app_command(Path("/tmp/a b/it's; rm -rf x.toml"))
    assert command.endswith("'/tmp/a b/it'\"'\"'s; rm -rf x.toml'")  # one shell word, never run as code


def test_web_flags_wrong_input(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["--port", "8080"]) == 2
    assert "go with --web" in capsys.readouterr().err
    (tmp_path / "bad.toml").write_text("title = 1\n")
    assert main(["--web", "bad.toml"]) == 2  # refused before serving
    err = capsys.readouterr().err
    assert err.startswith("bptui: error: bad.toml") and err.count("\n") == 1
    for port in ("0", "65536", "http"):
        with pytest.raises(SystemExit) as exit_:
            main(["--web", "--port", port])
        assert exit_.value.code == 2


@pytest.mark.parametrize("where", ["port in use", "bad host"])
def test_a_port_in_use_or_a_bad_host_is_one_line_and_exit_2(server, tmp_path, where):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    args = ["--port", str(server.port)] if where == "port in use" else ["--host", "no such host", "--port", "8000"]
    done = subprocess.run(
        [sys.executable, "-m", "bptui", "--web", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2
    host = "127.0.0.1" if where == "port in use" else "no such host"
    assert f"bptui: error: cannot listen on {host}:{args[-1]} (" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout and done.stderr.count("\n") == 1


# --- a real browser -------------------------------------------------------------------------------


class DevTools:
    """A minimal DevTools-protocol client: commands with results, events kept in order."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.events: list[dict] = []
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.pending:
                self.pending.pop(data["id"]).set_result(data)
            elif "method" in data:
                self.events.append(data)

    async def send(self, method: str, **params) -> dict:
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = future
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        reply = await asyncio.wait_for(future, 15)
        assert "error" not in reply, reply
        return reply.get("result", {})

    def terminal_text(self) -> str:
        """Everything the app has drawn so far, escape sequences removed."""
        raw = b"".join(
            base64.b64decode(e["params"]["response"]["payloadData"])
            for e in self.events
            if e["method"] == "Network.webSocketFrameReceived" and e["params"]["response"]["opcode"] == 2
        )
        return ANSI.sub("", raw.decode("utf-8", errors="replace"))

    async def wait_for_text(self, *needles: str, timeout: float = 20) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            text = self.terminal_text()
            if all(n in text for n in needles):
                return text
            await asyncio.sleep(0.2)
        raise AssertionError(f"not drawn within {timeout} s: {[n for n in needles if n not in text]}")

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def press(self, key: str, code: str, key_code: int) -> None:
        await self.send(
            "Input.dispatchKeyEvent", type="keyDown", key=key, code=code, text=key, windowsVirtualKeyCode=key_code
        )
        await self.send("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=key_code)


async def _tunnel(port: int) -> asyncio.Server:
    """A TCP forwarder from another local port to ``port``: what ``ssh -L 9000:127.0.0.1:8000`` does."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    return await asyncio.start_server(forward, "127.0.0.1", 0)


async def _chromium_session(server_port: int, profile: Path) -> None:
    tunnel = await _tunnel(server_port)
    port = tunnel.sockets[0].getsockname()[1]  # the browser only ever sees the tunnel's port
    browser = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
        "--no-first-run",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        endpoint = None
        while endpoint is None:
            line = (await asyncio.wait_for(browser.stderr.readline(), 20)).decode()
            assert line, "chromium ended before opening DevTools"
            m = re.search(r"DevTools listening on (ws://[^/]+)/", line)
            endpoint = m and m.group(1).replace("ws://", "http://")
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{endpoint}/json/list") as r:
                page = next(t for t in await r.json() if t["type"] == "page")
            async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                tools = DevTools(ws)
                await tools.send("Network.enable")
                await tools.send("Page.enable")
                await tools.send("Page.navigate", url=f"http://127.0.0.1:{port}/")
                await tools.wait_for_text(*PANES, "epoch 1 · sample 1/4 · start (0/6)")
                await asyncio.sleep(0.5)
                await tools.screenshot(SCREENSHOTS / "bptui-web-start.png")
                await tools.send(
                    "Runtime.evaluate", expression="document.querySelector('.xterm-helper-textarea').focus()"
                )
                await tools.press("n", "KeyN", 78)
                await tools.wait_for_text("forward 1 (1/6)")
                await asyncio.sleep(0.5)
                await tools.screenshot(SCREENSHOTS / "bptui-web-step.png")
                requested = [
                    e["params"]["request"]["url"] for e in tools.events if e["method"] == "Network.requestWillBeSent"
                ]
                sockets = [e["params"]["url"] for e in tools.events if e["method"] == "Network.webSocketCreated"]
                tools.reader.cancel()
        assert requested and all(u.startswith((f"http://127.0.0.1:{port}/", "data:")) for u in requested), requested
        assert sockets == [f"ws://127.0.0.1:{port}/ws?width={sockets[0].split('width=')[1]}"]
    finally:
        if browser.returncode is None:
            os.killpg(browser.pid, signal.SIGKILL)
            await browser.wait()
        tunnel.close()


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium package (apt-get install chromium)")
def test_in_headless_chromium_through_a_tunnel_the_four_panes_show_and_a_key_steps(server, tmp_path):
    # bounded: 15 s for the server to listen, 40 s here, 3 s to stop it (then SIGKILL): under 60 s
    asyncio.run(asyncio.wait_for(_chromium_session(server.port, tmp_path / "profile"), 40))
    assert (SCREENSHOTS / "bptui-web-step.png").stat().st_size > 10_000
