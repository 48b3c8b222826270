"""The board's WebREPL side: one logged-in session at a time, sharing the REPL with the pty.

The websocket server (virtual/webrepl_server.py) runs in threads of its own and hands over
each logged-in session as a plain socket, announced on a wake-up fd; the daemon's poll loop
sees only those fds. Bytes from the session go to the board like typed input; everything the
board prints is queued for the session too (like an ESP32's UART and WebREPL).
"""

from __future__ import annotations

import select
import socket
from collections.abc import Callable

from boardkit.virtual.webrepl_server import WebReplServer


class WebReplSession:
    """WebREPL endpoint and its current session, for the daemon's poll loop."""

    def __init__(self, on_input: Callable[[bytes], None], on_end: Callable[[], None]) -> None:
        self.on_input = on_input  # bytes the client typed
        self.on_end = on_end  # the session ended (drop what the pty has not read of it)
        self.server: WebReplServer | None = None
        self.sock: socket.socket | None = None  # the logged-in session
        self.outbox = bytearray()  # what the board printed, not yet sent to it

    def listen(self, port: int, password: str, lossy: bool = False) -> int:
        """Serve WebREPL on 127.0.0.1:port (0: any free port); the port. OSError if it cannot.
        lossy: the board may drop input bytes (see BoardConsole)."""
        self.server = WebReplServer(port, password, lossy=lossy)
        self.server.start()
        return int(self.server.port)

    @property
    def active(self) -> bool:
        return self.sock is not None

    def take(self) -> None:
        """A login was announced on the wake-up fd: it replaces the current session."""
        if self.server is None:
            return
        sock = self.server.take_session()
        if sock is None:
            return
        self.drop()
        sock.setblocking(False)
        self.sock = sock

    def drop(self) -> None:
        """End the session. What the pty has not read of it is dropped, like bytes on a UART
        nobody listened to: a pty client opened later must not get a stale session's
        raw-REPL replies."""
        if self.sock is None:
            return
        self.sock.close()
        self.sock = None
        self.outbox.clear()
        self.on_end()

    def serve(self, fd: int, ev: int) -> None:
        """Poll events on the session's socket: input to the board, output to the client."""
        if self.sock is None or self.sock.fileno() != fd:
            return  # a session that ended earlier in this round
        if ev & select.POLLIN:
            data: bytes | None
            try:
                data = self.sock.recv(65536)
            except BlockingIOError:
                data = None
            except OSError:
                data = b""
            if data == b"":
                self.drop()
                return
            if data:
                self.on_input(data)
        if ev & select.POLLOUT and self.outbox:
            try:
                sent = self.sock.send(self.outbox)
                del self.outbox[:sent]
            except BlockingIOError:
                pass
            except OSError:
                self.drop()
                return
        if ev & (select.POLLHUP | select.POLLERR) and not ev & select.POLLIN:
            self.drop()

    def close(self) -> None:
        """End the session and stop listening."""
        self.drop()
        if self.server is not None:
            self.server.close()
