"""UF2 images: the one parser and writer, and the "uf2" image format.

UF2 (github.com/microsoft/uf2) is a file of 512-byte blocks, each self-contained:

    0   magic 0x0A324655       16  block number        32  data (476 bytes, `payload` used)
    4   magic 0x9E5D5157       20  number of blocks    508 magic 0x0AB16F30
    8   flags                  24  file size, or the family id (flag 0x2000)
    12  target address         28  payload size

Block numbers run 0..numBlocks-1; a file may hold several such runs back to back.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware import littlefs
from boardkit.firmware.formats import ImageFormat, ImageInfo

if TYPE_CHECKING:
    from boardkit.boards import Board

BLOCK_SIZE = 512
DATA_SIZE = 476
MAGIC_START0 = 0x0A324655
MAGIC_START1 = 0x9E5D5157
MAGIC_END = 0x0AB16F30
FLAG_NOT_MAIN_FLASH = 0x00000001
FLAG_FAMILY_ID = 0x00002000

RP2040_FAMILY = 0xE48BFF56
RP2040_PAYLOAD = 256
XIP_BASE = 0x10000000  # the RP2040 maps its flash here: a flash offset is XIP_BASE + offset
RP2_LITTLEFS = littlefs.PORT_SETTINGS["rp2"]
HEADER = struct.pack("<II", MAGIC_START0, MAGIC_START1)


@dataclass(frozen=True)
class Uf2Block:
    """One block: where its payload goes, and the header fields around it."""

    address: int
    payload: bytes
    flags: int = FLAG_FAMILY_ID
    family: int | None = None  # family id, when flags has FLAG_FAMILY_ID
    block_no: int = 0
    num_blocks: int = 0

    @property
    def main_flash(self) -> bool:
        return not self.flags & FLAG_NOT_MAIN_FLASH


# ---------------------------------------------------------------- reading


def read_uf2(data: bytes, name: str = "the image") -> list[Uf2Block]:
    """Every block of a UF2 file; FirmwareError naming `name` if it is not one."""
    if not data or len(data) % BLOCK_SIZE:
        raise FirmwareError(
            f"{name} is truncated or corrupt: {len(data)} bytes is not a whole number of {BLOCK_SIZE}-byte UF2 blocks",
            hint="download it again, or check it is a .uf2",
        )
    blocks = []
    for index in range(len(data) // BLOCK_SIZE):
        raw = data[index * BLOCK_SIZE : (index + 1) * BLOCK_SIZE]
        m0, m1, flags, address, size, block_no, num_blocks, extra = struct.unpack_from("<8I", raw)
        (m_end,) = struct.unpack_from("<I", raw, BLOCK_SIZE - 4)
        if (m0, m1, m_end) != (MAGIC_START0, MAGIC_START1, MAGIC_END):
            raise FirmwareError(
                f"{name}: block {index} has a wrong UF2 magic number",
                hint="the file is corrupt or not a UF2 image; download it again",
            )
        if size > DATA_SIZE:
            raise FirmwareError(
                f"{name}: block {index} claims {size} bytes of data (at most {DATA_SIZE})",
                hint="the file is corrupt; download it again",
            )
        blocks.append(
            Uf2Block(
                address=address,
                payload=raw[32 : 32 + size],
                flags=flags,
                family=extra if flags & FLAG_FAMILY_ID else None,
                block_no=block_no,
                num_blocks=num_blocks,
            )
        )
    return blocks


def check_numbering(blocks: list[Uf2Block], name: str = "the image") -> None:
    """Refuse a truncated or spliced file: each run numbered 0..n-1 of n, complete."""
    expected_no, run_total = 0, None
    for index, block in enumerate(blocks):
        if run_total is None or expected_no == run_total:
            if block.block_no != 0:
                raise FirmwareError(
                    f"{name}: block {index} is numbered {block.block_no}, expected 0",
                    hint="the file is truncated or spliced; download it again",
                )
            expected_no, run_total = 0, block.num_blocks
        if block.block_no != expected_no or block.num_blocks != run_total or block.block_no >= block.num_blocks:
            raise FirmwareError(
                f"{name}: block {index} is numbered {block.block_no} of {block.num_blocks}, "
                f"expected {expected_no} of {run_total}",
                hint="the file is truncated or spliced; download it again",
            )
        expected_no += 1
    if run_total is None or expected_no != run_total:
        raise FirmwareError(f"{name} is truncated: {expected_no} of {run_total} UF2 blocks", hint="download it again")


def uf2_blocks(data: bytes) -> list[tuple[int, bytes]]:
    """(address, payload) of each block that goes to main flash, in file order."""
    return [(b.address, b.payload) for b in read_uf2(data) if b.main_flash]


def families_of(blocks: list[Uf2Block]) -> set[int | None]:
    """The family ids of the main-flash blocks (None for a block without one)."""
    return {b.family for b in blocks if b.main_flash}


def uf2_family(data: bytes) -> int | None:
    """The family id of a UF2 file's main-flash blocks (FirmwareError if they disagree)."""
    families = families_of(read_uf2(data))
    if len(families) > 1:
        listed = ", ".join(f"{f:#010x}" if f is not None else "none" for f in families)
        raise FirmwareError(f"this UF2 image mixes families ({listed})", hint="use an image built for one chip")
    return families.pop() if families else None


