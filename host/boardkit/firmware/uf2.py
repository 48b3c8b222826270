"""UF2 images and the RP2040 kit, as callers import them: all of it lives in
boardkit.firmware.formats.uf2 (the one UF2 parser and writer, the "uf2" format, the kit).
"""

from __future__ import annotations

from boardkit.firmware.formats.uf2 import (
    BLOCK_SIZE,
    DATA_SIZE,
    FLAG_FAMILY_ID,
    FLAG_NOT_MAIN_FLASH,
    MAGIC_END,
    MAGIC_START0,
    MAGIC_START1,
    RP2040_FAMILY,
    RP2040_PAYLOAD,
    XIP_BASE,
    Uf2Block,
    add_littlefs_to_uf2,
    flash_bytes,
    littlefs_image,
    pack_blocks,
    pages,
    read_littlefs_files,
    read_uf2,
    to_uf2,
    uf2_blocks,
    uf2_family,
)

__all__ = [
    "BLOCK_SIZE",
    "DATA_SIZE",
    "FLAG_FAMILY_ID",
    "FLAG_NOT_MAIN_FLASH",
    "MAGIC_END",
    "MAGIC_START0",
    "MAGIC_START1",
    "RP2040_FAMILY",
    "RP2040_PAYLOAD",
    "XIP_BASE",
    "Uf2Block",
    "add_littlefs_to_uf2",
    "flash_bytes",
    "littlefs_image",
    "pack_blocks",
    "pages",
    "read_littlefs_files",
    "read_uf2",
    "to_uf2",
    "uf2_blocks",
    "uf2_family",
]
