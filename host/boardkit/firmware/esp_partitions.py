"""ESP-IDF partition tables: read, build, and find the filesystem partition.

The binary table lives at 0x8000 in flash (CONFIG_PARTITION_TABLE_OFFSET): 32-byte entries
(magic 0xAA50, type, subtype, offset, size, label, flags), then an MD5 entry (0xEBEB).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

from boardkit.errors import FirmwareError

PARTITION_TABLE_OFFSET = 0x8000
PARTITION_TABLE_SIZE = 0xC00
PARTITION_MAGIC = b"\xaa\x50"
PARTITION_MD5_MAGIC = b"\xeb\xeb"
APP_OFFSET = 0x10000

TYPE_APP, TYPE_DATA = 0x00, 0x01
SUBTYPE_FACTORY = 0x00
SUBTYPE_PHY, SUBTYPE_NVS, SUBTYPE_FAT, SUBTYPE_SPIFFS, SUBTYPE_LITTLEFS = 0x01, 0x02, 0x81, 0x82, 0x83
FS_SUBTYPES = (SUBTYPE_FAT, SUBTYPE_SPIFFS, SUBTYPE_LITTLEFS)


@dataclass(frozen=True)
class Partition:
    """One entry of a partition table."""

    name: str
    type: int
    subtype: int
    offset: int
    size: int
    flags: int = 0


def read_partition_table(data: bytes, offset: int = PARTITION_TABLE_OFFSET) -> list[Partition]:
    """The partitions of the ESP-IDF binary partition table at `offset` in `data`."""
    table = bytes(data[offset : offset + PARTITION_TABLE_SIZE])
    if table[:2] != PARTITION_MAGIC:
        raise FirmwareError(
            f"no partition table at {offset:#x}",
            hint="this is not a merged ESP-IDF image (or not at the offset expected)",
        )
    partitions = []
    for at in range(0, len(table) - 31, 32):
        entry = table[at : at + 32]
        if entry[:2] == PARTITION_MAGIC:
            _, ptype, subtype, poffset, size, label, flags = struct.unpack("<2sBBII16sI", entry)
            name = label.split(b"\x00")[0].decode("ascii", "replace")
            partitions.append(Partition(name, ptype, subtype, poffset, size, flags))
        elif entry[:2] == PARTITION_MD5_MAGIC:
            if hashlib.md5(table[:at]).digest() != entry[16:]:
                raise FirmwareError(
                    "the partition table fails its MD5 check", hint="the image is corrupt; download it again"
                )
        elif entry == b"\xff" * 32:
            break
        else:
            raise FirmwareError(
                f"the partition table is corrupt (entry {at // 32})", hint="the image is corrupt; download it again"
            )
    return partitions


def build_partition_table(partitions: list[Partition]) -> bytes:
    """The binary table (with its MD5 entry), padded with 0xFF to 0xC00 bytes."""
    table = b""
    for p in partitions:
        label = p.name.encode("ascii")
        if len(label) > 16:
            raise FirmwareError(f"partition name {p.name!r} is longer than 16 bytes")
        table += struct.pack(
            "<2sBBII16sI", PARTITION_MAGIC, p.type, p.subtype, p.offset, p.size, label.ljust(16, b"\x00"), p.flags
        )
    table += PARTITION_MD5_MAGIC + b"\xff" * 14 + hashlib.md5(table).digest()
    return table.ljust(PARTITION_TABLE_SIZE, b"\xff")


def micropython_partitions(flash_size: int = 4 * 1024 * 1024) -> list[Partition]:
    """MicroPython's ports/esp32 layout (partitions-4MiB.csv and its larger siblings)."""
    app_size = 0x1F0000
    return [
        Partition("nvs", TYPE_DATA, SUBTYPE_NVS, 0x9000, 0x6000),
        Partition("phy_init", TYPE_DATA, SUBTYPE_PHY, 0xF000, 0x1000),
        Partition("factory", TYPE_APP, SUBTYPE_FACTORY, APP_OFFSET, app_size),
        Partition("vfs", TYPE_DATA, SUBTYPE_FAT, APP_OFFSET + app_size, flash_size - APP_OFFSET - app_size),
    ]


def vfs_partition(partitions: list[Partition]) -> Partition:
    """The filesystem partition MicroPython mounts: "vfs", else the first fat/littlefs data partition."""
    data = [p for p in partitions if p.type == TYPE_DATA and p.subtype in FS_SUBTYPES]
    for p in data:
        if p.name == "vfs":
            return p
    if data:
        return data[0]
    raise FirmwareError(
        "the firmware's partition table has no filesystem partition",
        hint="a kit needs a firmware with a 'vfs' data partition (MicroPython's standard layout)",
    )
