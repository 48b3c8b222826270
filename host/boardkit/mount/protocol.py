"""The mount's wire format, shared with lib/bk_mount.py (see the comment at its top).

Board -> host: REQUEST_PREFIX + repr((op, args...)) + b"\\n", inside the program's stdout.
Host -> board: one sync byte (SYNC, or SYNC_STOP: "Ctrl-C was pressed, stop after this"),
a little-endian int32 (negative: -errno; else the payload's length), the payload.
"""

from __future__ import annotations

import struct
from typing import Any

from boardkit.safe_ast import literal

REQUEST_PREFIX = b"\x18BKM"
SYNC = b"\x18"
SYNC_STOP = b"\x19"
MAX_REQUEST = 256 * 1024  # a longer "request" is not ours: it goes on as program output


def answer(status: int, payload: bytes, stop: bool = False) -> bytes:
    """The bytes that answer one request."""
    head = SYNC_STOP if stop else SYNC
    if status < 0:
        return head + struct.pack("<i", status)
    return head + struct.pack("<i", len(payload)) + payload


def parse_request(line: bytes) -> Any:
    """The request tuple in one line (after the prefix), or None when it is not one."""
    try:
        value = literal(line.rstrip(b"\r").decode("utf-8"))
    except (ValueError, SyntaxError, UnicodeDecodeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, tuple) else None


class Demuxer:
    """Splits a board's output into what the program printed and the mount's requests.

    feed(bytes) returns the program's own bytes (to pass on) and the requests found; a
    prefix cut at the end of a chunk is held until the next chunk (or flush()).
    """

    def __init__(self) -> None:
        self._held = bytearray()
        self._in_request = False

    def feed(self, data: bytes) -> tuple[bytes, list[Any]]:
        self._held += data
        out = bytearray()
        requests: list[Any] = []
        while self._held:
            if self._in_request:
                end = self._held.find(b"\n")
                if end < 0:
                    if len(self._held) > MAX_REQUEST:  # not ours after all
                        out += REQUEST_PREFIX + self._held
                        self._held.clear()
                        self._in_request = False
                    break
                line = bytes(self._held[:end])
                del self._held[: end + 1]
                self._in_request = False
                # One that does not parse is still answered (with EINVAL): the board waits for it.
                request = parse_request(line)
                requests.append(request if request is not None else ("?",))
                continue
            start = self._held.find(REQUEST_PREFIX)
            if start >= 0:
                out += self._held[:start]
                del self._held[: start + len(REQUEST_PREFIX)]
                self._in_request = True
                continue
            keep = _partial_prefix(self._held)
            out += self._held[: len(self._held) - keep]
            del self._held[: len(self._held) - keep]
            break
        return bytes(out), requests

    @property
    def in_request(self) -> bool:
        """A request has started and not yet ended."""
        return self._in_request

    def flush(self) -> bytes:
        """Hand back a held partial prefix (nothing more came): it was program output."""
        if self._in_request:
            return b""
        held = bytes(self._held)
        self._held.clear()
        return held


def _partial_prefix(data: bytearray) -> int:
    """How many bytes at the end of data could start REQUEST_PREFIX."""
    for keep in range(min(len(REQUEST_PREFIX) - 1, len(data)), 0, -1):
        if data.endswith(REQUEST_PREFIX[:keep]):
            return keep
    return 0
