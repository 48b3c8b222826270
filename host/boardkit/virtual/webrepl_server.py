"""A WebREPL endpoint for a virtual board, like an ESP32's (for testing ws:// links).

    server = WebReplServer(port, password)      # binds 127.0.0.1:port now (errors surface at start)
    server.start()                              # serves in a background thread
    poll server.wakeup_fd; on POLLIN: sock = server.take_session()

The websocket side runs in websockets' synchronous server, in threads of its own. It speaks
WebREPL's handshake ("Password: ", then "WebREPL connected\\r\\n>>> " or "Access denied" and
close). After a login it hands the daemon one end of a fresh socketpair: bytes the client
types come out of it, bytes written into it go to the client. The session ends when either
side closes its end. The daemon stays single-threaded and poll()-based: it sees a wake-up fd
and plain sockets, nothing else. One client at a time, like a real board.

The password lives only in this object's memory; it is never logged or echoed.
"""

from __future__ import annotations

import hmac
import os
import queue
import socket
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from websockets.sync.server import ServerConnection

PROMPT = b"Password: "
CONNECTED = b"\r\nWebREPL connected\r\n>>> "
DENIED = b"\r\nAccess denied\r\n"
BUSY = b"\r\nWebREPL: another client is connected\r\n"
MAX_PASSWORD = 256
BUSY_GRACE_SECONDS = 2.0


class WebReplServer:
    def __init__(self, port: int, password: str, host: str = "127.0.0.1") -> None:
        from websockets.sync.server import serve

        self._password = password.encode()
        self._sessions: queue.Queue[socket.socket] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self._busy = threading.Lock()
        # No compression or pings: MicroPython's WebREPL speaks neither.
        self._server = serve(
            self._handle, host, port, compression=None, ping_interval=None, max_size=None, close_timeout=1
        )
        self.port = self._server.socket.getsockname()[1]
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"WebReplServer(port={self.port})"

    @property
    def wakeup_fd(self) -> int:
        return self._wake_r

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="webrepl", daemon=True)
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
        try:
            self._server.shutdown()
        except Exception:
            pass

    # ------------------------------------------------------------------ per connection (threads)
    def _handle(self, ws: ServerConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        # One client at a time, as on a board. A session that is just closing gets a
        # moment to finish, so a client that reconnects at once is not turned away.
        if not self._busy.acquire(timeout=BUSY_GRACE_SECONDS):
            try:
                ws.send(BUSY, text=True)
                ws.close(1013, "busy")
            except ConnectionClosed:
                pass
            return
        try:
            if self._login(ws):
                self._bridge(ws)
        except ConnectionClosed:
            pass
        finally:
            self._busy.release()

    def _login(self, ws: ServerConnection) -> bool:
        ws.send(PROMPT, text=True)
        typed = b""
        while b"\r" not in typed and b"\n" not in typed:
            typed += ws.recv(decode=False)
            if len(typed) > MAX_PASSWORD:
                break
        given = typed.replace(b"\n", b"\r").split(b"\r", 1)[0]
        if not hmac.compare_digest(given, self._password):
            ws.send(DENIED, text=True)
            ws.close()
            return False
        ws.send(CONNECTED, text=True)
        return True

    def _bridge(self, ws: ServerConnection) -> None:
        from websockets.exceptions import ConnectionClosed

        mine, theirs = socket.socketpair()
        self._sessions.put(theirs)
        os.write(self._wake_w, b"s")

        def board_to_client() -> None:
            try:
                while True:
                    data = mine.recv(65536)
                    if not data:
                        break
                    ws.send(data, text=True)  # a real board sends its output in text frames
            except (OSError, ConnectionClosed):
                pass
            try:
                ws.close()
            except Exception:
                pass

        pump = threading.Thread(target=board_to_client, name="webrepl-out", daemon=True)
        pump.start()
        try:
            while True:
                mine.sendall(ws.recv(decode=False))
        except (OSError, ConnectionClosed):
            pass
        finally:
            try:
                mine.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            pump.join(timeout=2)
            mine.close()
