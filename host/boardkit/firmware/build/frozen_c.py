"""Frozen modules as C: the raw code of .mpy files laid out as constant data in flash.

MicroPython 1.9.2 finds frozen bytecode through three symbols (py/frozenmod.c, py/qstr.c):

- ``mp_frozen_mpy_names``: the file names ("lesson.py"), each ending in NUL, then one more NUL;
- ``mp_frozen_mpy_content``: one ``const mp_raw_code_t *`` per name, in the same order;
- ``mp_qstr_frozen_const_pool`` (MICROPY_QSTR_EXTRA_POOL): the qstrs the firmware lacks, a
  pool chained after the firmware's own.

Each raw code becomes its bytecode (qstr slots filled with qstr numbers), its constant table
(argument names as qstr objects, then the constants, then its nested raw codes) and an
``mp_raw_code_t``. Constants live in flash too: str and bytes as ``mp_obj_str_t``, big ints
as ``mp_obj_int_t`` with 16-bit mpz digits, floats as the micro:bit's 30-bit immediate floats
(MICROPY_OBJ_REPR_C), small ints and qstrs as immediates. Nothing of it is copied to the heap
on import: that is the point of freezing.

    c_text = frozen_c_source({"lesson.py": read_mpy(mpy_bytes)}, StaticQstrs.parse(header))
"""

from __future__ import annotations

import struct

from boardkit.errors import FirmwareError
from boardkit.firmware.build.mpy_reader import Const, RawCode
from boardkit.firmware.build.qstrs import QstrPool, StaticQstrs, c_string, qstr_hash

SMALL_INT_MIN = -(1 << 30)  # MICROPY_OBJ_REPR_C: 31-bit small ints
SMALL_INT_MAX = (1 << 30) - 1
MPZ_DIG_BITS = 16  # MPZ_DIG_SIZE on a 32-bit ARM
FIRST_POOL_ALLOC = 10  # the firmware's const pool says 10: the first RAM pool gets 20 entries
EMPTY_C_STRING = '""'
POOL_FILLER = b"<bk-frozen>"  # pads a short pool up to FIRST_POOL_ALLOC (never looked up)

HEADER = """\
// Frozen modules for micro:bit MicroPython 1.0.1 (MicroPython 1.9.2), made by boardkit.
// Generated: edit the .py files and build again, not this file.
#include <stdint.h>
#include "py/mpconfig.h"
#include "py/objint.h"
#include "py/objstr.h"
#include "py/emitglue.h"
#include "py/qstr.h"

extern const qstr_pool_t mp_qstr_const_pool;

#if MICROPY_OBJ_REPR != MICROPY_OBJ_REPR_C || MICROPY_LONGINT_IMPL != MICROPY_LONGINT_IMPL_MPZ
#error "boardkit's frozen modules are laid out for the micro:bit (object repr C, mpz ints)"
#endif
"""


