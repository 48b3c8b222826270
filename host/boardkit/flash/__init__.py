"""Flashing, one module per method: esptool (ESP32 family), daplink and uf2 (drives),
virtual (the virtual boards), found by a board's `method` in FLASHERS.

    flasher = get_flasher(board.method)
    summary = flash_board(board, image, FlashTarget(port="/dev/ttyACM0"))

The workflow (fetch and check the image, build a kit, flash) is boardkit.api.flashing.
A new method is one module with a Flasher subclass (boardkit.flash.base), registered under
"boardkit.flashers" (an entry point) or with FLASHERS.register(name, cls).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.flash.base import Flasher, FlashTarget, Progress
from boardkit.registry import Registry

if TYPE_CHECKING:
    from boardkit.boards import Board

__all__ = ["FLASHERS", "FlashTarget", "Flasher", "Progress", "flash_board", "get_flasher"]

FLASHERS: Registry[type[Flasher]] = Registry(
    "flash method",
    "boardkit.flashers",
    {
        "esptool": "boardkit.flash.esp:EsptoolFlasher",
        "daplink": "boardkit.flash.drives:DaplinkFlasher",
        "uf2": "boardkit.flash.drives:Uf2Flasher",
        "virtual": "boardkit.flash.virtual:VirtualFlasher",
    },
)


def get_flasher(method: str) -> Flasher:
    """The flasher registered for `method` (InvalidInput naming the known ones if none)."""
    return FLASHERS.get(method)()


def flash_board(
    board: Board,
    image: Path | None,
    target: FlashTarget,
    erase: bool = False,
    files: dict[str, bytes] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Write image to the board by its method; return the flasher's summary."""
    flasher = get_flasher(board.method)
    flasher.check_target(board, target)
    return flasher.flash(board, image, target, erase=erase, files=files, progress=progress)
