"""The RP2040 kit: MicroPython's UF2 plus a littlefs2 filesystem image, one drag-and-drop.

The RP2040 boot ROM (its RPI-RP2 drive) takes 256-byte payloads at 256-byte aligned
addresses, family 0xe48bff56. Flash is mapped at 0x10000000 (XIP), so a flash offset
becomes the address 0x10000000 + offset. MicroPython's rp2 port keeps a littlefs2
filesystem at the end of flash (RPI_PICO: 1408 KB at offset 0xa0000), mounted with the rp2
settings in boardkit.firmware.littlefs.

The UF2 parser and writer are boardkit.firmware.formats.uf2; their names are re-exported
here for callers that import them from this module.
"""

from __future__ import annotations

from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware import littlefs
from boardkit.firmware.formats.uf2 import (BLOCK_SIZE, DATA_SIZE, FLAG_FAMILY_ID, FLAG_NOT_MAIN_FLASH, MAGIC_END,
                                           MAGIC_START0, MAGIC_START1, RP2040_FAMILY, RP2040_PAYLOAD, Uf2Block,
                                           flash_bytes, pack_blocks, pages, read_uf2, to_uf2, uf2_blocks,
                                           uf2_family)

__all__ = [
    "BLOCK_SIZE", "DATA_SIZE", "FLAG_FAMILY_ID", "FLAG_NOT_MAIN_FLASH", "MAGIC_END", "MAGIC_START0", "MAGIC_START1",
    "RP2040_FAMILY", "RP2040_PAYLOAD", "XIP_BASE", "Uf2Block", "add_littlefs_to_uf2", "flash_bytes",
    "littlefs_image", "pack_blocks", "read_littlefs_files", "read_uf2", "to_uf2", "uf2_blocks", "uf2_family",
]

XIP_BASE = 0x10000000
SETTINGS = littlefs.PORT_SETTINGS["rp2"]


def littlefs_image(files: dict[str, bytes], size: int, block_size: int = 4096) -> bytes:
    """A littlefs2 image of `size` bytes holding `files`, as MicroPython's rp2 port mounts it."""
    return littlefs.build_image(files, size, SETTINGS, block_size)


def read_littlefs_files(image: bytes, block_size: int = 4096) -> dict[str, bytes]:
    """The files in an rp2-port littlefs2 image (path -> bytes), for checks and tests."""
    return littlefs.read_image(image, SETTINGS, block_size)


def add_littlefs_to_uf2(firmware_uf2: bytes, files: dict[str, bytes], fs_offset: int | None, fs_size: int | None,
                        block_size: int = 4096) -> bytes:
    """The firmware's UF2 blocks, unchanged, then the filesystem region as a littlefs2 image.

    fs_offset is the flash offset of the filesystem, or its XIP address (>= 0x10000000, as
    boards/*.toml give it). The whole region is written, erased blocks included, so nothing
    of an older filesystem in that flash survives to confuse littlefs. All blocks are
    renumbered as one run (the boot ROM counts blocks per file).
    """
    if fs_offset is None or fs_size is None:
        raise InvalidInput("this board's filesystem offset and size are not known",
                           hint="give [fs] offset and size in its boards/*.toml")
    address = fs_offset if fs_offset >= XIP_BASE else XIP_BASE + fs_offset
    firmware = read_uf2(firmware_uf2, "the firmware UF2")
    main = [b for b in firmware if b.main_flash]
    families = {b.family for b in main}
    if len(families) != 1 or None in families:
        raise FirmwareError("the firmware UF2 has no single family id",
                            hint="use MicroPython's .uf2 for this board")
    family = families.pop()
    for block in main:
        if block.address < address + fs_size and block.address + len(block.payload) > address:
            raise FirmwareError(f"the firmware writes {block.address:#x}, inside the filesystem region "
                                f"{address:#x}-{address + fs_size:#x}",
                                hint="the board's [fs] offset does not match this firmware")
    image = littlefs_image(files, fs_size, block_size)
    fs_blocks = [Uf2Block(address=a, payload=p, family=family) for a, p in pages([(address, image)], RP2040_PAYLOAD)]
    return pack_blocks(firmware + fs_blocks)
