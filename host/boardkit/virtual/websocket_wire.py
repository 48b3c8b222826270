"""The server side of a websocket, as lenient as MicroPython's own (RFC 6455 framing).

A real board's WebREPL (websocket_helper.py + modwebsocket.c) takes any request that has a
Sec-WebSocket-Key, whatever the key looks like (the official webrepl_cli.py always sends
"foo"), asks for no Sec-WebSocket-Version, and takes client frames with or without a mask.
This module does the same, so the clients that work with a board work here:

    wire = ServerWire(sock)
    wire.handshake()                    # HandshakeError: answered 400 and closed
    opcode, payload = wire.read_message()
    wire.send(TEXT, b"...")             # thread-safe; frames of at most MAX_FRAME bytes

Frames we send are never masked and never longer than 65535 bytes: webrepl_cli.py reads
only the 7- and 16-bit length forms.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import struct
import threading
from typing import NoReturn

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
CONT, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
MAX_REQUEST = 8192  # bytes of HTTP request head we read before giving up
MAX_FRAME = 16384  # the longest frame we send
MAX_MESSAGE = 1 << 20  # the longest frame (or message) we take
QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)  # Linux only


class HandshakeError(Exception):
    """Not a websocket request."""


class WireClosed(Exception):
    """The peer closed the connection (or sent a close frame)."""


def accept_key(key: bytes) -> str:
    """Sec-WebSocket-Accept for a Sec-WebSocket-Key (any bytes, as a board computes it)."""
    return base64.b64encode(hashlib.sha1(key.strip() + GUID).digest()).decode()


class ServerWire:
    """One accepted connection, speaking websocket frames."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:  # not TCP (a unix socket in tests)
            pass
        self._buf = bytearray()
        self._send_lock = threading.Lock()
        self.closed = False

    # ------------------------------------------------------------------ handshake
    def handshake(self) -> None:
        """Read the HTTP upgrade request and answer 101 (or 400 and HandshakeError)."""
        while b"\r\n\r\n" not in self._buf:
            if len(self._buf) > MAX_REQUEST:
                self._refuse("request head too long")
            self._fill()
        head, _, rest = bytes(self._buf).partition(b"\r\n\r\n")
        self._buf[:] = rest
        key = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"sec-websocket-key":
                key = value.strip()
        if not key:
            self._refuse("no Sec-WebSocket-Key")
        reply = (
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept_key(key)}\r\n\r\n"
        )
        self._sendall(reply.encode())

    def _refuse(self, why: str) -> NoReturn:
        try:
            self._sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        raise HandshakeError(why)

    # ------------------------------------------------------------------ reading
    def _fill(self) -> None:
        data = self.sock.recv(65536)
        # Acknowledge at once: clients that send a frame's head and payload in two writes
        # (webrepl_cli.py) otherwise wait out a delayed ACK (40 ms) per frame.
        if QUICKACK is not None:
            try:
                self.sock.setsockopt(socket.IPPROTO_TCP, QUICKACK, 1)
            except OSError:
                pass
        if not data:
            raise WireClosed("connection closed")
        self._buf += data

    def _take(self, n: int) -> bytes:
        while len(self._buf) < n:
            self._fill()
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def read_frame(self) -> tuple[int, bool, bytes]:
        """(opcode, fin, payload) of the next frame, unmasked when it was masked."""
        first, second = self._take(2)
        opcode, fin = first & 0x0F, bool(first & 0x80)
        length = second & 0x7F
        if length == 126:
            (length,) = struct.unpack(">H", self._take(2))
        elif length == 127:
            (length,) = struct.unpack(">Q", self._take(8))
        if length > MAX_MESSAGE:
            raise WireClosed(f"a frame of {length} bytes is too long")
        mask = self._take(4) if second & 0x80 else b""
        payload = self._take(length)
        if mask and payload:
            key = (mask * (length // 4 + 1))[:length]
            payload = (int.from_bytes(payload, "big") ^ int.from_bytes(key, "big")).to_bytes(length, "big")
        return opcode, fin, payload

    def read_message(self) -> tuple[int, bytes]:
        """(TEXT or BINARY, payload) of the next data message; pings are answered here, a
        close frame is answered and raises WireClosed. Fragments are joined."""
        kind: int | None = None
        parts: list[bytes] = []
        while True:
            opcode, fin, payload = self.read_frame()
            if opcode == PING:
                self.send(PONG, payload)
                continue
            if opcode == PONG:
                continue
            if opcode == CLOSE:
                try:
                    self.send(CLOSE, payload[:2])
                except OSError:
                    pass
                raise WireClosed("the client closed the connection")
            if opcode in (TEXT, BINARY):
                kind, parts = opcode, [payload]
            elif opcode == CONT and kind is not None:
                parts.append(payload)
            else:
                raise WireClosed(f"unexpected websocket opcode {opcode:#x}")
            if sum(map(len, parts)) > MAX_MESSAGE:
                raise WireClosed("message too long")
            if fin:
                return kind, b"".join(parts)

    # ------------------------------------------------------------------ writing
    def send(self, opcode: int, payload: bytes) -> None:
        """Send payload as frames of at most MAX_FRAME bytes (each a whole message)."""
        if opcode >= CLOSE:  # control frames are never split
            self._sendall(_frame(opcode, payload))
            return
        for start in range(0, max(len(payload), 1), MAX_FRAME):
            self._sendall(_frame(opcode, payload[start : start + MAX_FRAME]))

    def _sendall(self, data: bytes) -> None:
        with self._send_lock:
            self.sock.sendall(data)

    def close(self, code: int = 1000) -> None:
        """Send a close frame (if we still can) and close the socket."""
        if self.closed:
            return
        self.closed = True
        try:
            self.send(CLOSE, struct.pack(">H", code))
        except OSError:
            pass
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()


def _frame(opcode: int, payload: bytes) -> bytes:
    length = len(payload)
    if length < 126:
        head = struct.pack(">BB", 0x80 | opcode, length)
    else:
        head = struct.pack(">BBH", 0x80 | opcode, 126, length)
    return head + payload
