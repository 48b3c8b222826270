"""Reading a MicroPython 1.9.2 .mpy file (format version 2) into its tree of raw code.

The layout (py/persistentcode.c, py/bc.h, py/bc.c of the firmware source):

    header      'M', 2 (version), feature flags, small-int bits
    raw code    bytecode length (var uint), the bytecode, then
                simple name, source file (qstrs), one qstr per qstr-taking opcode, in order,
                n_obj, n_raw_code (var uints),
                the argument names (qstrs: n_pos_args + n_kwonly_args of the prelude),
                n_obj objects, n_raw_code nested raw codes

A qstr is a var-uint length and the UTF-8 bytes; an object is a type letter ('e' Ellipsis,
or 's' str, 'b' bytes, 'i' int, 'f' float, 'c' complex, then a var-uint length and the text).
In the bytecode every qstr is a 2-byte slot to fill with the qstr's number; the prelude holds
two such slots (simple name, source file) at the start of its code info.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from boardkit.errors import FirmwareError

MPY_VERSION = 2
MICROBIT_FEATURE_FLAGS = 0x02  # no map-lookup cache in bytecode, unicode str (mpconfigport.h)
MICROBIT_SMALL_INT_BITS = 31

# Opcode formats (py/bc.c, opcode_format_table): B a byte, Q + 2-byte qstr, V + var uint,
# O + 2-byte offset; U unused. One letter per opcode, 0x00-0xff. In the firmware U and B are
# the same number, so an "unused" opcode (GET_ITER_STACK, 0x47, is one) is walked as one byte;
# mpy-cross 1.9.2 walks bytecode with that same table when it writes the qstrs, so we must too.
_FORMATS = (
    "UUUUUUUUUUUUUUUU"  # 0x00
    "BBBUVUQVBVVQQQQQ"  # 0x10
    "BBVVQQQBVVQQUUUU"  # 0x20
    "BBBBBOOOOOUUUOBO"  # 0x30
    "OBBOBBOUUUUUUUUU"  # 0x40
    "VVUVBUVVVVVBBBBU"  # 0x50
    "VVVVVVVVQQBUUUUU"  # 0x60
    + "B" * 0x8B  # 0x70-0xfa
    + "UUUUU"  # 0xfb-0xff
)
# Opcodes with one more byte than their format says (MICROPY_OPT_CACHE_MAP_LOOKUP_IN_BYTECODE
# is off on the micro:bit, so only these three).
_EXTRA_BYTE = {0x5C, 0x62, 0x63}  # RAISE_VARARGS, MAKE_CLOSURE, MAKE_CLOSURE_DEFARGS

assert len(_FORMATS) == 256


def opcode_size(code: bytes | bytearray, ip: int) -> tuple[str, int]:
    """(format letter, size in bytes) of the opcode at code[ip]."""
    op = code[ip]
    kind = _FORMATS[op]
    if kind == "U":
        kind = "B"
    if kind == "Q":
        return kind, 3
    size = 1
    if kind == "V":
        while code[ip + size] & 0x80:
            size += 1
        size += 1
    elif kind == "O":
        size += 2
    return kind, size + (1 if op in _EXTRA_BYTE else 0)


@dataclass
class Prelude:
    n_state: int
    n_exc_stack: int
    scope_flags: int
    n_pos_args: int
    n_kwonly_args: int
    n_def_pos_args: int
    name_slot: int  # offset of the simple-name qstr slot; the source file's follows it
    code_start: int  # offset of the first opcode


@dataclass
class Const:
    """One constant object of a raw code's table: kind is a .mpy type letter."""

    kind: str
    data: bytes = b""


