"""Intel HEX images: record checksums, an end-of-file record, data inside the chip's flash.

The micro:bit's DAPLink drive takes them; a micro:bit kit is its MicroPython .hex with the
kit's files in the flat filesystem region (boardkit.firmware.microbit_fs).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from boardkit.chips import CHIPS
from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware.formats import ImageFormat, ImageInfo

if TYPE_CHECKING:
    from boardkit.boards import Board

END_OF_FILE = ":00000001FF"


class HexFormat(ImageFormat):
    """Intel HEX: text records, each with its own checksum."""

    name = "hex"
    suffix = ".hex"
    title = "an Intel HEX file"

    def matches(self, data: bytes) -> bool:
        return data[:1] == b":"

    def check_data(
        self, name: str, data: bytes, *, chip: str | None = None, uf2_family: int | None = None
    ) -> ImageInfo:
        from intelhex import IntelHex

        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            raise FirmwareError(
                f"{name} is not an Intel HEX file (it is not text)",
                hint="download it again, or check it is the .hex for this board",
            ) from None
        records = [line.strip() for line in text.splitlines() if line.strip()]
        if not records or not records[0].startswith(":"):
            raise FirmwareError(f"{name} is not an Intel HEX file", hint="check it is the .hex for this board")
        ih = IntelHex()
        try:
            ih.loadhex(io.StringIO(text))
        except Exception as exc:  # IntelHexError, and ValueError on odd-length records
            raise FirmwareError(f"{name} is corrupt: {_one_line(exc)}", hint="download it again") from None
        if records[-1].upper() != END_OF_FILE:
            raise FirmwareError(
                f"{name} is truncated (it does not end with the end-of-file record)", hint="download it again"
            )
        segments = ih.segments()
        if not segments:
            raise FirmwareError(f"{name} holds no data", hint="download it again")
        regions = CHIPS[chip].hex_regions if chip in CHIPS else ()
        if regions:
            for start, end in segments:
                if not any(lo <= start and end <= hi for lo, hi in regions):
                    raise FirmwareError(
                        f"{name} writes {start:#x}-{end:#x}, outside the {chip}'s flash",
                        hint="it is built for another board (a micro:bit V2 image on a V1?)",
                    )
        details = {"segments": [[s, e] for s, e in segments], "start": segments[0][0], "end": segments[-1][1]}
        return ImageInfo(format=self.name, size=len(data), chip=chip, details=details)

    def build_kit(self, firmware: Path, files: dict[str, bytes], board: Board) -> bytes:
        if board.fs.kind != "microbit":
            raise InvalidInput(f"kits for {board.name} are not supported yet (hex images, {board.fs.kind} filesystem)")
        from boardkit.firmware.microbit_fs import add_files_to_hex

        return add_files_to_hex(firmware.read_text(), files).encode()


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
