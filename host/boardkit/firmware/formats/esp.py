"""ESP-IDF firmware images ("esp-bin"), the ESP32 family's format, checked with esptool.

- An image starts with the header magic 0xE9; its extended header names the chip id.
- A merged image (bootloader + partition table + app, as MicroPython publishes and as
  `esptool merge-bin` makes) is followed through its partition table to the app; both the
  bootloader and the app are parsed by esptool's own loader, and their XOR checksum and
  appended SHA-256 checked.
- Offsets inside a merged .bin are relative to its base: where the ROM loads the
  second-stage bootloader from (0x1000 on the ESP32, 0x0 on the S3 and C3).
- A kit is the merged image with a littlefs2 filesystem of the kit's files in the "vfs"
  partition the firmware's own partition table names (MicroPython's esp32 littlefs settings).
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.chips import chips_of_family
from boardkit.errors import FirmwareError
from boardkit.firmware import littlefs
from boardkit.firmware.esp_partitions import (
    PARTITION_MAGIC,
    PARTITION_TABLE_OFFSET,
    read_partition_table,
    vfs_partition,
)
from boardkit.firmware.formats import ImageFormat, ImageInfo

if TYPE_CHECKING:
    from boardkit.boards import Board

IMAGE_MAGIC = 0xE9
ESP_APP_DESC_MAGIC = 0xABCD5432
LFS_BLOCK_SIZE = littlefs.BLOCK_SIZE
LFS_SETTINGS = littlefs.PORT_SETTINGS["esp32"]


def _rom_classes() -> dict[str, Any]:
    """esptool's ROM classes with an image chip id, by chip name (esptool knows more chips than we flash)."""
    from esptool.targets import CHIP_DEFS

    return {name: cls for name, cls in CHIP_DEFS.items() if getattr(cls, "IMAGE_CHIP_ID", None) is not None}


def rom_class(chip: str) -> Any:
    """esptool's ROM class for one of our ESP chips."""
    if chip not in chips_of_family("esp"):
        raise FirmwareError(f"unknown ESP chip '{chip}'", hint=f"one of: {', '.join(chips_of_family('esp'))}")
    return _rom_classes()[chip]


def merged_base(chip: str) -> int:
    """Where a merged image for this chip starts in flash (where the ROM finds the bootloader)."""
    return int(rom_class(chip).BOOTLOADER_FLASH_OFFSET)


def chip_for_id(chip_id: int) -> str | None:
    """The esptool chip name for an image header's chip id, or None."""
    for name, cls in _rom_classes().items():
        if cls.IMAGE_CHIP_ID == chip_id:
            return name
    return None


def image_chip(data: bytes) -> str | None:
    """The chip of ours an ESP-IDF image header says it is for, or None."""
    if len(data) < 24 or data[0] != IMAGE_MAGIC:
        return None
    found = chip_for_id(struct.unpack_from("<H", data, 12)[0])
    return found if found in chips_of_family("esp") else None


