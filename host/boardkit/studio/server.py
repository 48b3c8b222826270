"""The studio server: the page over HTTP and its WebSockets, on one port (websockets library).

    GET /, /app.js, ...      the built page, the wasm runtime (mpy/), features.json
    GET /api/session         who this token is: role, seat, the boards it may open
    WS  /ws/bridge           ?target=URL-or-virtual-name | ?seat=NAME: a board's bytes (bridge.py)
    WS  /ws/teacher          the teacher's tiles and actions (classroom.py), JSON both ways

Every request must name this server in its Host header; a WebSocket whose Origin is another
site is refused; every response carries the headers of auth.SECURITY_HEADERS.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import http
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import brotli
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from boardkit.errors import BoardkitError, InvalidInput
from boardkit.fleet import FleetReport, Roster, load_roster
from boardkit.studio import assets, auth, bridge
from boardkit.studio.classroom import Classroom, check_name

COOKIE = "bk_studio"
VERSION_CHARS = 12  # the ?v= of the page's own files: their sha256's first hex digits (web/build.mjs)


@dataclass
class StudioConfig:
    host: str = "127.0.0.1"
    port: int = 8000  # 0: any free port (tests)
    roster: Path | None = None
    teacher_token: str | None = None  # None: a new one each start
    initial_status: bool = True  # look at every seat's board when the server starts


@dataclass
class _Served:
    """One file as served: plain, gzip and brotli (compressed once, when the server starts)."""

    body: bytes
    gzipped: bytes
    brotli: bytes
    content_type: str
    etag: str


@dataclass
class StudioLinks:
    """What to hand out: the teacher's link, the classroom link, one link per seat."""

    teacher: str
    classroom: str
    local: str | None
    seats: dict[str, str] = field(default_factory=dict)


