"""A WebREPL endpoint for a virtual board, speaking MicroPython's protocol like a board does.

    server = WebReplServer(port, password)      # binds 127.0.0.1:port now (errors surface at start)
    server.start()                              # serves in a background thread
    poll server.wakeup_fd; on POLLIN: sock = server.take_session()

What a client sees is what a real board's WebREPL (webrepl.py, modwebsocket.c,
modwebrepl.c) shows it: any request with a Sec-WebSocket-Key is upgraded (webrepl_cli.py's
fixed "foo" too), client frames may be masked or not (websocket_wire.py), "Password: ",
then "\\r\\nWebREPL connected\\r\\n>>> " or "\\r\\nAccess denied\\r\\n" and close. After a
login, text frames are the REPL; binary frames carry the file-transfer records (PUT, GET,
GET_VER), served by webrepl_files.py through the board's raw REPL.

The daemon gets one end of a fresh socketpair per logged-in session: bytes the client types
come out of it, bytes written into it go to the client. The daemon stays single-threaded and
poll()-based: it sees a wake-up fd and plain sockets, nothing else. One client at a time,
like a real board.

The password lives only in this object's memory; it is never logged or echoed.
"""

from __future__ import annotations

import hmac
import os
import queue
import re
import socket
import threading

from boardkit.links.webrepl_link import incomplete_utf8_tail
from boardkit.virtual.webrepl_files import BoardConsole, BoardInfo, FileTransfer
from boardkit.virtual.websocket_wire import BINARY, TEXT, HandshakeError, ServerWire, WireClosed

PROMPT = b"Password: "
CONNECTED = b"\r\nWebREPL connected\r\n>>> "
DENIED = b"\r\nAccess denied\r\n"
BUSY = b"\r\nWebREPL: another client is connected\r\n"
MAX_PASSWORD = 256
BUSY_GRACE_SECONDS = 2.0
HANDSHAKE_SECONDS = 10.0
LINE_END = re.compile(b"(\r\n)")


class WebReplServer:
    """The listening endpoint; each connection is served in a thread of its own."""

    def __init__(
        self, port: int, password: str, host: str = "127.0.0.1", file_transfer: bool = True, lossy: bool = False
    ) -> None:
        self._password = password.encode()
        self.lossy = lossy  # the board may drop input bytes: file-transfer steps are checked
        # file_transfer=False: binary frames are typed into the REPL, as on an endpoint
        # without WebREPL's file protocol (what boardkit's client must fall back from).
        self.file_transfer = file_transfer
        self._sessions: queue.Queue[socket.socket] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self._busy = threading.Lock()
        self._listener = socket.create_server((host, port), reuse_port=False)
        self.port: int = self._listener.getsockname()[1]
        self._thread: threading.Thread | None = None
        self._closed = False
        self.board = BoardInfo()

    def __repr__(self) -> str:
        return f"WebReplServer(port={self.port})"

    @property
    def wakeup_fd(self) -> int:
        return self._wake_r

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve, name="webrepl", daemon=True)
        self._thread.start()

    def take_session(self) -> socket.socket | None:
        """The newest logged-in session's socket (older unclaimed ones are closed), or None."""
        try:
            os.read(self._wake_r, 64)
        except BlockingIOError:
            pass
        newest = None
        while True:
            try:
                sock = self._sessions.get_nowait()
            except queue.Empty:
                return newest
            if newest is not None:
                newest.close()
            newest = sock

    def close(self) -> None:
        self._closed = True
        try:
            self._listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._listener.close()

    def _serve(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), name="webrepl-client", daemon=True).start()

    # ------------------------------------------------------------------ per connection (threads)
    def _handle(self, conn: socket.socket) -> None:
        wire = ServerWire(conn)
        try:
            conn.settimeout(HANDSHAKE_SECONDS)
            wire.handshake()
            conn.settimeout(None)
        except (HandshakeError, WireClosed, OSError):
            wire.closed = True
            conn.close()
            return
        # One client at a time, as on a board. A session that is just closing gets a
        # moment to finish, so a client that reconnects at once is not turned away.
        if not self._busy.acquire(timeout=BUSY_GRACE_SECONDS):
            try:
                wire.send(TEXT, BUSY)
            except OSError:
                pass
            wire.close(1013)
            return
        try:
            if self._login(wire):
                self._bridge(wire)
        except (WireClosed, OSError):
            pass
        finally:
            wire.close()
            self._busy.release()

    def _login(self, wire: ServerWire) -> bool:
        wire.send(TEXT, PROMPT)
        typed = b""
        while b"\r" not in typed and b"\n" not in typed and len(typed) <= MAX_PASSWORD:
            typed += wire.read_message()[1]
        given = typed.replace(b"\n", b"\r").split(b"\r", 1)[0]
        if not hmac.compare_digest(given, self._password):
            wire.send(TEXT, DENIED)
            return False
        wire.send(TEXT, CONNECTED)
        return True

    def _bridge(self, wire: ServerWire) -> None:
        mine, theirs = socket.socketpair()
        console = BoardConsole(send=mine.sendall, forward=_TextOut(wire).send, lossy=self.lossy)
        files = FileTransfer(console, send_binary=lambda data: wire.send(BINARY, data), info=self.board)
        self._sessions.put(theirs)
        os.write(self._wake_w, b"s")

        def board_to_client() -> None:
            try:
                while True:
                    data = mine.recv(65536)
                    if not data:
                        break
                    console.route(data)
            except OSError:
                pass
            wire.close()

        pump = threading.Thread(target=board_to_client, name="webrepl-out", daemon=True)
        pump.start()
        held = bytearray()  # typed while a transfer had the REPL: given to it afterwards
        try:
            while True:
                kind, data = wire.read_message()
                if kind == BINARY and self.file_transfer:
                    files.feed(data)
                elif files.busy:
                    held += data
                else:
                    mine.sendall(data)
                if held and not files.busy:
                    mine.sendall(bytes(held))
                    held.clear()
        except (OSError, WireClosed):
            pass
        finally:
            files.abort()  # a transfer cut short leaves no half-written file behind
            try:
                mine.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            pump.join(timeout=2)
            mine.close()


class _TextOut:
    """The board's output to the client as text frames, each ending on a whole UTF-8
    character (a browser closes the connection on a text frame that does not). Line ends
    go in frames of their own, as a board's separate writes put them: clients that wait
    for a "\r\n" frame and then a ">>> " frame (the PyPI webrepl package) see the same."""

    def __init__(self, wire: ServerWire) -> None:
        self.wire = wire
        self._held = b""
        self._lock = threading.Lock()

    def send(self, data: bytes) -> None:
        with self._lock:
            data = self._held + data
            cut = incomplete_utf8_tail(data)
            data, self._held = (data[:-cut], data[-cut:]) if cut else (data, b"")
            if self.wire.closed:
                return
            for piece in LINE_END.split(data):
                if piece:
                    self.wire.send(TEXT, piece)
