"""Is this file a whole, well-formed firmware image for this chip? One check per format.

- esp-bin: ESP-IDF image header (magic 0xE9, segments, chip id in the extended header),
  the XOR checksum and the appended SHA-256, through esptool's own image loader. A merged
  image (bootloader + partition table + app, as MicroPython publishes) is followed through
  its partition table to the app, and both the bootloader and the app are checked.
- uf2: 512-byte blocks, both start magics and the end magic, block numbering, family id.
- hex: Intel HEX record checksums and an end-of-file record (intelhex), data inside the chip's flash.
- virtual: nothing to check (the runtime is installed and verified by npm).

Every problem is a FirmwareError with a one-line message and a hint.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from boardkit.errors import FirmwareError

FORMATS = ("esp-bin", "uf2", "hex", "virtual")

# ESP-IDF: where the ROM loads the second-stage bootloader from, per chip (esptool's
# BOOTLOADER_FLASH_OFFSET), and where the partition table lives (CONFIG_PARTITION_TABLE_OFFSET).
ESP_PARTITION_TABLE_OFFSET = 0x8000
ESP_IMAGE_MAGIC = 0xE9
ESP_APP_DESC_MAGIC = 0xABCD5432
PARTITION_MAGIC = b"\xaa\x50"

UF2_MAGIC_START0 = 0x0A324655
UF2_MAGIC_START1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30
UF2_FLAG_NOT_MAIN_FLASH = 0x00000001
UF2_FLAG_FAMILY_ID = 0x00002000
UF2_BLOCK = 512
UF2_PAYLOAD_MAX = 476

# Flash (and the nRF UICR/FICR registers a hex may also set) per chip, for hex images.
HEX_REGIONS = {
    "nrf51822": [(0x0, 0x40000), (0x10000000, 0x10002000)],
    "nrf52833": [(0x0, 0x80000), (0x10000000, 0x10002000)],
}


@dataclass
class ImageInfo:
    format: str
    size: int
    chip: str | None = None
    details: dict = field(default_factory=dict)


def check_image(path: Path, fmt: str, chip: str | None = None, uf2_family: int | None = None) -> ImageInfo:
    """Check the image at `path`; raise FirmwareError if it is truncated, corrupt or for another chip."""
    path = Path(path)
    if fmt == "virtual":
        return ImageInfo(format=fmt, size=path.stat().st_size if path.is_file() else 0, chip=chip)
    if fmt not in FORMATS:
        raise FirmwareError(f"unknown image format '{fmt}'", hint=f"one of: {', '.join(FORMATS)}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FirmwareError(f"cannot read {path}: {exc.strerror or exc}", hint="check the path") from None
    if not data:
        raise FirmwareError(f"{path.name} is empty", hint="download or copy it again")
    if fmt == "esp-bin":
        return _check_esp(path.name, data, chip)
    if fmt == "uf2":
        return _check_uf2(path.name, data, uf2_family, chip)
    return _check_hex(path, data, chip)


# ---------------------------------------------------------------- ESP32 family

def _esp_chip_classes():
    from esptool.targets import CHIP_DEFS

    return {name: cls for name, cls in CHIP_DEFS.items() if getattr(cls, "IMAGE_CHIP_ID", None) is not None}


def _chip_for_id(chip_id: int) -> str | None:
    for name, cls in _esp_chip_classes().items():
        if cls.IMAGE_CHIP_ID == chip_id:
            return name
    return None


def _check_esp(name: str, data: bytes, chip: str | None) -> ImageInfo:
    if data[0] != ESP_IMAGE_MAGIC:
        raise FirmwareError(f"{name} is not an ESP32 image (first byte {data[0]:#04x}, expected 0xe9)",
                            hint="download it again, or check it is the .bin for this board")
    if len(data) < 24:
        raise FirmwareError(f"{name} is truncated ({len(data)} bytes: not even an image header)",
                            hint="download it again")
    chip_id = struct.unpack_from("<H", data, 12)[0]
    built_for = _chip_for_id(chip_id)
    if built_for is None:
        raise FirmwareError(f"{name} has an unknown chip id {chip_id} in its header",
                            hint="it is corrupt or not an ESP-IDF image; download it again")
    if chip is not None and built_for != chip:
        raise FirmwareError(f"{name} is built for {built_for}, not for this board's {chip}",
                            hint="pick the firmware made for this board (see `boardkit boards`)")
    base = _esp_chip_classes()[built_for].BOOTLOADER_FLASH_OFFSET
    details: dict = {"chip_id": chip_id, "flash_base": base}
    table_at = ESP_PARTITION_TABLE_OFFSET - base
    if len(data) > table_at + 32 and data[table_at:table_at + 2] == PARTITION_MAGIC:
        partitions = _partition_table(name, data[table_at:table_at + 0xC00])
        apps = [p for p in partitions if p["type"] == 0]
        if not apps:
            raise FirmwareError(f"{name}: its partition table has no app partition",
                                hint="this is not a bootable MicroPython image")
        app = next((p for p in apps if p["subtype"] == 0), apps[0])  # factory, else the first
        app_at = app["offset"] - base
        if app_at >= len(data):
            raise FirmwareError(f"{name} is truncated: its app partition at {app['offset']:#x} is missing",
                                hint="download it again")
        _esp_app(name, "bootloader", data[:table_at], built_for)
        app_info = _esp_app(name, "app", data[app_at:], built_for)
        if app_info["length"] > app["size"]:
            raise FirmwareError(f"{name}: the app ({app_info['length']} bytes) does not fit its partition "
                                f"({app['size']} bytes)", hint="the image is corrupt; download it again")
        details.update(merged=True, app_offset=app["offset"],
                       partitions=[{k: p[k] for k in ("label", "type", "subtype", "offset", "size")}
                                   for p in partitions], **app_info)
        details.pop("length", None)
    else:
        details.update(merged=False, **_esp_app(name, "image", data, built_for))
    return ImageInfo(format="esp-bin", size=len(data), chip=built_for, details=details)


def _partition_table(name: str, table: bytes) -> list[dict]:
    from boardkit.firmware.esp_image import read_partition_table

    try:
        partitions = read_partition_table(table, offset=0)
    except FirmwareError as exc:
        raise FirmwareError(f"{name}: {exc}", hint=exc.hint) from None
    return [{"type": p.type, "subtype": p.subtype, "offset": p.offset, "size": p.size, "label": p.name,
             "flags": p.flags} for p in partitions]


def _esp_app(name: str, part: str, data: bytes, chip: str) -> dict:
    """Parse one ESP-IDF image with esptool; check its checksum and appended SHA-256."""
    from esptool.bin_image import LoadFirmwareImage

    if not data or data[0] != ESP_IMAGE_MAGIC:
        raise FirmwareError(f"{name}: the {part} does not start with an ESP image header",
                            hint="the image is corrupt or truncated; download it again")
    try:
        image = LoadFirmwareImage(chip, bytes(data))
    except Exception as exc:  # esptool raises FatalError, struct.error, TypeError on short data
        raise FirmwareError(f"{name}: the {part} is truncated or corrupt ({_one_line(exc)})",
                            hint="download it again") from None
    image_chip_id = getattr(image, "chip_id", None)
    expected_id = image.ROM_LOADER.IMAGE_CHIP_ID
    if image_chip_id is not None and image_chip_id != expected_id:
        raise FirmwareError(f"{name}: the {part} is built for chip id {image_chip_id}, not {chip}",
                            hint="pick the firmware made for this board")
    if image.checksum != image.calculate_checksum():
        raise FirmwareError(f"{name}: the {part}'s checksum is wrong "
                            f"(stored {image.checksum:#04x}, computed {image.calculate_checksum():#04x})",
                            hint="the image is corrupt; download it again")
    info: dict = {"segments": len(image.segments), "sha256_appended": bool(image.append_digest)}
    if image.append_digest and getattr(image, "stored_digest", b"") != getattr(image, "calc_digest", None):
        raise FirmwareError(f"{name}: the {part}'s appended SHA-256 does not match its contents",
                            hint="the image is corrupt or truncated; download it again")
    info["length"] = getattr(image, "data_length", None) or len(data)
    info.update(_app_desc(image))
    return info


def _app_desc(image) -> dict:
    """Version and project name from esp_app_desc_t, at the start of an app's first segment."""
    def text(data: bytes, start: int, end: int) -> str:
        return data[start:end].split(b"\x00")[0].decode("ascii", "replace")

    for seg in image.segments[:2]:
        if len(seg.data) >= 256 and struct.unpack_from("<I", seg.data, 0)[0] == ESP_APP_DESC_MAGIC:
            return {"app_version": text(seg.data, 16, 48), "project": text(seg.data, 48, 80),
                    "idf": text(seg.data, 112, 144)}
    return {}


