"""ESP32-family images, as callers import them: the format and kits (boardkit.firmware.formats.esp),
partition tables (boardkit.firmware.esp_partitions), synthetic firmware for tests
(boardkit.firmware.esp_synthetic).

    kit = build_esp_kit(firmware, {"main.py": b"...", "lib/x.py": b"..."}, "esp32", 4 << 20)
    files = read_kit_files(kit, chip="esp32")
"""

from __future__ import annotations

from boardkit.chips import chips_of_family
from boardkit.firmware.esp_partitions import (
    APP_OFFSET,
    FS_SUBTYPES,
    PARTITION_MAGIC,
    PARTITION_MD5_MAGIC,
    PARTITION_TABLE_OFFSET,
    PARTITION_TABLE_SIZE,
    SUBTYPE_FACTORY,
    SUBTYPE_FAT,
    SUBTYPE_LITTLEFS,
    SUBTYPE_NVS,
    SUBTYPE_PHY,
    SUBTYPE_SPIFFS,
    TYPE_APP,
    TYPE_DATA,
    Partition,
    build_partition_table,
    micropython_partitions,
    read_partition_table,
    vfs_partition,
)
from boardkit.firmware.esp_synthetic import build_synthetic_firmware
from boardkit.firmware.formats.esp import (
    ESP_APP_DESC_MAGIC,
    LFS_BLOCK_SIZE,
    LFS_SETTINGS,
    build_esp_kit,
    build_littlefs,
    image_chip,
    merged_base,
    read_kit_files,
    read_littlefs,
)

__all__ = [
    "APP_OFFSET",
    "CHIPS",
    "ESP_APP_DESC_MAGIC",
    "FS_SUBTYPES",
    "LFS_BLOCK_SIZE",
    "LFS_SETTINGS",
    "PARTITION_MAGIC",
    "PARTITION_MD5_MAGIC",
    "PARTITION_TABLE_OFFSET",
    "PARTITION_TABLE_SIZE",
    "SUBTYPE_FACTORY",
    "SUBTYPE_FAT",
    "SUBTYPE_LITTLEFS",
    "SUBTYPE_NVS",
    "SUBTYPE_PHY",
    "SUBTYPE_SPIFFS",
    "TYPE_APP",
    "TYPE_DATA",
    "Partition",
    "build_esp_kit",
    "build_littlefs",
    "build_partition_table",
    "build_synthetic_firmware",
    "image_chip",
    "merged_base",
    "micropython_partitions",
    "read_kit_files",
    "read_littlefs",
    "read_partition_table",
    "vfs_partition",
]

CHIPS = chips_of_family("esp")