@dataclass
class RawCode:
    """One function's (or the module's) bytecode and constant table."""

    bytecode: bytearray
    prelude: Prelude
    simple_name: bytes
    source_file: bytes
    qstr_slots: list[tuple[int, bytes]]  # (offset of the 2-byte slot, the qstr) in the bytecode
    arg_names: list[bytes]
    objects: list[Const]
    children: list[RawCode] = field(default_factory=list)

    def walk(self) -> list[RawCode]:
        """This raw code and every nested one, depth first (children before their parent)."""
        found: list[RawCode] = []
        for child in self.children:
            found.extend(child.walk())
        found.append(self)
        return found


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise FirmwareError("the .mpy file ends too early", hint="compile it again with mpy-cross 1.9.2")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def take(self, count: int) -> bytes:
        if self.pos + count > len(self.data):
            raise FirmwareError("the .mpy file ends too early", hint="compile it again with mpy-cross 1.9.2")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def uint(self) -> int:
        value = 0
        while True:
            byte = self.byte()
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                return value

    def qstr(self) -> bytes:
        return self.take(self.uint())

    def obj(self) -> Const:
        kind = chr(self.byte())
        if kind == "e":
            return Const("e")
        if kind not in "sbifc":
            raise FirmwareError(f"the .mpy has an object of unknown type {kind!r}")
        return Const(kind, self.take(self.uint()))


def _decode_uint(code: bytes | bytearray, ip: int) -> tuple[int, int]:
    value = 0
    while True:
        byte = code[ip]
        ip += 1
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, ip


def _prelude(code: bytes | bytearray) -> Prelude:
    n_state, ip = _decode_uint(code, 0)
    n_exc_stack, ip = _decode_uint(code, ip)
    scope_flags, n_pos, n_kwonly, n_def = code[ip : ip + 4]
    ip += 4
    info_size, name_slot = _decode_uint(code, ip)
    ip += info_size
    while code[ip] != 255:  # the cell-variable list ends with 255
        ip += 1
    return Prelude(n_state, n_exc_stack, scope_flags, n_pos, n_kwonly, n_def, name_slot, ip + 1)


def _raw_code(reader: _Reader) -> RawCode:
    bytecode = bytearray(reader.take(reader.uint()))
    try:
        prelude = _prelude(bytecode)
    except (IndexError, ValueError):
        raise FirmwareError("the .mpy has a broken bytecode prelude") from None
    simple_name = reader.qstr()
    source_file = reader.qstr()
    slots: list[tuple[int, bytes]] = []
    ip = prelude.code_start
    while ip < len(bytecode):
        kind, size = opcode_size(bytecode, ip)
        if kind == "Q":
            slots.append((ip + 1, reader.qstr()))
        ip += size
    n_obj = reader.uint()
    n_raw_code = reader.uint()
    arg_names = [reader.qstr() for _ in range(prelude.n_pos_args + prelude.n_kwonly_args)]
    objects = [reader.obj() for _ in range(n_obj)]
    children = [_raw_code(reader) for _ in range(n_raw_code)]
    return RawCode(bytecode, prelude, simple_name, source_file, slots, arg_names, objects, children)


def read_mpy(data: bytes) -> RawCode:
    """The module's raw code from a .mpy file made by mpy-cross 1.9.2 for the micro:bit.

    FirmwareError when it is not that format, or was compiled with other feature flags.
    """
    reader = _Reader(data)
    header = reader.take(4)
    if header[0:1] != b"M" or header[1] != MPY_VERSION:
        raise FirmwareError(
            "not a MicroPython 1.9 .mpy file (format version 2)", hint="compile it with mpy-cross 1.9.2"
        )
    if header[2] != MICROBIT_FEATURE_FLAGS or header[3] > MICROBIT_SMALL_INT_BITS:
        raise FirmwareError(
            f".mpy compiled for other settings (flags 0x{header[2]:02x}, {header[3]}-bit small ints)",
            hint="compile with mpy-cross 1.9.2's defaults (unicode on, no map cache, 31-bit small ints)",
        )
    raw = _raw_code(reader)
    if reader.pos != len(data):
        raise FirmwareError(f"the .mpy has {len(data) - reader.pos} bytes after its code")
    return raw
