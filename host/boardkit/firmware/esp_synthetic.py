"""Synthetic ESP32-family firmware for tests: valid in every format detail, runs nothing.

image = build_synthetic_firmware("esp32")    # a merged .bin: bootloader, table, app
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from typing import Any

from boardkit.errors import FirmwareError
from boardkit.firmware.esp_partitions import (
    APP_OFFSET,
    PARTITION_TABLE_OFFSET,
    PARTITION_TABLE_SIZE,
    build_partition_table,
    micropython_partitions,
)
from boardkit.firmware.formats.esp import ESP_APP_DESC_MAGIC, rom_class

APP_DESC_FMT = "<II8s32s32s16s16s32s32sHHB3s72s"


def _image_class(chip: str) -> Any:
    from esptool import bin_image

    return {
        "esp32": bin_image.ESP32FirmwareImage,
        "esp32s3": bin_image.ESP32S3FirmwareImage,
        "esp32c3": bin_image.ESP32C3FirmwareImage,
    }[chip]


# RAM where the second-stage bootloader and the app's IRAM/DRAM segments load, per chip.
_RAM = {
    "esp32": dict(boot_iram=0x40078000, boot_dram=0x3FFF0000, iram=0x40080000, dram=0x3FFB0000, max_rev=399),
    "esp32s3": dict(boot_iram=0x403C9000, boot_dram=0x3FCE3000, iram=0x40374000, dram=0x3FC88000, max_rev=99),
    "esp32c3": dict(boot_iram=0x403CE000, boot_dram=0x3FCD5000, iram=0x40380000, dram=0x3FC8C000, max_rev=199),
}


def _new_image(chip: str) -> tuple[Any, Callable[..., Any]]:
    from esptool.bin_image import ELFSection

    def segment(addr: int, data: bytes, name: bytes = b".synthetic") -> Any:
        return ELFSection(name, addr, data, flags=0)

    image = _image_class(chip)()
    image.flash_mode = 2  # DIO
    image.flash_size_freq = 0x20  # 4MB, 40 MHz
    image.min_rev, image.min_rev_full, image.max_rev_full = 0, 0, _RAM[chip]["max_rev"]
    return image, segment


def _app_desc(version: str) -> bytes:
    return struct.pack(
        APP_DESC_FMT,
        ESP_APP_DESC_MAGIC,
        0,
        b"",
        version.encode(),
        b"micropython",
        b"00:00:00",
        b"Dec  9 2025",
        b"v5.4.2",
        hashlib.sha256(version.encode()).digest(),
        0,
        99,
        16,
        b"",
        b"",
    )


def build_synthetic_firmware(chip: str = "esp32", version: str = "v1.27.0-synthetic") -> bytes:
    """A small merged image valid in every format detail, for tests (it runs nothing).

    Bootloader (RAM segments) at the chip's merged base, MicroPython's partition table at
    0x8000, an app at 0x10000 with an esp_app_desc_t, flash-mapped DROM/IROM segments,
    a correct checksum and an appended SHA-256. Offsets are relative to merged_base(chip).
    """
    rom = rom_class(chip)
    base = rom.BOOTLOADER_FLASH_OFFSET
    ram = _RAM[chip]

    boot, Segment = _new_image(chip)
    boot.entrypoint = ram["boot_iram"] + 0x10
    boot.segments = [
        Segment(ram["boot_dram"], b"SYNTHETIC BOOTLOADER (boardkit test image)\x00".ljust(64, b"\x00")),
        Segment(ram["boot_iram"], bytes(range(256)) * 4),
    ]
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
    image[0 : len(bootloader)] = bootloader
    table_at = PARTITION_TABLE_OFFSET - base
    if len(bootloader) > table_at:
        raise FirmwareError("synthetic bootloader too large")  # cannot happen with the segments above
    image[table_at : table_at + PARTITION_TABLE_SIZE] = build_partition_table(micropython_partitions())
    image[APP_OFFSET - base :] = app_bin
    return bytes(image)