class EspBinFormat(ImageFormat):
    """ESP-IDF images: a lone app, or a merged image with bootloader and partition table."""

    name = "esp-bin"
    suffix = ".bin"
    title = "an ESP32 firmware image"

    def matches(self, data: bytes) -> bool:
        return len(data) >= 24 and data[0] == IMAGE_MAGIC

    def declared_chip(self, data: bytes) -> str | None:
        return image_chip(data)

    def check_data(
        self, name: str, data: bytes, *, chip: str | None = None, uf2_family: int | None = None
    ) -> ImageInfo:
        if data[0] != IMAGE_MAGIC:
            raise FirmwareError(
                f"{name} is not an ESP32 image (first byte {data[0]:#04x}, expected 0xe9)",
                hint="download it again, or check it is the .bin for this board",
            )
        if len(data) < 24:
            raise FirmwareError(
                f"{name} is truncated ({len(data)} bytes: not even an image header)", hint="download it again"
            )
        chip_id = struct.unpack_from("<H", data, 12)[0]
        built_for = chip_for_id(chip_id)
        if built_for is None:
            raise FirmwareError(
                f"{name} has an unknown chip id {chip_id} in its header",
                hint="it is corrupt or not an ESP-IDF image; download it again",
            )
        if chip is not None and built_for != chip:
            raise FirmwareError(
                f"{name} is built for {built_for}, not for this board's {chip}",
                hint="pick the firmware made for this board (see `boardkit boards`)",
            )
        base = _rom_classes()[built_for].BOOTLOADER_FLASH_OFFSET
        details: dict[str, Any] = {"chip_id": chip_id, "flash_base": base}
        table_at = PARTITION_TABLE_OFFSET - base
        if len(data) > table_at + 32 and data[table_at : table_at + 2] == PARTITION_MAGIC:
            details.update(_check_merged(name, data, table_at, base, built_for))
        else:
            details.update(merged=False, **_esp_app(name, "image", data, built_for))
        return ImageInfo(format=self.name, size=len(data), chip=built_for, details=details)

    def check_whole(self, name: str, info: ImageInfo, offset: int) -> None:
        # MicroPython's ESP32 releases are whole images: bootloader, partition table, app.
        # A lone image where a merged one belongs is what is left of a truncated download.
        if info.details.get("merged") is False and offset == info.details.get("flash_base"):
            raise FirmwareError(
                f"{name} is not a whole firmware image: no partition table at 0x8000",
                hint="it may be truncated; download it again",
            )

    def build_kit(self, firmware: Path, files: dict[str, bytes], board: Board) -> bytes:
        return build_esp_kit(firmware.read_bytes(), files, board.chip, board.flash_size)


# ---------------------------------------------------------------- kits: the firmware + a littlefs2 filesystem


def build_littlefs(files: dict[str, bytes], size: int, block_size: int = LFS_BLOCK_SIZE) -> bytes:
    """A littlefs2 image of `size` bytes holding `files`, as MicroPython's esp32 port mounts it."""
    return littlefs.build_image(files, size, LFS_SETTINGS, block_size)


def read_littlefs(data: bytes, block_size: int = LFS_BLOCK_SIZE) -> dict[str, bytes]:
    """Every file in an esp32-port littlefs2 image, by board path (no leading '/')."""
    return littlefs.read_image(data, LFS_SETTINGS, block_size)


def build_esp_kit(firmware: bytes, files: dict[str, bytes], chip: str, flash_size: int) -> bytes:
    """A merged .bin: the firmware, then a littlefs2 image of `files` in its "vfs" partition.

    The filesystem goes where the firmware's own partition table says (relative to the
    merged base); trailing erased blocks are left off (littlefs never reads unused blocks).
    """
    built_for = image_chip(firmware)
    if built_for != chip:
        raise FirmwareError(
            f"the firmware is built for {built_for or 'no known chip'}, not {chip}",
            hint="pick the firmware made for this board",
        )
    base = merged_base(chip)
    vfs = vfs_partition(read_partition_table(firmware, PARTITION_TABLE_OFFSET - base))
    if vfs.offset + vfs.size > flash_size:
        raise FirmwareError(
            f"the firmware's vfs partition ends at {vfs.offset + vfs.size:#x}, "
            f"beyond the board's {flash_size // (1024 * 1024)} MB flash",
            hint="use the firmware build for this board's flash size",
        )
    start = vfs.offset - base
    if len(firmware) > start:
        raise FirmwareError(
            f"the firmware ({len(firmware)} bytes) runs into its own vfs partition at {vfs.offset:#x}",
            hint="the image is not a plain MicroPython merged image",
        )
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
    data = bytes(image[start : start + vfs.size])
    if not data:
        raise FirmwareError(
            "the image has no filesystem (it ends before the vfs partition)",
            hint="this is a plain firmware image, not a kit",
        )
    return read_littlefs(data.ljust(vfs.size, b"\xff"))


