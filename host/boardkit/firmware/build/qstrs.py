"""The interned strings (qstrs) of a MicroPython 1.9.2 firmware, and the pool frozen code adds.

A qstr is a number: the firmware's own strings are numbered in the order of its
genhdr/qstrdefs.generated.h (0 is MP_QSTR_NULL), and every string frozen code needs that
the firmware lacks is added in a pool of our own, numbered from MP_QSTRnumber_of on. In
bytecode a qstr is two bytes, little-endian. Each pool entry is stored as
hash (MICROPY_QSTR_BYTES_IN_HASH bytes), length (one byte), then the UTF-8 data; the hash is
djb2 (hash * 33 ^ byte, from 5381), masked, and never 0.

    static = StaticQstrs.parse(Path("inc/genhdr/qstrdefs.generated.h").read_text())
    pool = QstrPool(static)
    pool.c_expr(b"print")     # "MP_QSTR_print": a name the firmware defines
    pool.c_expr(b"lesson")    # "BK_QSTR_0": numbered after the firmware's own
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from boardkit.errors import FirmwareError

QDEF = re.compile(r'^QDEF\((MP_QSTR_\w*), \(const byte\*\)"((?:[^"\\]|\\.)*)" "((?:[^"\\]|\\.)*)"\)$', re.M)
C_ESCAPE = re.compile(rb"\\x([0-9a-fA-F]{2})|\\([0-7]{1,3})|\\(.)", re.S)
SIMPLE_ESCAPES = {b"n": b"\n", b"t": b"\t", b"r": b"\r", b"0": b"\0"}
MAX_QSTR_LENGTH = 255  # MICROPY_QSTR_BYTES_IN_LEN = 1


def c_unescape(text: str) -> bytes:
    """The bytes a C string literal's body stands for (\\xHH, octal and simple escapes)."""

    def one(match: re.Match[bytes]) -> bytes:
        if match.group(1) is not None:
            return bytes([int(match.group(1), 16)])
        if match.group(2) is not None:
            return bytes([int(match.group(2), 8) & 0xFF])
        char = match.group(3)
        return SIMPLE_ESCAPES.get(char, char)

    return C_ESCAPE.sub(one, text.encode("latin-1"))


def c_string(data: bytes) -> str:
    """A C string literal for `data`: printable ASCII as is, every other byte as a 3-digit
    octal escape (which, unlike \\x, cannot swallow the character after it)."""
    out = []
    for byte in data:
        char = chr(byte)
        if 0x20 <= byte < 0x7F and char not in '"\\?':
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return '"' + "".join(out) + '"'


def qstr_hash(data: bytes, hash_bytes: int = 1) -> int:
    """The firmware's qstr hash of `data` (qstr_compute_hash in py/qstr.c)."""
    value = 5381
    for byte in data:
        value = ((value * 33) ^ byte) & 0xFFFFFFFF
    value &= (1 << (8 * hash_bytes)) - 1
    return value or 1


@dataclass(frozen=True)
class StaticQstrs:
    """The firmware's own qstrs: data -> the C name of its number, in the header's order."""

    names: dict[bytes, str]
    count: int
    hash_bytes: int

    @classmethod
    def parse(cls, header: str) -> StaticQstrs:
        """Read genhdr/qstrdefs.generated.h."""
        names: dict[bytes, str] = {}
        count = 0
        hash_bytes = 0
        for match in QDEF.finditer(header):
            prefix = c_unescape(match.group(2))
            data = c_unescape(match.group(3))
            hash_bytes = len(prefix) - 1  # one length byte follows the hash
            names.setdefault(data, match.group(1))
            count += 1
        if count == 0 or hash_bytes not in (1, 2):
            raise FirmwareError(
                "the firmware's qstrdefs.generated.h has no qstrs boardkit can read",
                hint="the firmware source is not micro:bit MicroPython 1.0.1 (MicroPython 1.9.2)",
            )
        return cls(names, count, hash_bytes)


@dataclass
class QstrPool:
    """The qstrs frozen code refers to: the firmware's by name, new ones numbered in a pool."""

    static: StaticQstrs
    added: list[bytes] = field(default_factory=list)
    _index: dict[bytes, int] = field(default_factory=dict)

    def c_expr(self, data: bytes) -> str:
        """A C constant expression for the qstr number of `data` (added to the pool if new)."""
        name = self.static.names.get(data)
        if name is not None:
            return name
        if len(data) > MAX_QSTR_LENGTH:
            raise FirmwareError(f"a name of {len(data)} bytes is longer than a qstr can be ({MAX_QSTR_LENGTH})")
        if data not in self._index:
            self._index[data] = len(self.added)
            self.added.append(data)
        return f"BK_QSTR_{self._index[data]}"

    def entry(self, data: bytes) -> str:
        """The pool entry (hash, length, data) of `data` as a C expression."""
        hashed = qstr_hash(data, self.static.hash_bytes)
        header = bytes([hashed & 0xFF]) if self.static.hash_bytes == 1 else hashed.to_bytes(2, "little")
        return f"(const byte*){c_string(header + bytes([len(data)]) + data)}"
