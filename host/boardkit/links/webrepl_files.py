"""WebREPL's file transfer from the client side: PUT and GET a whole file, GET_VER.

A board's WebREPL moves a file in binary frames without the REPL (see webrepl_protocol.py):
no Python to compile per chunk, no text encoding. `WebReplFiles` drives it over a
WebReplLink; the link's `file_transfer()` hands one out once GET_VER has answered, so a
WebREPL without the protocol is never sent a PUT or GET.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from boardkit.errors import LinkError, RemoteFileError
from boardkit.links.webrepl_protocol import (
    CHUNK_LENGTH,
    GET_FILE,
    GET_NEXT,
    GET_VER,
    NAME_MAX,
    OK,
    PUT_FILE,
    RESPONSE,
    VERSION_LENGTH,
    pack_request,
    parse_response,
)

Progress = Callable[[int, int], None]  # (done, total) in bytes
PROBE_TIMEOUT = 3.0  # seconds GET_VER may take before the WebREPL counts as lacking the protocol
STEP_TIMEOUT = 20.0  # seconds any one answer may take
PUT_FRAME = 4096  # bytes of file per frame sent
ERRNO_NAMES = {2: "no such file or folder", 13: "permission denied", 21: "is a folder", 28: "no space left"}


class BinaryChannel(Protocol):
    """What WebReplFiles needs of a link: binary frames out, binary bytes in."""

    url: str

    def send_binary(self, data: bytes) -> None: ...

    def read_binary(self, size: int, timeout: float) -> bytes:
        """Exactly size bytes of binary frames; b"" if they did not come within timeout."""
        ...


class WebReplFiles:
    """PUT and GET over one WebREPL session (see the module docstring)."""

    def __init__(self, channel: BinaryChannel, version: tuple[int, int, int]) -> None:
        self.channel = channel
        self.version = version

    @staticmethod
    def fits(path: str) -> bool:
        """True when the board's path fits a request record (64 bytes of UTF-8)."""
        return 0 < len(path.encode("utf-8")) <= NAME_MAX and "\x00" not in path

    def put_file(self, path: str, data: bytes, progress: Progress | None = None) -> None:
        """Write data to path on the board (the board opens it "wb": the caller picks a
        temporary name when the old file must survive a cut connection)."""
        self.channel.send_binary(pack_request(PUT_FILE, path, len(data)))
        self._expect_ok(path, "open")
        done = 0
        for start in range(0, len(data), PUT_FRAME):
            piece = data[start : start + PUT_FRAME]
            self.channel.send_binary(piece)
            done += len(piece)
            if progress:
                progress(done, len(data))
        self._expect_ok(path, "write", timeout=STEP_TIMEOUT + len(data) / 2000)
        if progress and not data:
            progress(0, 0)

    def get_file(self, path: str, size_hint: int = 0, progress: Progress | None = None) -> bytes:
        """The whole file at path on the board (size_hint: for progress only)."""
        self.channel.send_binary(pack_request(GET_FILE, path))
        self._expect_ok(path, "open")
        data = bytearray()
        while True:
            self.channel.send_binary(GET_NEXT)
            head = self._read(CHUNK_LENGTH.size, path)
            (length,) = CHUNK_LENGTH.unpack(head)
            if not length:
                break
            data += self._read(length, path)
            if progress:
                progress(len(data), max(size_hint, len(data)))
        self._expect_ok(path, "read")
        if progress:
            progress(len(data), max(size_hint, len(data)))
        return bytes(data)

    def _read(self, size: int, path: str, timeout: float = STEP_TIMEOUT) -> bytes:
        got = self.channel.read_binary(size, timeout)
        if len(got) != size:
            raise LinkError(
                f"{self.channel.url} stopped answering in the middle of a file transfer ({path})",
                hint="check the board is still on the network, then try again",
            )
        return got

    def _expect_ok(self, path: str, step: str, timeout: float = STEP_TIMEOUT) -> None:
        record = self._read(RESPONSE.size, path, timeout)
        try:
            code = parse_response(record)
        except ValueError as exc:
            raise LinkError(
                f"{self.channel.url} answered a file transfer with something else ({exc})",
                hint="the board's WebREPL may be out of step: reconnect and try again",
            ) from None
        if code != OK:
            why = ERRNO_NAMES.get(code, f"error {code}")
            raise RemoteFileError(
                f"{path}: {why} (the board's WebREPL could not {step} it)", hint="check the path with `boardkit ls`"
            )


def probe_version(channel: BinaryChannel, timeout: float = PROBE_TIMEOUT) -> tuple[int, int, int] | None:
    """Ask GET_VER; the board's (major, minor, micro), or None when nothing answered."""
    channel.send_binary(pack_request(GET_VER))
    answer = channel.read_binary(VERSION_LENGTH, timeout)
    if len(answer) != VERSION_LENGTH:
        return None
    return answer[0], answer[1], answer[2]
