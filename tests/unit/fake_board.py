"""A fake link with a scripted raw-REPL peer, for unit-testing the protocol layer.

This is NOT a MicroPython: it only plays the byte protocol (raw REPL, raw-paste with
flow control, old firmware without raw-paste) so tests can check what the host sends
and feed it hostile replies. The real-interpreter tests live beside it in tests/.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

BANNER = b"\r\nraw REPL; CTRL-B to exit\r\n>"


class FakeLink:
    url = "fake://board"

    def __init__(self, peer: Callable[[bytes], bytes] | None = None, chunking: list[int] | None = None):
        self.peer = peer
        self.incoming = bytearray()
        self.written = bytearray()
        self.chunking = deque(chunking or [])
        self.closed = False

    def feed(self, data: bytes) -> None:
        self.incoming += data

    def write(self, data: bytes) -> None:
        self.written += data
        if self.peer:
            self.incoming += self.peer(bytes(data))

    def read(self, max_bytes: int, timeout: float) -> bytes:
        n = min(max_bytes, len(self.incoming))
        if self.chunking and n:
            n = max(1, min(n, self.chunking[0]))
            self.chunking.rotate(-1)
        data = bytes(self.incoming[:n])
        del self.incoming[:n]
        return data

    def pending(self) -> int:
        return len(self.incoming)

    def close(self) -> None:
        self.closed = True


class ScriptedBoard:
    """Plays a board's side of the raw REPL; `run(code) -> (stdout, stderr)` decides output."""

    def __init__(self, run: Callable[[bytes], tuple[bytes, bytes]], raw_paste: bool = True, window: int = 32):
        self.run = run
        self.raw_paste = raw_paste
        self.window = window
        self.mode = "friendly"
        self.code = bytearray()
        self.paste_credit = 0
        self.max_paste_overrun = 0
        self.pending_escape = b""

    def __call__(self, data: bytes) -> bytes:
        out = bytearray()
        for byte in data:
            out += self._byte(bytes([byte]))
        return bytes(out)

    def _byte(self, b: bytes) -> bytes:
        if self.mode == "paste":
            if b == b"\x04":
                stdout, stderr = self.run(bytes(self.code))
                self.code.clear()
                self.mode = "raw"
                return b"\x04" + stdout + b"\x04" + stderr + b"\x04>"
            self.code += b
            self.paste_credit -= 1
            self.max_paste_overrun = max(self.max_paste_overrun, -self.paste_credit)
            if self.paste_credit <= self.window // 2 and self.paste_credit + self.window <= 2 * self.window:
                self.paste_credit += self.window
                return b"\x01"
            return b""
        if self.mode == "raw" and self.code == b"\x05A" and b == b"\x01":
            self.code.clear()
            if not self.raw_paste:
                return BANNER  # old firmware: Ctrl-A simply re-enters raw mode
            self.mode = "paste"
            self.paste_credit = 2 * self.window
            return b"R\x01" + self.window.to_bytes(2, "little") + b"\x01"
        if b == b"\x01":
            self.mode = "raw"
            self.code.clear()
            return BANNER
        if b == b"\x02":
            self.mode = "friendly"
            return b"\r\nMicroPython fake\r\n>>> "
        if b == b"\x03":
            self.code.clear()
            return b"\r\n>>> " if self.mode == "friendly" else b""
        if self.mode == "friendly":
            return b if b != b"\r" else b"\r\n>>> "
        # raw mode
        if b == b"\x04":
            if not self.code:
                return b"\r\nsoft reboot\r\n" + BANNER
            stdout, stderr = self.run(bytes(self.code))
            self.code.clear()
            return b"OK" + stdout + b"\x04" + stderr + b"\x04>"
        self.code += b
        return b""
