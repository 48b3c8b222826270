"""Flashing, one module per method: esptool (ESP32 family), daplink and uf2 (drives),
virtual (the virtual boards). `flash_board()` picks by the board's `method`.

    board = get_board("microbit_v1")
    image = firmware_image(board, version=None, image=None, offline=False)   # checked, cached
    flash_board(board, image, port="/dev/ttyACM0")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from boardkit.boards import Board
from boardkit.errors import FirmwareError, UsageError

Progress = Callable[[int, int], None]


@dataclass
class FlashTarget:
    """Where the image goes: a port for serial methods and the banner check, a drive, a virtual board."""
    port: str | None = None
    drive: Path | None = None
    virtual_name: str | None = None


def firmware_image(board: Board, version: str | None = None, image: Path | None = None,
                   offline: bool = False, progress: Progress | None = None) -> Path:
    """The image to flash: a local IMAGE (checked as this board's format), or the pinned release
    from the cache (downloaded once, SHA-256 checked before every use)."""
    from boardkit.firmware.integrity import check_image

    if image is not None:
        if version is not None:
            raise UsageError("give either --version or an IMAGE file, not both")
        if not image.is_file():
            raise UsageError(f"{image}: no such file")
        release = board.release()
        info = check_image(image, release.format, chip=board.chip, uf2_family=board.uf2_family)
        if release.format == "esp-bin" and info.details.get("merged") is False \
                and release.offset == info.details.get("flash_base"):
            # MicroPython's ESP32 releases are whole images: bootloader, partition table, app.
            # A lone image here is what is left of a truncated download.
            raise FirmwareError(f"{image.name} is not a whole firmware image: no partition table at 0x8000",
                                hint="it may be truncated; download it again")
        return image
    from boardkit.firmware.cache import image_for

    return image_for(board, version=version, offline=offline, progress=progress).path


def flash_board(board: Board, image: Path | None, target: FlashTarget, erase: bool = False,
                files: dict[str, bytes] | None = None, progress: Progress | None = None) -> dict:
    """Write image to the board by its method; return a summary for --json."""
    if board.method == "esptool":
        from boardkit.flash.esp import flash_esp

        if not target.port:
            raise UsageError(f"flashing {board.name} needs its serial port", hint="give -p /dev/ttyUSB0 (or COM3)")
        offset = board.release().offset if image is not None and image.suffix == ".bin" else None
        return flash_esp(board, image, target.port, offset=offset, erase=erase, progress=progress)
    if board.method == "daplink":
        from boardkit.flash.drives import flash_daplink

        return flash_daplink(board, image, target.drive, target.port, progress=progress)
    if board.method == "uf2":
        from boardkit.flash.drives import flash_uf2

        return flash_uf2(board, image, target.drive, target.port, progress=progress)
    if board.method == "virtual":
        from boardkit.flash.virtual import flash_virtual

        if not target.virtual_name:
            raise UsageError(f"which virtual board? {board.name} is flashed by name",
                             hint="give -p NAME (see `boardkit virtual list`)")
        return flash_virtual(board, image, target.virtual_name, files=files, progress=progress)
    raise UsageError(f"{board.id}: unknown flash method {board.method!r}")
