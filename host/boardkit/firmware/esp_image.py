"""ESP32-family kit images: MicroPython's merged .bin with a littlefs2 filesystem of the
kit's files in the "vfs" partition the firmware's own partition table names.

    kit = build_esp_kit(firmware, {"main.py": b"...", "lib/x.py": b"..."}, "esp32", 4 << 20)
    files = read_kit_files(kit, chip="esp32")

The format itself (headers, checks) is boardkit.firmware.formats.esp; partition tables are
boardkit.firmware.esp_partitions; the names below are re-exported from there for callers
that import them from here.
"""

from __future__ import annotations

from boardkit.chips import chips_of_family
from boardkit.errors import FirmwareError
from boardkit.firmware import littlefs
from boardkit.firmware.esp_partitions import (APP_OFFSET, FS_SUBTYPES, PARTITION_MAGIC,
                                              PARTITION_MD5_MAGIC, PARTITION_TABLE_OFFSET,
                                              PARTITION_TABLE_SIZE, SUBTYPE_FACTORY, SUBTYPE_FAT,
                                              SUBTYPE_LITTLEFS, SUBTYPE_NVS, SUBTYPE_PHY, SUBTYPE_SPIFFS,
                                              TYPE_APP, TYPE_DATA, Partition, build_partition_table,
                                              micropython_partitions, read_partition_table, vfs_partition)
from boardkit.firmware.esp_synthetic import build_synthetic_firmware
from boardkit.firmware.formats.esp import ESP_APP_DESC_MAGIC, image_chip, merged_base

__all__ = [
    "APP_OFFSET", "CHIPS", "ESP_APP_DESC_MAGIC", "FS_SUBTYPES", "LFS_BLOCK_SIZE", "PARTITION_MAGIC",
    "PARTITION_MD5_MAGIC", "PARTITION_TABLE_OFFSET", "PARTITION_TABLE_SIZE", "SUBTYPE_FACTORY", "SUBTYPE_FAT",
    "SUBTYPE_LITTLEFS", "SUBTYPE_NVS", "SUBTYPE_PHY", "SUBTYPE_SPIFFS", "TYPE_APP", "TYPE_DATA", "Partition",
    "build_esp_kit", "build_littlefs", "build_partition_table", "build_synthetic_firmware", "image_chip",
    "merged_base", "micropython_partitions", "read_kit_files", "read_littlefs", "read_partition_table",
    "vfs_partition",
]

CHIPS = chips_of_family("esp")
LFS_BLOCK_SIZE = littlefs.BLOCK_SIZE
SETTINGS = littlefs.PORT_SETTINGS["esp32"]


def build_littlefs(files: dict[str, bytes], size: int, block_size: int = LFS_BLOCK_SIZE) -> bytes:
    """A littlefs2 image of `size` bytes holding `files`, as MicroPython's esp32 port mounts it."""
    return littlefs.build_image(files, size, SETTINGS, block_size)


def read_littlefs(data: bytes, block_size: int = LFS_BLOCK_SIZE) -> dict[str, bytes]:
    """Every file in an esp32-port littlefs2 image, by board path (no leading '/')."""
    return littlefs.read_image(data, SETTINGS, block_size)


def build_esp_kit(firmware: bytes, files: dict[str, bytes], chip: str, flash_size: int) -> bytes:
    """A merged .bin: the firmware, then a littlefs2 image of `files` in its "vfs" partition.

    The filesystem goes where the firmware's own partition table says (relative to the
    merged base); trailing erased blocks are left off (littlefs never reads unused blocks).
    """
    built_for = image_chip(firmware)
    if built_for != chip:
        raise FirmwareError(f"the firmware is built for {built_for or 'no known chip'}, not {chip}",
                            hint="pick the firmware made for this board")
    base = merged_base(chip)
    vfs = vfs_partition(read_partition_table(firmware, PARTITION_TABLE_OFFSET - base))
    if vfs.offset + vfs.size > flash_size:
        raise FirmwareError(f"the firmware's vfs partition ends at {vfs.offset + vfs.size:#x}, "
                            f"beyond the board's {flash_size // (1024 * 1024)} MB flash",
                            hint="use the firmware build for this board's flash size")
    start = vfs.offset - base
    if len(firmware) > start:
        raise FirmwareError(f"the firmware ({len(firmware)} bytes) runs into its own vfs partition at {vfs.offset:#x}",
                            hint="the image is not a plain MicroPython merged image")
    fs_image = build_littlefs(files, vfs.size).rstrip(b"\xff")
    fs_image += b"\xff" * (-len(fs_image) % LFS_BLOCK_SIZE)
    return firmware + b"\xff" * (start - len(firmware)) + fs_image


def read_kit_files(image: bytes, chip: str = "esp32", *, base: int | None = None) -> dict[str, bytes]:
    """The files in the vfs partition of a merged image (a kit, or flash read back from a board).

    `base` is the flash address of image[0]: the chip's merged base for a .bin, 0 for a
    whole-flash dump.
    """
    base = merged_base(chip) if base is None else base
    vfs = vfs_partition(read_partition_table(image, PARTITION_TABLE_OFFSET - base))
    start = vfs.offset - base
    data = bytes(image[start:start + vfs.size])
    if not data:
        raise FirmwareError("the image has no filesystem (it ends before the vfs partition)",
                            hint="this is a plain firmware image, not a kit")
    return read_littlefs(data.ljust(vfs.size, b"\xff"))
