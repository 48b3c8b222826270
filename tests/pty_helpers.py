"""Talking to a board's pty with plain pyserial, for tests that check the byte protocol itself."""

from __future__ import annotations

import os
import select
import time

import serial

RAW_PROMPT = b"raw REPL; CTRL-B to exit\r\n>"


def read_until(port: serial.Serial, marker: bytes, timeout: float = 5.0) -> bytes:
    """Bytes up to and including marker; whatever came after stays for the next call."""
    data = getattr(port, "_pending", b"")
    deadline = time.monotonic() + timeout
    while marker not in data:
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {marker!r}; got {data[-300:]!r}")
        port.timeout = max(0.01, min(0.2, deadline - time.monotonic()))
        data += port.read(max(1, port.in_waiting))
    end = data.index(marker) + len(marker)
    port._pending = data[end:]
    return data[:end]


def enter_raw(port: serial.Serial) -> None:
    port.write(b"\r\x03\x03\x01")
    read_until(port, RAW_PROMPT)


def raw_exec(port: serial.Serial, code: str, timeout: float = 5.0) -> tuple[bytes, bytes]:
    """Run code in plain raw mode; return (stdout, stderr)."""
    port.write(code.encode() + b"\x04")
    head = read_until(port, b"OK", timeout)
    assert head.endswith(b"OK"), head
    body = read_until(port, b"\x04>", timeout)
    out, err, _ = body.split(b"\x04")
    return out, err


class TerminalScreen:
    """What a program showed on the pty it runs at (fd: the master side), read as it comes."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.seen = b""

    def wait_for(self, marker: bytes, timeout: float = 60) -> bool:
        """Read until marker has been shown (True) or timeout seconds passed / the pty closed."""
        deadline = time.monotonic() + timeout
        while marker not in self.seen and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.fd, 1024)
                except OSError:
                    break
        return marker in self.seen
