"""A dummy image format for tests/test_flash_plugin.py: all an image format is, in one file.

A ".dmy" image is text-ish bytes:

    DUMMYIMG <chip>\n        the header, naming the chip it is built for
    <payload>                anything; a kit appends "FILE <name> <size>\n<bytes>" records
    SHA256 <hex>\n           the SHA-256 of everything before this line

It is registered as "dummy-img" through an entry point (group boardkit.image_formats) in
a temporary dist-info, or with IMAGE_FORMATS.register at run time.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from boardkit.errors import FirmwareError
from boardkit.firmware.formats import ImageFormat, ImageInfo

MAGIC = b"DUMMYIMG "


def make_image(chip: str, payload: bytes) -> bytes:
    """A well-formed .dmy image for `chip`."""
    body = MAGIC + chip.encode() + b"\n" + payload
    return body + b"SHA256 " + hashlib.sha256(body).hexdigest().encode() + b"\n"


def read_files(image: bytes) -> dict[str, bytes]:
    """The files a kit image carries (what the dummy "board" would see)."""
    body = _body(image)
    files: dict[str, bytes] = {}
    at = body.find(b"FILE ")
    while at >= 0:
        end = body.index(b"\n", at)
        _, name, size = body[at:end].split(b" ")
        start = end + 1
        files[name.decode()] = body[start : start + int(size)]
        at = body.find(b"FILE ", start + int(size))
    return files


def _body(image: bytes) -> bytes:
    at = image.rfind(b"SHA256 ")
    return image[:at] if at >= 0 else image


class DummyImageFormat(ImageFormat):
    """The "dummy-img" format: a header naming the chip, a payload, a SHA-256 trailer."""

    name = "dummy-img"
    suffix = ".dmy"
    title = "a dummy image"

    def matches(self, data: bytes) -> bool:
        return data.startswith(MAGIC)

    def declared_chip(self, data: bytes) -> str | None:
        if not self.matches(data):
            return None
        return data[len(MAGIC) : data.index(b"\n")].decode("ascii", "replace")

    def check_data(
        self, name: str, data: bytes, *, chip: str | None = None, uf2_family: int | None = None
    ) -> ImageInfo:
        if not self.matches(data):
            raise FirmwareError(f"{name} is not a dummy image", hint="make one with dummy_image_format.make_image")
        at = data.rfind(b"SHA256 ")
        digest = data[at + 7 :].strip().decode("ascii", "replace") if at >= 0 else ""
        if at < 0 or hashlib.sha256(data[:at]).hexdigest() != digest:
            raise FirmwareError(
                f"{name} is truncated or corrupt (its SHA-256 trailer does not match)", hint="build it again"
            )
        built_for = self.declared_chip(data)
        if chip is not None and built_for != chip:
            raise FirmwareError(f"{name} is built for {built_for}, not {chip}", hint="pick the image for this board")
        details: dict[str, Any] = {"files": sorted(read_files(data))}
        return ImageInfo(format=self.name, size=len(data), chip=built_for, details=details)

    def build_kit(self, firmware: Path, files: dict[str, bytes], board: Any) -> bytes:
        body = _body(firmware.read_bytes())
        for name, data in sorted(files.items()):
            body += f"FILE {name} {len(data)}\n".encode() + data
        return body + b"SHA256 " + hashlib.sha256(body).hexdigest().encode() + b"\n"