def flash_bytes(data: bytes, start: int, size: int, fill: int = 0xFF) -> bytes:
    """The bytes a UF2 file puts in [start, start + size) (fill where it writes nothing)."""
    out = bytearray([fill]) * size
    for address, payload in uf2_blocks(data):
        lo, hi = max(address, start), min(address + len(payload), start + size)
        if lo < hi:
            out[lo - start : hi - start] = payload[lo - address : hi - address]
    return bytes(out)


# ---------------------------------------------------------------- writing


def _pack(block: Uf2Block, block_no: int, num_blocks: int) -> bytes:
    flags = block.flags | (FLAG_FAMILY_ID if block.family is not None else 0)
    header = struct.pack(
        "<8I",
        MAGIC_START0,
        MAGIC_START1,
        flags,
        block.address,
        len(block.payload),
        block_no,
        num_blocks,
        block.family if block.family is not None else 0,
    )
    return header + block.payload.ljust(DATA_SIZE, b"\x00") + struct.pack("<I", MAGIC_END)


def pack_blocks(blocks: list[Uf2Block]) -> bytes:
    """Blocks as one UF2 file, numbered 0..n-1 of n (the boot ROM counts them to know it is done)."""
    total = len(blocks)
    return b"".join(_pack(block, number, total) for number, block in enumerate(blocks))


def pages(segments: list[tuple[int, bytes]], payload: int) -> list[tuple[int, bytes]]:
    """The segments cut into `payload`-sized pages at aligned addresses (gaps filled with 0xFF)."""
    out: dict[int, bytearray] = {}
    for address, data in segments:
        position = 0
        while position < len(data):
            at = address + position
            page = at - at % payload
            chunk = data[position : position + page + payload - at]
            buf = out.setdefault(page, bytearray(b"\xff" * payload))
            buf[at - page : at - page + len(chunk)] = chunk
            position += len(chunk)
    return [(page, bytes(out[page])) for page in sorted(out)]


def to_uf2(segments: list[tuple[int, bytes]], family: int, payload: int = RP2040_PAYLOAD) -> bytes:
    """A UF2 file writing `segments` ((address, bytes) pairs) for this family id."""
    if not 0 < payload <= DATA_SIZE:
        raise InvalidInput(f"a UF2 payload is 1..{DATA_SIZE} bytes, not {payload}")
    blocks = [Uf2Block(address=a, payload=p, family=family) for a, p in pages(segments, payload)]
    if not blocks:
        raise InvalidInput("nothing to put in the UF2 image")
    return pack_blocks(blocks)


# ---------------------------------------------------------------- the RP2040 kit: UF2 + littlefs2
# MicroPython's rp2 port keeps a littlefs2 filesystem at the end of flash (RPI_PICO: 1408 KB
# at offset 0xa0000); the kit appends it to the firmware's blocks: one drag-and-drop.