class StudioServer:
    """The studio on one address; start() runs it in a background thread, stop() ends it."""

    def __init__(self, config: StudioConfig) -> None:
        self.config = config
        self.roster: Roster | None = load_roster(config.roster) if config.roster else None
        seat_names = self.roster.names() if self.roster else []
        self.loopback = auth.is_loopback(config.host)
        self.tokens = auth.Tokens(seat_names, config.teacher_token, loopback=self.loopback)
        self.relays = bridge.Relays()
        self._files = assets.asset_table(assets.runtime_dir())
        self._cache: dict[str, _Served] = {}
        self._cache_lock = threading.Lock()
        self._teachers: set[ServerConnection] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None
        self.port = config.port
        self.hosts: auth.HostCheck | None = None
        self.classroom: Classroom | None = None
        if self.roster:
            self.classroom = Classroom(self.roster, self._seat_changed, self.relays.release)

    # ------------------------------------------------------------------ life
    def start(self, timeout: float = 15.0) -> None:
        """Listen (in a background thread); returns once the port is open."""
        self._thread = threading.Thread(target=self._run, name="boardkit studio", daemon=True)
        self._thread.start()
        if not self._started.wait(timeout):
            raise BoardkitError("the studio server did not start", hint="see the log for why")
        if self._error:
            raise self._error

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - handed to start()'s caller
            self._error = exc
            self._started.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        try:
            self._server = await serve(
                self._ws, self.config.host, self.config.port, process_request=self._http, max_size=2**20
            )
        except OSError as exc:
            raise InvalidInput(
                f"cannot listen on {self.config.host}:{self.config.port}: {exc.strerror}",
                hint="choose another --port (or stop what uses it)",
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        self.hosts = auth.HostCheck(self.config.host, self.port)
        self._started.set()
        self._loop.run_in_executor(None, self._compress_all)
        if self.classroom and self.config.initial_status:
            self._loop.run_in_executor(None, self._safe, self.classroom.status)
        await self._server.wait_closed()

    def stop(self) -> None:
        if self._loop and self._server:
            self._loop.call_soon_threadsafe(self._server.close)
        if self._thread:
            self._thread.join(10)

    def wait(self) -> None:
        """Block until the server stops (the CLI's foreground run)."""
        if self._thread:
            while self._thread.is_alive():
                self._thread.join(0.5)

    @property
    def base_url(self) -> str:
        host = self.config.host if ":" not in self.config.host else f"[{self.config.host}]"
        return f"http://{host}:{self.port}/"

    def links(self) -> StudioLinks:
        base = self.base_url
        return StudioLinks(
            teacher=f"{base}?t={quote(self.tokens.teacher)}",
            classroom=f"{base}?t={quote(self.tokens.classroom)}",
            local=base if self.loopback else None,
            seats={seat: f"{base}?t={quote(tok)}" for seat, tok in self.tokens.seats.items()},
        )

    # ------------------------------------------------------------------ HTTP
    def _role(self, request: Request) -> auth.Role | None:
        query = parse_qs(urlsplit(request.path).query)
        token = (query.get("t") or [""])[0]
        if not token:
            for part in (request.headers.get("Cookie") or "").split(";"):
                name, _, value = part.strip().partition("=")
                if name == COOKIE:
                    token = value
        return self.tokens.role(token)

    def _http(self, connection: ServerConnection, request: Request) -> Response | None:
        assert self.hosts is not None
        if not self.hosts.host_ok(request.headers.get("Host")):
            return _plain(
                http.HTTPStatus.MISDIRECTED_REQUEST, "unexpected Host: this server answers only to its own address"
            )
        path = urlsplit(request.path).path
        role = self._role(request)
        if request.headers.get("Upgrade", "").lower() == "websocket":
            if not self.hosts.origin_ok(request.headers.get("Origin")):
                return _plain(http.HTTPStatus.FORBIDDEN, "foreign Origin refused")
            if role is None:
                return _plain(http.HTTPStatus.FORBIDDEN, "a valid token is needed")
            if path == "/ws/teacher" and not role.may_teach:
                return _plain(http.HTTPStatus.FORBIDDEN, "the teacher's view needs the teacher's link")
            if path not in ("/ws/bridge", "/ws/teacher"):
                return _plain(http.HTTPStatus.NOT_FOUND, "no such WebSocket")
            return None
        if role is None:
            return _plain(http.HTTPStatus.FORBIDDEN, "this studio needs the link with its token (ask the teacher)")
        if path == "/api/session":
            return _json(self._session(role))
        asset = self._files.get(path)
        if asset is None:
            return _plain(http.HTTPStatus.NOT_FOUND, "not found")
        served = self._load(path, asset)
        accepted = request.headers.get("Accept-Encoding") or ""
        headers = Headers(auth.SECURITY_HEADERS)
        headers["Content-Type"] = served.content_type
        headers["Vary"] = "Accept-Encoding"
        headers["ETag"] = served.etag
        version = (parse_qs(urlsplit(request.path).query).get("v") or [""])[0]
        if len(version) == VERSION_CHARS and served.etag.strip('"').startswith(version):
            # NAME?v=HASH of exactly this content (web/build.mjs): the browser may keep it, unasked
            del headers["Cache-Control"]
            headers["Cache-Control"] = "max-age=31536000, immutable"
        if request.headers.get("If-None-Match") == served.etag:  # a reload: the cached copy is current
            return Response(304, "Not Modified", headers, b"")
        if "br" in accepted:
            headers["Content-Encoding"] = "br"
            body = served.brotli
        elif "gzip" in accepted:
            headers["Content-Encoding"] = "gzip"
            body = served.gzipped
        else:
            body = served.body
        token = (parse_qs(urlsplit(request.path).query).get("t") or [""])[0]
        if path == "/" and token:  # the page's own requests (app.js, the worker, wasm) carry it on
            headers["Set-Cookie"] = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"
        headers["Content-Length"] = str(len(body))
        return Response(200, "OK", headers, body)

    def _load(self, path: str, asset: assets.Asset) -> _Served:
        with self._cache_lock:
            if path not in self._cache:
                body = asset.path.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:20] + '"'
                packed = brotli.compress(body, quality=11)
                self._cache[path] = _Served(body, gzip.compress(body, 9, mtime=0), packed, asset.content_type, etag)
            return self._cache[path]

    def _compress_all(self) -> None:
        for path, asset in self._files.items():
            self._load(path, asset)

    def _session(self, role: auth.Role) -> dict[str, Any]:
        out: dict[str, Any] = {"role": role.kind, "seat": None, "boards": []}
        if self.roster:
            out["class_name"] = self.roster.class_name
        if role.kind == "pupil" and self.roster:
            seat = self.roster.select([role.seat])[0]
            out["seat"] = {"name": seat.name, "board": seat.board, "check": check_name(seat.board), "pupil": seat.pupil}
        if role.may_pick_any_board:
            out["boards"] = self._boards()
        return out

    def _boards(self) -> list[dict[str, str]]:
        from boardkit import virtual
        from boardkit.api import devices

        found = [
            {"target": f"seat:{s.name}", "label": f"seat {s.name}"} for s in (self.roster.seats if self.roster else [])
        ]
        try:
            found += [{"target": b.name, "label": f"{b.name} (virtual {b.kind})"} for b in virtual.list_boards()]
        except BoardkitError:
            pass
        try:
            found += [{"target": p.port, "label": p.port} for p in devices()]
        except BoardkitError:
            pass
        return found

    # ------------------------------------------------------------------ WebSockets
    async def _ws(self, ws: ServerConnection) -> None:
        request = ws.request
        assert request is not None
        role = self._role(request)
        assert role is not None  # _http refused the handshake otherwise
        parts = urlsplit(request.path)
        if parts.path == "/ws/teacher":
            await self._teacher(ws)
            return
        query = parse_qs(parts.query)
        seat_name = (query.get("seat") or [""])[0]
        target = (query.get("target") or [""])[0]
        loop = asyncio.get_running_loop()
        try:
            if target.startswith("seat:"):
                seat_name, target = target[5:], ""
            if seat_name:
                if not role.may_use_seat(seat_name) or not self.classroom:
                    raise InvalidInput(
                        f"this link may not open seat {seat_name}'s board", hint="use your own seat's link"
                    )
                seat = self.classroom.seat(seat_name)
                url = await loop.run_in_executor(None, self.classroom.url_of, seat)
            elif target:
                if not role.may_pick_any_board:
                    raise InvalidInput("this link may open only its own seat's board", hint="ask the teacher")
                url = await loop.run_in_executor(None, bridge.resolve, target)
            else:
                raise InvalidInput("name a board: ?target=URL or ?seat=NAME")
        except BoardkitError as exc:
            await ws.send(json.dumps({"event": "error", "message": str(exc) + (f" — {exc.hint}" if exc.hint else "")}))
            await ws.close(1008, "refused")
            return
        await bridge.relay(ws, url, self.relays)

    async def _teacher(self, ws: ServerConnection) -> None:
        if self.classroom is None:
            await ws.send(json.dumps({"event": "error", "message": "no roster: start the studio with --roster"}))
            await ws.close()
            return
        self._teachers.add(ws)
        try:
            await ws.send(json.dumps({"event": "seats", "seats": self.classroom.snapshot()}))
            async for message in ws:
                try:
                    op = json.loads(message)
                except ValueError:
                    continue
                asyncio.get_running_loop().run_in_executor(None, self._teacher_op, op)
        except ConnectionClosed:
            pass
        finally:
            self._teachers.discard(ws)

    def _teacher_op(self, op: dict[str, Any]) -> None:
        classroom = self.classroom
        assert classroom is not None
        name = str(op.get("op", ""))
        folder_text = str(op.get("folder") or "").strip()
        if name in ("push", "collect") and not folder_text:
            self._broadcast({"event": "error", "message": f"{name}: name a folder on the teacher's computer"})
            return
        folder = Path(folder_text).expanduser()
        actions: dict[str, Callable[[], FleetReport]] = {
            "status": classroom.status,
            "push": lambda: classroom.push(folder),
            "run": lambda: classroom.run(str(op.get("code") or "")),
            "stop": classroom.stop,
            "collect": lambda: classroom.collect(folder),
        }
        if name not in actions:
            self._broadcast({"event": "error", "message": f"unknown action {name!r}"})
            return
        try:
            report = actions[name]()
        except BoardkitError as exc:
            self._broadcast({"event": "error", "message": str(exc) + (f" — {exc.hint}" if exc.hint else "")})
            return
        self._broadcast({"event": "done", "op": name, "failed": report.failed, "report": report.to_dict()})

    def _safe(self, action: Any) -> None:
        try:
            action()
        except BoardkitError:
            pass

    def _seat_changed(self, seat: dict[str, Any]) -> None:
        self._broadcast({"event": "seat", "seat": seat})

    def _broadcast(self, message: dict[str, Any]) -> None:
        if not self._loop:
            return
        text = json.dumps(message, default=str)

        async def send_all() -> None:
            for ws in list(self._teachers):
                try:
                    await ws.send(text)
                except ConnectionClosed:
                    self._teachers.discard(ws)

        asyncio.run_coroutine_threadsafe(send_all(), self._loop)


def _plain(status: http.HTTPStatus, text: str) -> Response:
    headers = Headers(auth.SECURITY_HEADERS)
    headers["Content-Type"] = "text/plain; charset=utf-8"
    body = (text + "\n").encode()
    headers["Content-Length"] = str(len(body))
    return Response(status.value, status.phrase, headers, body)


def _json(data: dict[str, Any]) -> Response:
    headers = Headers(auth.SECURITY_HEADERS)
    headers["Content-Type"] = "application/json"
    body = json.dumps(data).encode()
    headers["Content-Length"] = str(len(body))
    return Response(200, "OK", headers, body)
