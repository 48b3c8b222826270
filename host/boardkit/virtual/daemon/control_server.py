"""The daemon's side of the control socket (protocol: virtual/control.py).

Requests are dispatched through a table op -> handler that the daemon gives; a handler
replies at once (reply) or parks the client until the board is ready again (wait_ready).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from typing import Any

from boardkit.virtual import control

Handler = Callable[[socket.socket], None]


class ControlServer:
    """A unix socket taking one JSON request per connection."""

    def __init__(self, path: str, handlers: Mapping[str, Handler]) -> None:
        if os.path.exists(path):
            os.unlink(path)
        self.path = path
        self.handlers = handlers
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(8)
        self.sock.setblocking(False)
        self.clients: dict[int, tuple[socket.socket, bytearray]] = {}
        self.waiting: list[socket.socket] = []  # clients waiting for the REPL prompt

    def fileno(self) -> int:
        return self.sock.fileno()

    def accept(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        self.clients[conn.fileno()] = (conn, bytearray())

    def read_client(self, fd: int) -> None:
        """Input from a client; a whole request line is dispatched."""
        entry = self.clients.get(fd)
        if entry is None:
            return  # dropped earlier in this round
        conn, buf = entry
        try:
            data = conn.recv(4096)
        except BlockingIOError:
            return
        if not data:
            self.drop_client(fd)
            return
        buf += data
        if b"\n" in buf:
            op = control.decode_request(bytes(buf).split(b"\n", 1)[0])
            handler = self.handlers.get(op) if op is not None else None
            if handler is None:
                self.reply(conn, {"ok": False, "error": f"unknown op {op!r}"})
            else:
                handler(conn)

    def wait_ready(self, conn: socket.socket) -> None:
        """Answer this client once the board is back at its prompt (ready())."""
        self.waiting.append(conn)

    def ready(self, message: dict[str, Any]) -> None:
        """The board printed its prompt: answer every waiting client."""
        for conn in list(self.waiting):  # reply() takes each off the list
            self.reply(conn, message)
        self.waiting.clear()

    def drop_client(self, fd: int) -> None:
        conn, _ = self.clients.pop(fd, (None, None))
        if conn:
            if conn in self.waiting:
                self.waiting.remove(conn)
            conn.close()

    def reply(self, conn: socket.socket, message: dict[str, Any]) -> None:
        """Send the answer and hang up."""
        try:
            conn.setblocking(True)
            conn.sendall(control.encode(message))
        except OSError:
            pass
        self.drop_client(conn.fileno())

    def close(self) -> None:
        for conn, _ in list(self.clients.values()):
            conn.close()
        self.clients.clear()
        self.sock.close()