# ---------------------------------------------------------------- checks


def _check_merged(name: str, data: bytes, table_at: int, base: int, chip: str) -> dict[str, Any]:
    try:
        partitions = read_partition_table(data[table_at : table_at + 0xC00], offset=0)
    except FirmwareError as exc:
        raise FirmwareError(f"{name}: {exc}", hint=exc.hint) from None
    apps = [p for p in partitions if p.type == 0]
    if not apps:
        raise FirmwareError(
            f"{name}: its partition table has no app partition", hint="this is not a bootable MicroPython image"
        )
    app = next((p for p in apps if p.subtype == 0), apps[0])  # factory, else the first
    app_at = app.offset - base
    if app_at >= len(data):
        raise FirmwareError(
            f"{name} is truncated: its app partition at {app.offset:#x} is missing", hint="download it again"
        )
    _esp_app(name, "bootloader", data[:table_at], chip)
    app_info = _esp_app(name, "app", data[app_at:], chip)
    if app_info["length"] > app.size:
        raise FirmwareError(
            f"{name}: the app ({app_info['length']} bytes) does not fit its partition ({app.size} bytes)",
            hint="the image is corrupt; download it again",
        )
    app_info.pop("length", None)
    return {
        "merged": True,
        "app_offset": app.offset,
        "partitions": [
            {"label": p.name, "type": p.type, "subtype": p.subtype, "offset": p.offset, "size": p.size}
            for p in partitions
        ],
        **app_info,
    }


def _esp_app(name: str, part: str, data: bytes, chip: str) -> dict[str, Any]:
    """Parse one ESP-IDF image with esptool; check its checksum and appended SHA-256."""
    from esptool.bin_image import LoadFirmwareImage

    if not data or data[0] != IMAGE_MAGIC:
        raise FirmwareError(
            f"{name}: the {part} does not start with an ESP image header",
            hint="the image is corrupt or truncated; download it again",
        )
    try:
        image = LoadFirmwareImage(chip, bytes(data))
    except Exception as exc:  # esptool raises FatalError, struct.error, TypeError on short data
        raise FirmwareError(
            f"{name}: the {part} is truncated or corrupt ({_one_line(exc)})", hint="download it again"
        ) from None
    image_chip_id = getattr(image, "chip_id", None)
    if image_chip_id is not None and image_chip_id != image.ROM_LOADER.IMAGE_CHIP_ID:
        raise FirmwareError(
            f"{name}: the {part} is built for chip id {image_chip_id}, not {chip}",
            hint="pick the firmware made for this board",
        )
    if image.checksum != image.calculate_checksum():
        raise FirmwareError(
            f"{name}: the {part}'s checksum is wrong "
            f"(stored {image.checksum:#04x}, computed {image.calculate_checksum():#04x})",
            hint="the image is corrupt; download it again",
        )
    info: dict[str, Any] = {"segments": len(image.segments), "sha256_appended": bool(image.append_digest)}
    if image.append_digest and getattr(image, "stored_digest", b"") != getattr(image, "calc_digest", None):
        raise FirmwareError(
            f"{name}: the {part}'s appended SHA-256 does not match its contents",
            hint="the image is corrupt or truncated; download it again",
        )
    info["length"] = getattr(image, "data_length", None) or len(data)
    info.update(_app_desc(image))
    return info


def _app_desc(image: Any) -> dict[str, str]:
    """Version and project name from esp_app_desc_t, at the start of an app's first segment."""

    def text(data: bytes, start: int, end: int) -> str:
        return data[start:end].split(b"\x00")[0].decode("ascii", "replace")

    for seg in image.segments[:2]:
        if len(seg.data) >= 256 and struct.unpack_from("<I", seg.data, 0)[0] == ESP_APP_DESC_MAGIC:
            return {
                "app_version": text(seg.data, 16, 48),
                "project": text(seg.data, 48, 80),
                "idf": text(seg.data, 112, 144),
            }
    return {}


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