# ---------------------------------------------------------------- UF2

def _check_uf2(name: str, data: bytes, uf2_family: int | None, chip: str | None) -> ImageInfo:
    if len(data) % UF2_BLOCK:
        raise FirmwareError(f"{name} is truncated or corrupt: {len(data)} bytes is not a whole number "
                            f"of {UF2_BLOCK}-byte UF2 blocks", hint="download it again")
    families: set[int] = set()
    low, high = None, 0
    expected_no, run_total = 0, None
    for index in range(len(data) // UF2_BLOCK):
        block = data[index * UF2_BLOCK:(index + 1) * UF2_BLOCK]
        m0, m1, flags, addr, payload, block_no, num_blocks, family = struct.unpack_from("<8I", block)
        (m_end,) = struct.unpack_from("<I", block, UF2_BLOCK - 4)
        if m0 != UF2_MAGIC_START0 or m1 != UF2_MAGIC_START1 or m_end != UF2_MAGIC_END:
            raise FirmwareError(f"{name}: block {index} has a wrong UF2 magic number",
                                hint="the file is corrupt or not a UF2 image; download it again")
        if payload > UF2_PAYLOAD_MAX:
            raise FirmwareError(f"{name}: block {index} claims {payload} bytes of data (at most {UF2_PAYLOAD_MAX})",
                                hint="the file is corrupt; download it again")
        # Block numbers run 0..numBlocks-1; a file may hold several such runs back to back.
        if run_total is None or expected_no == run_total:
            if block_no != 0:
                raise FirmwareError(f"{name}: block {index} is numbered {block_no}, expected 0",
                                    hint="the file is truncated or spliced; download it again")
            expected_no, run_total = 0, num_blocks
        if block_no != expected_no or num_blocks != run_total or block_no >= num_blocks:
            raise FirmwareError(f"{name}: block {index} is numbered {block_no} of {num_blocks}, "
                                f"expected {expected_no} of {run_total}",
                                hint="the file is truncated or spliced; download it again")
        expected_no += 1
        if flags & UF2_FLAG_NOT_MAIN_FLASH:
            continue
        if flags & UF2_FLAG_FAMILY_ID:
            families.add(family)
            if uf2_family is not None and family != uf2_family:
                raise FirmwareError(f"{name} is for UF2 family {family:#010x}, not this board's {uf2_family:#010x}",
                                    hint="pick the firmware made for this board (see `boardkit boards`)")
        low = addr if low is None else min(low, addr)
        high = max(high, addr + payload)
    if run_total is None or expected_no != run_total:
        raise FirmwareError(f"{name} is truncated: {expected_no} of {run_total} UF2 blocks",
                            hint="download it again")
    details = {"blocks": len(data) // UF2_BLOCK, "families": [f"{f:#010x}" for f in sorted(families)],
               "start": low, "end": high}
    return ImageInfo(format="uf2", size=len(data), chip=chip, details=details)


# ---------------------------------------------------------------- Intel HEX

def _check_hex(path: Path, data: bytes, chip: str | None) -> ImageInfo:
    import io

    from intelhex import IntelHex, IntelHexError

    name = path.name
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise FirmwareError(f"{name} is not an Intel HEX file (it is not text)",
                            hint="download it again, or check it is the .hex for this board") from None
    records = [line.strip() for line in text.splitlines() if line.strip()]
    if not records or not records[0].startswith(":"):
        raise FirmwareError(f"{name} is not an Intel HEX file", hint="check it is the .hex for this board")
    ih = IntelHex()
    try:
        ih.loadhex(io.StringIO(text))
    except IntelHexError as exc:
        raise FirmwareError(f"{name} is corrupt: {_one_line(exc)}", hint="download it again") from None
    except Exception as exc:  # intelhex can raise ValueError on odd-length records
        raise FirmwareError(f"{name} is corrupt: {_one_line(exc)}", hint="download it again") from None
    if records[-1].upper() != ":00000001FF":
        raise FirmwareError(f"{name} is truncated (it does not end with the end-of-file record)",
                            hint="download it again")
    segments = ih.segments()
    if not segments:
        raise FirmwareError(f"{name} holds no data", hint="download it again")
    if chip in HEX_REGIONS:
        regions = HEX_REGIONS[chip]
        for start, end in segments:
            if not any(lo <= start and end <= hi for lo, hi in regions):
                raise FirmwareError(f"{name} writes {start:#x}-{end:#x}, outside the {chip}'s flash",
                                    hint="it is built for another board (a micro:bit V2 image on a V1?)")
    details = {"segments": [[s, e] for s, e in segments], "start": segments[0][0], "end": segments[-1][1]}
    return ImageInfo(format="hex", size=len(data), chip=chip, details=details)


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
