"""The studio's doors: Host and Origin checks, tokens, what a pupil's link may open."""

from __future__ import annotations

import asyncio
import hashlib
import json
import urllib.error
import urllib.request

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from boardkit.errors import InvalidInput
from boardkit.studio import assets
from boardkit.studio.auth import HostCheck, Tokens
from studio_helpers import studio_server

pytestmark = pytest.mark.studio


def roster_of(tmp_path, seats: dict[str, str]):
    text = '[class]\nname = "7C"\n\n' + "".join(
        f'[seats.{name}]\nboard = "virtual_wasm"\nvirtual = "{board}"\n\n' for name, board in seats.items()
    )
    path = tmp_path / "classroom.toml"
    path.write_text(text)
    return path


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


async def ws_first(url: str, origin: str | None = None) -> dict:
    async with connect(url, origin=origin, open_timeout=10) as ws:
        return json.loads(await asyncio.wait_for(ws.recv(), 20))


def ws_status(url: str, origin: str | None = None) -> int:
    async def attempt() -> int:
        try:
            async with connect(url, origin=origin, open_timeout=10):
                return 101
        except InvalidStatus as exc:
            return exc.response.status_code

    return asyncio.run(attempt())


def test_a_foreign_origin_cannot_open_a_websocket(wasm_board):
    with studio_server() as server:
        ws = server.base_url.replace("http", "ws") + f"ws/bridge?target={wasm_board.name}"
        assert ws_status(ws, origin="https://evil.example") == 403
        assert ws_status(ws, origin=server.base_url.rstrip("/")) == 101


def test_an_unexpected_host_is_refused():
    with studio_server() as server:
        status, body = get(server.base_url, {"Host": f"attacker.example:{server.port}"})
        assert status == 421 and b"unexpected Host" in body
        assert get(server.base_url)[0] == 200


def test_a_pupil_token_reaches_only_its_own_seat(tmp_path, wasm_board):
    roster = roster_of(tmp_path, {"ann": wasm_board.name, "bob": "not-running"})
    with studio_server(roster, initial_status=False) as server:
        base = server.base_url.replace("http", "ws")
        ann = server.tokens.seats["ann"]
        other = asyncio.run(ws_first(f"{base}ws/bridge?seat=bob&t={ann}"))
        assert other["event"] == "error" and "may not open seat bob" in other["message"]
        anyboard = asyncio.run(ws_first(f"{base}ws/bridge?target={wasm_board.name}&t={ann}"))
        assert anyboard["event"] == "error" and "only its own seat" in anyboard["message"]
        own = asyncio.run(ws_first(f"{base}ws/bridge?seat=ann&t={ann}"))
        assert own["event"] == "open"
        assert ws_status(f"{base}ws/teacher?t={ann}") == 403
        assert ws_status(f"{base}ws/teacher?t={server.tokens.teacher}") == 101
        session = json.loads(get(f"{server.base_url}api/session?t={ann}")[1])
        assert session["role"] == "pupil" and session["seat"]["name"] == "ann" and session["boards"] == []
        assert get(f"{server.base_url}?t=wrong-token")[0] == 403


def test_away_from_loopback_every_request_needs_a_token():
    tokens = Tokens(["ann"], loopback=False)
    assert tokens.role("") is None
    assert tokens.role("guess") is None
    assert tokens.role(tokens.classroom).kind == "classroom"
    assert not tokens.role(tokens.classroom).may_use_seat("ann")
    assert tokens.role(tokens.seats["ann"]).may_use_seat("ann")
    assert Tokens([], loopback=True).role("").kind == "local"
    with pytest.raises(InvalidInput):
        HostCheck("0.0.0.0", 8000)
    check = HostCheck("192.168.1.20", 8000)
    assert check.host_ok("192.168.1.20:8000") and not check.host_ok("127.0.0.1:8000")
    assert not check.origin_ok("http://192.168.1.20.evil.example:8000")


def test_the_cli_prints_the_links_and_refuses_listening_everywhere(tmp_path):
    import re
    import signal
    import subprocess
    import sys

    from cli_helpers import boardkit, one_line_error

    assert "listens everywhere" in one_line_error(boardkit("studio", "--host", "0.0.0.0"))
    roster = roster_of(tmp_path, {"ann": "no-such-board"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "boardkit", "studio", "--port", "0", "--roster", str(roster)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(4)]
        teacher = re.search(r"teacher \(keep it to yourself\): (\S+)", "".join(lines)).group(1)
        ann = re.search(r"seat ann: (\S+)", "".join(lines)).group(1)
        base, token = teacher.split("?t=")
        assert json.loads(get(f"{base}api/session?t={token}")[1])["role"] == "teacher"
        assert json.loads(get(ann.replace("?t=", "api/session?t="))[1])["seat"]["name"] == "ann"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)


def test_only_the_page_files_own_version_is_cached_unasked():
    # web/build.mjs names each file NAME?v=HASH; that exact content may be kept, nothing else
    body = (assets.assets_dir() / "worker.js").read_bytes()
    version = hashlib.sha256(body).hexdigest()[:12]
    assert f"worker.js?v={version}" in (assets.assets_dir() / "boot.js").read_text()
    with studio_server() as server:

        def cache_control(path: str) -> str:
            with urllib.request.urlopen(server.base_url.rstrip("/") + path) as r:
                return r.headers.get_all("Cache-Control")

        assert cache_control(f"/worker.js?v={version}") == ["max-age=31536000, immutable"]
        assert cache_control("/worker.js?v=000000000000") == ["no-cache"]
        assert cache_control("/worker.js") == ["no-cache"]
        assert cache_control("/") == ["no-cache"]
