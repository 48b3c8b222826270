"""The pieces of the firmware build that need no toolchain and no QEMU (quick)."""

from __future__ import annotations

import math
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from boardkit.api import resolve_board
from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware.build import builder_for
from boardkit.firmware.build.frozen_c import FIRST_POOL_ALLOC, _Writer, frozen_c_source
from boardkit.firmware.build.microbit import module_sources
from boardkit.firmware.build.mpy_reader import read_mpy
from boardkit.firmware.build.qstrs import QstrPool, StaticQstrs, c_string, c_unescape, qstr_hash

# `x = 1; print(x)` compiled by mpy-cross 1.9.2 with `-s t.py` (its bytes, as it wrote them).
TINY_MPY = bytes.fromhex(
    "4d02021f1e020000000000080a00f8002500"
    "00ff8124f9001bc7001bf900640132115b08"
    "3c6d6f64756c653e04742e70790178057072"
    "696e7401780000"
)
HEADER = (
    'QDEF(MP_QSTR_NULL, (const byte*)"\\x00\\x00" "")\n'
    'QDEF(MP_QSTR_, (const byte*)"\\x05\\x00" "")\n'
    'QDEF(MP_QSTR__star_, (const byte*)"\\x8f\\x01" "*")\n'
    'QDEF(MP_QSTR_print, (const byte*)"\\x54\\x05" "print")\n'
    'QDEF(MP_QSTR__lt_module_gt_, (const byte*)"\\xbd\\x08" "<module>")\n'
)


def test_a_tiny_module_reads_as_its_raw_code():
    raw = read_mpy(TINY_MPY)
    assert (raw.simple_name, raw.source_file) == (b"<module>", b"t.py")
    assert [q for _, q in raw.qstr_slots] == [b"x", b"print", b"x"]
    assert raw.objects == [] and raw.children == []


@pytest.mark.parametrize(
    "data, why",
    [
        (b"", "ends too early"),
        (b"C\x03\x02\x1f", "not a MicroPython 1.9 .mpy"),
        (b"M\x02\x03\x1f" + TINY_MPY[4:], "other settings"),
        (TINY_MPY[:-3], "ends too early"),
        (TINY_MPY + b"\x00", "after its code"),
    ],
)
def test_what_is_not_a_micro_bit_mpy_is_refused(data, why):
    with pytest.raises(FirmwareError, match=why):
        read_mpy(data)


def test_static_qstrs_are_named_and_new_ones_numbered_after_them():
    static = StaticQstrs.parse(HEADER)
    assert static.count == 5 and static.hash_bytes == 1
    pool = QstrPool(static)
    assert pool.c_expr(b"print") == "MP_QSTR_print"
    assert pool.c_expr(b"lesson") == "BK_QSTR_0"
    assert pool.c_expr(b"lesson") == "BK_QSTR_0" and pool.added == [b"lesson"]


def test_hashes_agree_with_the_firmware_header():
    assert qstr_hash(b"") == 0x05 and qstr_hash(b"*") == 0x8F and qstr_hash(b"<module>") == 0xBD
    assert qstr_hash(b"print") == 0x54


@given(st.binary(max_size=60))
def test_c_string_literals_hold_exactly_the_bytes(data):
    literal = c_string(data)
    assert literal[0] == literal[-1] == '"'
    assert c_unescape(literal[1:-1]) == data


def test_an_empty_freeze_still_gives_a_pool_sized_like_the_firmware_s():
    text = frozen_c_source({}, StaticQstrs.parse(HEADER))
    assert 'const char mp_frozen_mpy_names[] = "";' in text
    assert f"    {FIRST_POOL_ALLOC},  // the first RAM pool" in text
    assert text.count("<bk-frozen>") == FIRST_POOL_ALLOC


def test_floats_are_the_micro_bit_s_immediate_floats():
    # py/obj.h defines pi this way for MICROPY_OBJ_REPR_C.
    (pi_bits,) = struct.unpack("<I", struct.pack("<f", math.pi))
    assert pi_bits == 0x40490FDB
    assert _Writer.float_(math.pi) == f"(mp_uint_t)0x{((0x40490FDB & ~3) | 2) + 0x80800000:08x}"


def test_small_ints_stay_immediate_and_big_ones_become_mpz_digits():
    writer = _Writer(QstrPool(StaticQstrs.parse(HEADER)))
    assert writer.big_int(2**30 - 1) == "(mp_uint_t)MP_OBJ_NEW_SMALL_INT(1073741823)"
    assert writer.big_int(-(2**40)).startswith("(mp_uint_t)&bk_int_")
    assert "{0x0000, 0x0000, 0x0100}" in writer.lines[0] and ".neg = 1" in writer.lines[1]


def test_module_paths_are_checked_before_anything_is_built(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "same.py").write_text("X = 1\n")
    (tmp_path / "b" / "same.py").write_text("X = 2\n")
    (tmp_path / "notes.txt").write_text("hi\n")
    (tmp_path / "my-lesson.py").write_text("X = 3\n")
    with pytest.raises(InvalidInput, match="two modules would both be same"):
        module_sources([tmp_path / "a", tmp_path / "b"])
    with pytest.raises(InvalidInput, match="only .py modules"):
        module_sources([tmp_path / "notes.txt"])
    with pytest.raises(InvalidInput, match="cannot be imported"):
        module_sources([tmp_path / "my-lesson.py"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InvalidInput, match="no .py modules"):
        module_sources([tmp_path / "empty"])
    assert list(module_sources([tmp_path / "a"])) == ["same.py"]


@pytest.mark.parametrize(
    "board_id, words", [("esp32_s3", "ESP-IDF"), ("rpi_pico_w", "pico SDK"), ("microbit_v2", "V2")]
)
def test_boards_without_a_builder_say_why(board_id, words):
    with pytest.raises(InvalidInput, match=words):
        builder_for(resolve_board(board_id))
