"""WebREPL's file-transfer records, as MicroPython's modwebrepl.c and webrepl_cli.py define them.

These travel in binary websocket frames; text frames are the REPL. Both sides of boardkit
use this module: the ws:// link (the client) and the virtual boards' endpoint (the board).

A request is one 82-byte little-endian record, "<2sBBQLH64s":

    sig "WA" | op (1 PUT, 2 GET, 3 GET_VER) | flags (0) | offset u64 (unused, 0)
    | size u32 (PUT: the file's length) | name length u16 | name, 64 bytes NUL-padded

The board answers a PUT or GET with a 4-byte "WB" record (sig, then a u16 code, 0 = ok) once
the file is open, and again at the end. PUT: the client then sends exactly `size` bytes.
GET: the client sends one byte (0) per chunk it wants; each chunk is a u16 length and up
to 256 bytes; a zero length ends the file. GET_VER: the board answers three bytes, its
MicroPython version (major, minor, micro), and no "WB" record.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

REQUEST = struct.Struct("<2sBBQLH64s")
RESPONSE = struct.Struct("<2sH")
CHUNK_LENGTH = struct.Struct("<H")
REQUEST_SIG = b"WA"
RESPONSE_SIG = b"WB"
PUT_FILE = 1
GET_FILE = 2
GET_VER = 3
NAME_MAX = 64  # bytes of the name field; longer names do not fit a request
GET_CHUNK_MAX = 256  # a real board sends a file in chunks of at most this many bytes
GET_NEXT = b"\x00"  # what a client sends to ask for the next chunk
VERSION_LENGTH = 3
OK = 0
FAILED = 1  # a board-side failure with no errno number to report


@dataclass(frozen=True)
class FileRequest:
    """One decoded request record."""

    op: int
    size: int
    name: bytes

    @property
    def path(self) -> str:
        return self.name.decode("utf-8", "replace")


def pack_request(op: int, name: str = "", size: int = 0) -> bytes:
    """The 82-byte record for op on name (ValueError when the name does not fit)."""
    encoded = name.encode("utf-8")
    if len(encoded) > NAME_MAX:
        raise ValueError(f"a WebREPL file name is at most {NAME_MAX} bytes")
    if b"\x00" in encoded:
        raise ValueError("a WebREPL file name cannot contain NUL")
    return REQUEST.pack(REQUEST_SIG, op, 0, 0, size, len(encoded), encoded)


def parse_request(record: bytes) -> FileRequest:
    """Decode an 82-byte record. The name is cut at its length field and at the first NUL,
    as the board reads it (a C string in a 64-byte field)."""
    sig, op, _flags, _offset, size, name_len, name = REQUEST.unpack(record)
    if sig != REQUEST_SIG:
        raise ValueError(f"not a WebREPL request (signature {sig!r})")
    name = name[: min(name_len, NAME_MAX)].split(b"\x00", 1)[0]
    return FileRequest(op, size, name)


def pack_response(code: int) -> bytes:
    """A "WB" record with a status code (0: ok)."""
    return RESPONSE.pack(RESPONSE_SIG, code & 0xFFFF)


def parse_response(record: bytes) -> int:
    """The status code of a 4-byte "WB" record (ValueError for anything else)."""
    if len(record) != RESPONSE.size:
        raise ValueError(f"a WebREPL response is {RESPONSE.size} bytes, got {len(record)}")
    sig, code = RESPONSE.unpack(record)
    if sig != RESPONSE_SIG:
        raise ValueError(f"not a WebREPL response (signature {sig!r})")
    return int(code)


def pack_chunk(data: bytes) -> bytes:
    """One GET chunk as the board sends it: a u16 length, then the bytes."""
    return CHUNK_LENGTH.pack(len(data)) + data
