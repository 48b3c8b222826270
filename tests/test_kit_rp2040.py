"""RP2040 kit images: MicroPython's UF2 plus a littlefs2 filesystem at the board's fs offset.

No RP2040 emulator exists here, so the image is checked by reading it back: the UF2 is
parsed again, the filesystem region is cut out of it and mounted with littlefs-python
configured as MicroPython's rp2 port mounts it (4096-byte blocks, progsize 256).
"""

from __future__ import annotations

import struct

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware.uf2 import (
    BLOCK_SIZE,
    FLAG_FAMILY_ID,
    MAGIC_END,
    MAGIC_START0,
    MAGIC_START1,
    RP2040_FAMILY,
    add_littlefs_to_uf2,
    flash_bytes,
    read_littlefs_files,
    read_uf2,
    to_uf2,
    uf2_blocks,
    uf2_family,
)

FS_OFFSET = 0x100A0000  # boards/rpi_pico.toml: XIP address of the 1408 KB filesystem
FS_SIZE = 0x160000


def _firmware(size: int = 40_000) -> bytes:
    """A stand-in for MicroPython's RPI_PICO .uf2: code-like bytes from 0x10000000 (no real one offline)."""
    code = bytes((i * 7 + 3) & 0xFF for i in range(size))
    return to_uf2([(0x10000000, code)], RP2040_FAMILY)


def test_to_uf2_blocks_are_what_the_boot_rom_takes():
    data = to_uf2([(0x10000000, b"\x01" * 300), (0x10000400, b"\x02" * 10)], RP2040_FAMILY)
    assert len(data) % BLOCK_SIZE == 0
    count = len(data) // BLOCK_SIZE
    assert count == 3  # 256 + 44 bytes, then one short page
    for number in range(count):
        block = data[number * BLOCK_SIZE : (number + 1) * BLOCK_SIZE]
        m0, m1, flags, address, size, block_no, num_blocks, family = struct.unpack_from("<8I", block)
        assert (m0, m1, struct.unpack_from("<I", block, 508)[0]) == (MAGIC_START0, MAGIC_START1, MAGIC_END)
        assert flags == FLAG_FAMILY_ID and family == RP2040_FAMILY == 0xE48BFF56
        assert size == 256 and address % 256 == 0
        assert (block_no, num_blocks) == (number, count)
    blocks = uf2_blocks(data)
    assert [a for a, _ in blocks] == [0x10000000, 0x10000100, 0x10000400]
    assert blocks[1][1] == b"\x01" * 44 + b"\xff" * 212  # gaps are erased flash
    assert flash_bytes(data, 0x10000000, 300) == b"\x01" * 300


def test_bad_uf2_is_refused():
    with pytest.raises(FirmwareError, match="whole number"):
        read_uf2(b"\0" * 100)
    with pytest.raises(FirmwareError, match="magic"):
        read_uf2(b"\0" * 512)


def test_kit_round_trip():
    firmware = _firmware()
    files = {
        "main.py": b"import helper\nhelper.hello()\n",
        "lib/helper.mpy": b"M\x06\x00\x1f" + bytes(3000),
        "data/notes.txt": "caf\u00e9\n".encode(),
    }
    kit = add_littlefs_to_uf2(firmware, files, FS_OFFSET, FS_SIZE)
    before, after = read_uf2(firmware), read_uf2(kit)
    # The firmware's blocks come first, unchanged (address, data, flags, family).
    assert [(b.address, b.payload, b.flags, b.family) for b in after[: len(before)]] == [
        (b.address, b.payload, b.flags, b.family) for b in before
    ]
    # Then the whole filesystem region, 256 bytes a block, numbered as one run.
    fs_blocks = after[len(before) :]
    assert len(fs_blocks) == FS_SIZE // 256
    assert fs_blocks[0].address == FS_OFFSET and fs_blocks[-1].address == FS_OFFSET + FS_SIZE - 256
    assert {b.family for b in after} == {RP2040_FAMILY} and uf2_family(kit) == RP2040_FAMILY
    assert [(b.block_no, b.num_blocks) for b in after] == [(n, len(after)) for n in range(len(after))]
    image = flash_bytes(kit, FS_OFFSET, FS_SIZE)
    assert read_littlefs_files(image) == files
    from littlefs import LittleFS

    fs = LittleFS(
        block_size=4096, block_count=FS_SIZE // 4096, read_size=32, prog_size=256, lookahead_size=32, mount=False
    )
    fs.context.buffer[:] = image
    fs.mount()
    stat = fs.fs_stat()
    assert (stat.disk_version, stat.block_size, stat.block_count) == (0x00020000, 4096, FS_SIZE // 4096)
    assert sorted(fs.listdir("/")) == ["data", "lib", "main.py"]


def test_kit_is_a_valid_uf2_for_the_board_checker(tmp_path):
    from boardkit.firmware.integrity import check_image

    path = tmp_path / "kit.uf2"
    path.write_bytes(add_littlefs_to_uf2(_firmware(), {"main.py": b"print(1)\n"}, FS_OFFSET, FS_SIZE))
    info = check_image(path, "uf2", chip="rp2040", uf2_family=RP2040_FAMILY)
    assert info.details["end"] == FS_OFFSET + FS_SIZE


def test_offset_as_flash_offset_or_xip_address():
    firmware = _firmware(1000)
    files = {"a.py": b"A = 1\n"}
    assert add_littlefs_to_uf2(firmware, files, 0xA0000, FS_SIZE) == add_littlefs_to_uf2(
        firmware, files, FS_OFFSET, FS_SIZE
    )


def test_refusals():
    firmware = _firmware()
    with pytest.raises(InvalidInput, match="do not fit"):
        add_littlefs_to_uf2(firmware, {"big.bin": bytes(64 * 1024)}, FS_OFFSET, 16 * 4096)
    with pytest.raises(InvalidInput, match="not a file path"):
        add_littlefs_to_uf2(firmware, {"../x.py": b""}, FS_OFFSET, FS_SIZE)
    with pytest.raises(FirmwareError, match="inside the filesystem region"):
        add_littlefs_to_uf2(firmware, {"a.py": b""}, 0x10000000 + 0x8000, FS_SIZE)
    with pytest.raises(InvalidInput, match="whole number"):
        add_littlefs_to_uf2(firmware, {"a.py": b""}, FS_OFFSET, 5000)
    with pytest.raises(FirmwareError):
        add_littlefs_to_uf2(b"not a uf2", {"a.py": b""}, FS_OFFSET, FS_SIZE)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.lists(
            st.text("abcxyz_.0", min_size=1, max_size=8).filter(lambda p: p not in (".", "..")), min_size=1, max_size=3
        ).map("/".join),
        st.binary(max_size=5000),
        max_size=6,
    )
)
def test_round_trip_any_files(files):
    # A name used both as a file and as a folder cannot be stored: skip those draws.
    names = set(files)
    if any(other.startswith(name + "/") for name in names for other in names):
        return
    kit = add_littlefs_to_uf2(_firmware(512), files, FS_OFFSET, 64 * 4096)
    assert read_littlefs_files(flash_bytes(kit, FS_OFFSET, 64 * 4096)) == files