def littlefs_image(files: dict[str, bytes], size: int, block_size: int = 4096) -> bytes:
    """A littlefs2 image of `size` bytes holding `files`, as MicroPython's rp2 port mounts it."""
    return littlefs.build_image(files, size, RP2_LITTLEFS, block_size)


def read_littlefs_files(image: bytes, block_size: int = 4096) -> dict[str, bytes]:
    """The files in an rp2-port littlefs2 image (path -> bytes), for checks and tests."""
    return littlefs.read_image(image, RP2_LITTLEFS, block_size)


def add_littlefs_to_uf2(
    firmware_uf2: bytes, files: dict[str, bytes], fs_offset: int | None, fs_size: int | None, block_size: int = 4096
) -> bytes:
    """The firmware's UF2 blocks, unchanged, then the filesystem region as a littlefs2 image.

    fs_offset is the flash offset of the filesystem, or its XIP address (>= 0x10000000, as
    boards/*.toml give it). The whole region is written, erased blocks included, so nothing
    of an older filesystem in that flash survives to confuse littlefs. All blocks are
    renumbered as one run (the boot ROM counts blocks per file).
    """
    if fs_offset is None or fs_size is None:
        raise InvalidInput(
            "this board's filesystem offset and size are not known",
            hint="give [fs] offset and size in its boards/*.toml",
        )
    address = fs_offset if fs_offset >= XIP_BASE else XIP_BASE + fs_offset
    firmware = read_uf2(firmware_uf2, "the firmware UF2")
    main = [b for b in firmware if b.main_flash]
    families = {b.family for b in main}
    if len(families) != 1 or None in families:
        raise FirmwareError("the firmware UF2 has no single family id", hint="use MicroPython's .uf2 for this board")
    family = families.pop()
    for block in main:
        if block.address < address + fs_size and block.address + len(block.payload) > address:
            raise FirmwareError(
                f"the firmware writes {block.address:#x}, inside the filesystem region "
                f"{address:#x}-{address + fs_size:#x}",
                hint="the board's [fs] offset does not match this firmware",
            )
    image = littlefs_image(files, fs_size, block_size)
    fs_blocks = [Uf2Block(address=a, payload=p, family=family) for a, p in pages([(address, image)], RP2040_PAYLOAD)]
    return pack_blocks(firmware + fs_blocks)


# ---------------------------------------------------------------- the format


class Uf2Format(ImageFormat):
    """UF2: what the RP2040 boot ROM's RPI-RP2 drive (and other UF2 bootloaders) take."""

    name = "uf2"
    suffix = ".uf2"
    title = "a UF2 image"

    def matches(self, data: bytes) -> bool:
        return len(data) >= BLOCK_SIZE and data[:8] == HEADER

    def check_data(
        self, name: str, data: bytes, *, chip: str | None = None, uf2_family: int | None = None
    ) -> ImageInfo:
        """Whole blocks with all three magics, numbered runs, and the board's family id."""
        blocks = read_uf2(data, name)
        check_numbering(blocks, name)
        main = [b for b in blocks if b.main_flash]
        for block in main:
            if block.family is not None and uf2_family is not None and block.family != uf2_family:
                raise FirmwareError(
                    f"{name} is for UF2 family {block.family:#010x}, not this board's {uf2_family:#010x}",
                    hint="pick the firmware made for this board (see `boardkit boards`)",
                )
        families = sorted(f for f in families_of(blocks) if f is not None)
        details = {
            "blocks": len(blocks),
            "families": [f"{f:#010x}" for f in families],
            "start": min((b.address for b in main), default=None),
            "end": max((b.address + len(b.payload) for b in main), default=0),
        }
        return ImageInfo(format=self.name, size=len(data), chip=chip, details=details)

    def build_kit(self, firmware: Path, files: dict[str, bytes], board: Board) -> bytes:
        return add_littlefs_to_uf2(
            firmware.read_bytes(), files, board.fs.offset, board.fs.size, block_size=board.fs.block_size or 4096
        )
