"""A WebREPL client on a bare socket, for tests. Not boardkit's client, and not a double:
it sends the bytes MicroPython's own webrepl_cli.py sends (written from the protocol's
description): the upgrade request with the fixed key "foo" and no Sec-WebSocket-Version,
unmasked frames, a request record cut in two frames (10 + 72 bytes), file data in 1 KB
frames. It reads frames the way that client does (binary frames for the file transfer,
text frames for the REPL), and can also do what a client should not (vanish mid-PUT).
"""

from __future__ import annotations

import base64
import hashlib
import socket
import struct
import time

REQUEST = "<2sBBQLH64s"
PUT, GET, GET_VER = 1, 2, 3
TEXT, BINARY = 0x81, 0x82
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class RawWebRepl:
    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 20) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.text = b""  # text frames seen while reading binary ones
        self.binary = b""  # binary frames' bytes not yet read

    def close(self) -> None:
        self.sock.close()

    # ------------------------------------------------------------------ handshake
    def handshake(self) -> tuple[bytes, dict[bytes, bytes]]:
        self.sock.sendall(
            b"GET / HTTP/1.1\r\nHost: echo.websocket.org\r\nConnection: Upgrade\r\n"
            b"Upgrade: websocket\r\nSec-WebSocket-Key: foo\r\n\r\n"
        )
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        status, *lines = head.split(b"\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}
        return status, headers

    @staticmethod
    def expected_accept(key: bytes = b"foo") -> bytes:
        return base64.b64encode(hashlib.sha1(key + GUID).digest())

    # ------------------------------------------------------------------ frames
    def _fill(self) -> None:
        data = self.sock.recv(65536)
        if not data:
            raise EOFError("closed")
        self.buf += data

    def _take(self, n: int) -> bytes:
        while len(self.buf) < n:
            self._fill()
        data, self.buf = self.buf[:n], self.buf[n:]
        return data

    def send(self, data: bytes, kind: int = TEXT, masked: bool = False) -> None:
        length = len(data)
        mask_bit = 0x80 if masked else 0
        if length < 126:
            head = struct.pack(">BB", kind, mask_bit | length)
        else:
            head = struct.pack(">BBH", kind, mask_bit | 126, length)
        if masked:
            key = b"\x12\x34\x56\x78"
            head += key
            data = bytes(b ^ key[i % 4] for i, b in enumerate(data))
        self.sock.sendall(head + data)

    def frame(self) -> tuple[int, bytes]:
        kind, length = struct.unpack(">BB", self._take(2))
        if length == 126:
            (length,) = struct.unpack(">H", self._take(2))
        assert length < 127, "webrepl_cli.py cannot read 64-bit lengths"
        return kind, self._take(length)

    def read_binary(self, n: int) -> bytes:
        """n bytes of binary frames (text frames are kept aside, as webrepl_cli skips them)."""
        while len(self.binary) < n:
            kind, payload = self.frame()
            if kind == BINARY:
                self.binary += payload
            else:
                self.text += payload
        data, self.binary = self.binary[:n], self.binary[n:]
        return data

    def read_text_until(self, marker: bytes, timeout: float = 20) -> bytes:
        deadline = time.monotonic() + timeout
        while marker not in self.text:
            assert time.monotonic() < deadline, self.text[-200:]
            kind, payload = self.frame()
            if kind == TEXT:
                self.text += payload
        seen, _, self.text = self.text.partition(marker)
        return seen + marker

    # ------------------------------------------------------------------ WebREPL
    def login(self, password: str) -> bytes:
        self.read_text_until(b"Password: ")
        self.send(password.encode() + b"\r")
        kind, payload = self.frame()
        while kind == TEXT and not payload.endswith((b">>> ", b"denied\r\n")):
            more_kind, more = self.frame()
            payload += more
        return payload

    def request(self, op: int, name: str = "", size: int = 0) -> None:
        record = struct.pack(REQUEST, b"WA", op, 0, 0, size, len(name.encode()), name.encode())
        self.send(record[:10], BINARY)
        self.send(record[10:], BINARY)

    def response(self) -> int:
        sig, code = struct.unpack("<2sH", self.read_binary(4))
        assert sig == b"WB"
        return int(code)

    def version(self) -> tuple[int, int, int]:
        self.request(GET_VER)
        return struct.unpack("<BBB", self.read_binary(3))

    def put(self, name: str, data: bytes, stop_after: int | None = None) -> int:
        self.request(PUT, name, len(data))
        code = self.response()
        if code:
            return code
        end = len(data) if stop_after is None else stop_after
        for start in range(0, end, 1024):
            self.send(data[start : min(start + 1024, end)], BINARY)
        if stop_after is not None:
            return -1
        return self.response()

    def get(self, name: str) -> tuple[int, bytes]:
        self.request(GET, name)
        code = self.response()
        if code:
            return code, b""
        data = b""
        while True:
            self.send(b"\0", BINARY)
            (length,) = struct.unpack("<H", self.read_binary(2))
            if not length:
                break
            assert length <= 256
            data += self.read_binary(length)
        return self.response(), data
