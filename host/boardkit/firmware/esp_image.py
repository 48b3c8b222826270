"""ESP32-family flash images: partition tables, synthetic firmware for tests, kit images.

A merged MicroPython image for the ESP32 family is what `esptool merge-bin` makes: the
second-stage bootloader at the chip's bootloader offset (0x1000 on the ESP32, 0x0 on the
S3 and C3), the partition table at 0x8000, the app at 0x10000. Offsets inside the merged
.bin are relative to its base (the bootloader offset).

    parts = read_partition_table(image, offset=0x8000 - merged_base("esp32"))
    kit = build_esp_kit(firmware, {"main.py": b"...", "lib/x.py": b"..."}, "esp32", 4 << 20)
    files = read_kit_files(kit, chip="esp32")

The filesystem in a kit is littlefs2 with MicroPython's settings for the ESP32 (extmod/vfs_lfs:
read/prog size 32, lookahead 32, block cycles 100; block size = the 4 KB flash sector),
in the "vfs" data partition the firmware's own partition table names.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import PurePosixPath

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

# MicroPython's extmod/vfs_lfs defaults for VfsLfs2 (readsize, progsize, lookahead) and its
# block_cycles; the block size is the flash erase sector.
LFS_BLOCK_SIZE = 4096
LFS_SETTINGS = dict(read_size=32, prog_size=32, lookahead_size=32, block_cycles=100, name_max=255,
                    disk_version=0x00020000)

CHIPS = ("esp32", "esp32s3", "esp32c3")

ESP_APP_DESC_MAGIC = 0xABCD5432
APP_DESC_FMT = "<II8s32s32s16s16s32s32sHHB3s72s"


@dataclass(frozen=True)
class Partition:
    name: str
    type: int
    subtype: int
    offset: int
    size: int
    flags: int = 0


def _rom_class(chip: str):
    from esptool.targets import CHIP_DEFS

    if chip not in CHIPS:
        raise FirmwareError(f"unknown ESP chip '{chip}'", hint=f"one of: {', '.join(CHIPS)}")
    return CHIP_DEFS[chip]


def merged_base(chip: str) -> int:
    """Where a merged image for this chip starts in flash (where the ROM finds the bootloader)."""
    return _rom_class(chip).BOOTLOADER_FLASH_OFFSET


def image_chip(data: bytes) -> str | None:
    """The chip an ESP-IDF image header (extended header chip id) says it is for, or None."""
    if len(data) < 24 or data[0] != 0xE9:
        return None
    chip_id = struct.unpack_from("<H", data, 12)[0]
    for chip in CHIPS:
        if _rom_class(chip).IMAGE_CHIP_ID == chip_id:
            return chip
    return None


# ---------------------------------------------------------------- partition table

def read_partition_table(data: bytes, offset: int = PARTITION_TABLE_OFFSET) -> list[Partition]:
    """The partitions of the ESP-IDF binary partition table at `offset` in `data`."""
    table = bytes(data[offset:offset + PARTITION_TABLE_SIZE])
    if table[:2] != PARTITION_MAGIC:
        raise FirmwareError(f"no partition table at {offset:#x}",
                            hint="this is not a merged ESP-IDF image (or not at the offset expected)")
    partitions = []
    for at in range(0, len(table) - 31, 32):
        entry = table[at:at + 32]
        if entry[:2] == PARTITION_MAGIC:
            _, ptype, subtype, poffset, size, label, flags = struct.unpack("<2sBBII16sI", entry)
            name = label.split(b"\x00")[0].decode("ascii", "replace")
            partitions.append(Partition(name, ptype, subtype, poffset, size, flags))
        elif entry[:2] == PARTITION_MD5_MAGIC:
            if hashlib.md5(table[:at]).digest() != entry[16:]:
                raise FirmwareError("the partition table fails its MD5 check",
                                    hint="the image is corrupt; download it again")
        elif entry == b"\xff" * 32:
            break
        else:
            raise FirmwareError(f"the partition table is corrupt (entry {at // 32})",
                                hint="the image is corrupt; download it again")
    return partitions


def build_partition_table(partitions: list[Partition]) -> bytes:
    """The binary table (with its MD5 entry), padded with 0xFF to 0xC00 bytes."""
    table = b""
    for p in partitions:
        label = p.name.encode("ascii")
        if len(label) > 16:
            raise FirmwareError(f"partition name {p.name!r} is longer than 16 bytes")
        table += struct.pack("<2sBBII16sI", PARTITION_MAGIC, p.type, p.subtype, p.offset, p.size,
                             label.ljust(16, b"\x00"), p.flags)
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
    raise FirmwareError("the firmware's partition table has no filesystem partition",
                        hint="a kit needs a firmware with a 'vfs' data partition (MicroPython's standard layout)")


# ---------------------------------------------------------------- synthetic firmware

def _image_class(chip: str):
    from esptool import bin_image

    return {"esp32": bin_image.ESP32FirmwareImage, "esp32s3": bin_image.ESP32S3FirmwareImage,
            "esp32c3": bin_image.ESP32C3FirmwareImage}[chip]


# RAM where the second-stage bootloader and the app's IRAM/DRAM segments load, per chip.
_RAM = {
    "esp32": dict(boot_iram=0x40078000, boot_dram=0x3FFF0000, iram=0x40080000, dram=0x3FFB0000, max_rev=399),
    "esp32s3": dict(boot_iram=0x403C9000, boot_dram=0x3FCE3000, iram=0x40374000, dram=0x3FC88000, max_rev=99),
    "esp32c3": dict(boot_iram=0x403CE000, boot_dram=0x3FCD5000, iram=0x40380000, dram=0x3FC8C000, max_rev=199),
}


def _new_image(chip: str):
    from esptool.bin_image import ELFSection

    def segment(addr: int, data: bytes, name: bytes = b".synthetic") -> ELFSection:
        return ELFSection(name, addr, data, flags=0)

    image = _image_class(chip)()
    image.flash_mode = 2          # DIO
    image.flash_size_freq = 0x20  # 4MB, 40 MHz
    image.min_rev, image.min_rev_full, image.max_rev_full = 0, 0, _RAM[chip]["max_rev"]
    return image, segment


def _app_desc(version: str) -> bytes:
    return struct.pack(APP_DESC_FMT, ESP_APP_DESC_MAGIC, 0, b"", version.encode(), b"micropython",
                       b"00:00:00", b"Dec  9 2025", b"v5.4.2", hashlib.sha256(version.encode()).digest(),
                       0, 99, 16, b"", b"")


def build_synthetic_firmware(chip: str = "esp32", version: str = "v1.27.0-synthetic") -> bytes:
    """A small merged image valid in every format detail, for tests (it runs nothing).

    Bootloader (RAM segments) at the chip's merged base, MicroPython's partition table at
    0x8000, an app at 0x10000 with an esp_app_desc_t, flash-mapped DROM/IROM segments,
    a correct checksum and an appended SHA-256. Offsets are relative to merged_base(chip).
    """
    rom = _rom_class(chip)
    base = rom.BOOTLOADER_FLASH_OFFSET
    ram = _RAM[chip]

    boot, Segment = _new_image(chip)
    boot.entrypoint = ram["boot_iram"] + 0x10
    boot.segments = [Segment(ram["boot_dram"], b"SYNTHETIC BOOTLOADER (boardkit test image)\x00".ljust(64, b"\x00")),
                     Segment(ram["boot_iram"], bytes(range(256)) * 4)]
    bootloader = boot.save(None)

    app, Segment = _new_image(chip)
    app.entrypoint = ram["iram"] + 0x100
    app.segments = [
        Segment(rom.DROM_MAP_START + 0x20, _app_desc(version) + b"synthetic rodata\x00".ljust(256, b"\x00")),
        Segment(rom.IROM_MAP_START + 0x10020, b"\x36\x41\x00\x1d\xf0" * 200),
        Segment(ram["iram"], b"\x00" * 512),
        Segment(ram["dram"], b"synthetic data\x00\x00" * 16),
    ]
    app_bin = app.save(None)

    image = bytearray(b"\xff" * (APP_OFFSET - base + len(app_bin)))
    image[0:len(bootloader)] = bootloader
    table_at = PARTITION_TABLE_OFFSET - base
    if len(bootloader) > table_at:
        raise FirmwareError("synthetic bootloader too large")  # cannot happen with the segments above
    image[table_at:table_at + PARTITION_TABLE_SIZE] = build_partition_table(micropython_partitions())
    image[APP_OFFSET - base:] = app_bin
    return bytes(image)


# ---------------------------------------------------------------- littlefs and kits

def build_littlefs(files: dict[str, bytes], size: int, block_size: int = LFS_BLOCK_SIZE) -> bytes:
    """A littlefs2 image of `size` bytes holding `files` (board paths, '/'-separated; folders made)."""
    import littlefs

    if size % block_size:
        raise FirmwareError(f"filesystem size {size:#x} is not a whole number of {block_size}-byte blocks")
    fs = littlefs.LittleFS(block_size=block_size, block_count=size // block_size, **LFS_SETTINGS)
    for name in sorted(files):
        path = PurePosixPath("/" + name.lstrip("/"))
        parent = str(path.parent)
        if parent != "/":
            fs.makedirs(parent, exist_ok=True)
        try:
            with fs.open(str(path), "wb") as f:
                f.write(files[name])
        except Exception as exc:  # littlefs.LittleFSError (no space, name too long, ...)
            raise FirmwareError(f"cannot put {name} in the {size // 1024} KB filesystem: {exc}",
                                hint="make the kit smaller") from None
    return bytes(fs.context.buffer)


def read_littlefs(data: bytes, block_size: int = LFS_BLOCK_SIZE) -> dict[str, bytes]:
    """Every file in a littlefs2 image, by board path (no leading '/')."""
    import littlefs

    size = len(data) - len(data) % block_size
    context = littlefs.UserContext(size)
    context.buffer[:] = data[:size]
    try:
        fs = littlefs.LittleFS(context=context, block_size=block_size, block_count=size // block_size,
                               **LFS_SETTINGS)
    except Exception as exc:
        raise FirmwareError(f"no littlefs2 filesystem here ({exc})",
                            hint="the partition is empty, corrupt or formatted as FAT") from None
    files: dict[str, bytes] = {}
    for root, _dirs, names in fs.walk("/"):
        for name in names:
            path = f"{root.rstrip('/')}/{name}"
            with fs.open(path, "rb") as f:
                files[path.lstrip("/")] = f.read()
    return files


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
