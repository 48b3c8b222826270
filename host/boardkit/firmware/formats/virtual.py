"""The "virtual" format: a virtual board's runtime (the pinned npm WebAssembly package).

There is nothing to check in the runtime itself (npm verifies it against its lock file);
a kit for such a board is its filesystem as a .zip, which the board loads on restart.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from boardkit.firmware.formats import ImageFormat

if TYPE_CHECKING:
    from boardkit.boards import Board


class VirtualFormat(ImageFormat):
    """A runtime folder, not a file; kits are zips of the board's files."""

    name = "virtual"
    suffix = ""
    kit_suffix = ".zip"
    title = "a virtual board runtime"
    needs_file = False

    def build_kit(self, firmware: Path, files: dict[str, bytes], board: Board) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
        return buffer.getvalue()
