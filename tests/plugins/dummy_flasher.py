"""A dummy flasher for tests/test_flash_plugin.py: all a flash method is, in one file.

The "folder" method flashes a board whose "drive" is a plain folder: it checks the image
as the format it takes, copies it in as FIRMWARE<suffix>, and answers with a banner naming
the chip the image declares. Registered as "folder" through an entry point (group
boardkit.flashers) in a temporary dist-info, or with FLASHERS.register at run time.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from boardkit.errors import FlashError, InvalidInput
from boardkit.firmware.formats import image_format
from boardkit.flash.base import Flasher, FlashTarget, Progress


class FolderFlasher(Flasher):
    """Copies the image into the target folder (its "drive")."""

    method = "folder"
    formats = ("dummy-img",)
    needs = "drive"
    board_fields = {"drive_label": "the name of its folder, for messages"}

    def flash(
        self,
        board: Any,
        image: Path | None,
        target: FlashTarget,
        *,
        erase: bool = False,
        files: dict[str, bytes] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        if target.drive is None:
            raise InvalidInput(f"flashing {board.name} needs its folder", hint="give --drive DIR")
        if image is None:
            raise InvalidInput(f"flashing {board.name} needs an image")
        drive = Path(target.drive)
        if not drive.is_dir():
            raise FlashError(f"no {board.drive_label} folder at {drive}", hint="make the folder first")
        fmt = image_format(self.formats[0])
        info = fmt.check(Path(image), chip=board.chip)
        if erase:
            for old in drive.iterdir():
                old.unlink()
        size = Path(image).stat().st_size
        if progress:
            progress(0, size)
        shutil.copyfile(image, drive / f"FIRMWARE{fmt.suffix}")
        if progress:
            progress(size, size)
        return {
            "method": self.method,
            "drive": str(drive),
            "bytes": size,
            "erased": erase,
            "banner": f"dummy board running an image for {info.chip}",
        }