class _Writer:
    def __init__(self, pool: QstrPool) -> None:
        self.pool = pool
        self.lines: list[str] = []
        self.count = 0

    def symbol(self, kind: str) -> str:
        self.count += 1
        return f"bk_{kind}_{self.count}"

    def qstr_bytes(self, data: bytes) -> str:
        expr = self.pool.c_expr(data)
        return f"(byte)({expr} & 0xff), (byte)({expr} >> 8)"

    def bytecode(self, raw: RawCode) -> str:
        name = self.symbol("bytecode")
        slots = {raw.prelude.name_slot: raw.simple_name, raw.prelude.name_slot + 2: raw.source_file}
        slots.update(dict(raw.qstr_slots))
        parts: list[str] = []
        pos = 0
        code = bytes(raw.bytecode)
        for offset in sorted(slots):
            parts.extend(f"0x{b:02x}" for b in code[pos:offset])
            parts.append(self.qstr_bytes(slots[offset]))
            pos = offset + 2
        parts.extend(f"0x{b:02x}" for b in code[pos:])
        body = ",\n    ".join(", ".join(parts[i : i + 12]) for i in range(0, len(parts), 12))
        self.lines.append(f"STATIC const byte {name}[{len(code)}] = {{\n    {body}\n}};")
        return name

    def const(self, const: Const, where: str) -> str:
        if const.kind == "e":
            return "(mp_uint_t)&mp_const_ellipsis_obj"
        if const.kind in "sb":
            name = self.symbol("str")
            kind = "mp_type_str" if const.kind == "s" else "mp_type_bytes"
            data = const.data
            self.lines.append(
                f"STATIC const mp_obj_str_t {name} = {{{{&{kind}}}, {qstr_hash(data, self.pool.static.hash_bytes)}, "
                f"{len(data)}, (const byte*){c_string(data)}}};"
            )
            return f"(mp_uint_t)&{name}"
        if const.kind == "i":
            return self.big_int(int(const.data.decode("ascii")))
        if const.kind == "f":
            return self.float_(float(const.data.decode("ascii")))
        raise FirmwareError(
            f"{where}: complex numbers are not available on the micro:bit",
            hint="its MicroPython is built without complex support; use two floats",
        )

    def big_int(self, value: int) -> str:
        if SMALL_INT_MIN <= value <= SMALL_INT_MAX:
            return f"(mp_uint_t)MP_OBJ_NEW_SMALL_INT({value})"
        digits: list[int] = []
        rest = abs(value)
        while rest:
            digits.append(rest & ((1 << MPZ_DIG_BITS) - 1))
            rest >>= MPZ_DIG_BITS
        name = self.symbol("int")
        listed = ", ".join(f"0x{d:04x}" for d in digits)
        self.lines.append(f"STATIC const uint16_t {name}_digits[{len(digits)}] = {{{listed}}};")
        self.lines.append(
            f"STATIC const mp_obj_int_t {name} = {{{{&mp_type_int}}, "
            f"{{.neg = {int(value < 0)}, .fixed_dig = 1, .alloc = {len(digits)}, .len = {len(digits)}, "
            f".dig = (uint16_t*){name}_digits}}}};"
        )
        return f"(mp_uint_t)&{name}"

    @staticmethod
    def float_(value: float) -> str:
        # MICROPY_OBJ_REPR_C keeps a float in the object word: its 32-bit pattern with the
        # low two bits replaced by 0b10, offset by 0x80800000 (py/obj.h, mp_obj_new_float).
        try:
            (bits,) = struct.unpack("<I", struct.pack("<f", value))
        except OverflowError:
            bits = 0x7F800000 if value > 0 else 0xFF800000  # what the board makes of it: inf
        word = (((bits & ~3) | 2) + 0x80800000) & 0xFFFFFFFF
        return f"(mp_uint_t)0x{word:08x}"

    def raw_code(self, raw: RawCode, where: str) -> str:
        children = [self.raw_code(child, where) for child in raw.children]
        bytecode = self.bytecode(raw)
        table = [f"(mp_uint_t)MP_OBJ_NEW_QSTR({self.pool.c_expr(arg)})" for arg in raw.arg_names]
        table += [self.const(obj, where) for obj in raw.objects]
        table += [f"(mp_uint_t)&{child}" for child in children]
        table_name = "NULL"
        if table:
            table_name = self.symbol("const_table")
            body = ",\n    ".join(table)
            self.lines.append(f"STATIC const mp_uint_t {table_name}[{len(table)}] = {{\n    {body}\n}};")
        name = self.symbol("raw_code")
        prelude = raw.prelude
        self.lines.append(
            f"STATIC const mp_raw_code_t {name} = {{\n"
            f"    .kind = MP_CODE_BYTECODE,\n"
            f"    .scope_flags = 0x{prelude.scope_flags:02x},\n"
            f"    .n_pos_args = {prelude.n_pos_args},\n"
            f"    .data.u_byte = {{\n"
            f"        .bytecode = {bytecode},\n"
            f"        .const_table = {table_name},\n"
            f"        #if MICROPY_PERSISTENT_CODE_SAVE\n"
            f"        .bc_len = {len(raw.bytecode)},\n"
            f"        .n_obj = {len(raw.objects)},\n"
            f"        .n_raw_code = {len(raw.children)},\n"
            f"        #endif\n"
            f"    }},\n"
            f"}};"
        )
        return name


def frozen_c_source(modules: dict[str, RawCode], static: StaticQstrs) -> str:
    """The C file holding `modules` (file name, e.g. "lesson.py" -> its raw code) frozen.

    The output depends only on its inputs (same modules, same order: same text), which is
    what keeps a firmware build reproducible. An empty dict gives a valid file with no module.
    """
    pool = QstrPool(static)
    writer = _Writer(pool)
    roots = [writer.raw_code(raw, name) for name, raw in modules.items()]
    added = list(pool.added)
    while len(added) < FIRST_POOL_ALLOC:
        added.append(POOL_FILLER)
    enum = "\n".join(f"    BK_QSTR_{i} = MP_QSTRnumber_of + {i}," for i in range(len(pool.added)))
    out = [HEADER, f"enum {{\n{enum}\n    BK_QSTR_END\n}};" if enum else ""]
    out.extend(writer.lines)
    entries = ",\n        ".join(pool.entry(data) for data in added)
    out.append(
        "const qstr_pool_t mp_qstr_frozen_const_pool = {\n"
        "    (qstr_pool_t*)&mp_qstr_const_pool,\n"
        "    MP_QSTRnumber_of,\n"
        f"    {min(FIRST_POOL_ALLOC, len(added))},  // the first RAM pool is twice this, like the firmware's own\n"
        f"    {len(added)},\n"
        f"    {{\n        {entries}\n    }},\n"
        "};"
    )
    # Each name ends in NUL; the array's own closing NUL ends the list.
    names = " ".join(c_string(name.encode("utf-8") + b"\0") for name in modules)
    out.append(f"const char mp_frozen_mpy_names[] = {names or EMPTY_C_STRING};")
    content = "".join(f"&{root},\n    " for root in roots)
    out.append(f"const mp_raw_code_t *const mp_frozen_mpy_content[] = {{\n    {content}NULL\n}};")
    return "\n\n".join(part for part in out if part) + "\n"
