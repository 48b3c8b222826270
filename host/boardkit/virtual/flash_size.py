"""The size of a virtual board's filesystem, where its kind lets you choose it (wasm).

A real board's filesystem is a flash partition of a fixed size: an ESP32's "vfs" partition
is 2 MiB on a 4 MB module. The wasm board gets one too, so statvfs is believable and a
write past it fails with ENOSPC (OSError 28) as on a board. It is chosen at start
(`virtual start wasm --flash-size 64K`, `virtual.start("wasm", flash_size=65536)`) and kept
in the board's folder (layout.flash_size_path), where its backend reads it each boot.
"""

from __future__ import annotations

import re
from pathlib import Path

from boardkit.errors import VirtualBoardError
from boardkit.virtual import layout

DEFAULT_FLASH_SIZE = 2 * 1024 * 1024  # an ESP32's "vfs" partition on a 4 MB module
MIN_FLASH_SIZE = 32 * 1024  # 8 blocks of 4 KB: the root's pair and a little room
MAX_FLASH_SIZE = 1024 * 1024 * 1024
_SIZE = re.compile(r"^\s*(\d+)\s*([kKmMgG]i?[bB]?|[bB])?\s*$")
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(text: str | int) -> int:
    """Bytes from 65536, "64K", "2M", "2MiB" (K/M/G are powers of 1024). InvalidInput-style
    VirtualBoardError with a hint for anything else or a size out of range."""
    if isinstance(text, int):
        size = text
    else:
        match = _SIZE.match(text)
        if not match:
            raise VirtualBoardError(f"bad flash size {text!r}", hint="give bytes, or e.g. 64K or 2M")
        size = int(match.group(1)) * _UNITS[(match.group(2) or "")[:1].lower()]
    if not MIN_FLASH_SIZE <= size <= MAX_FLASH_SIZE:
        raise VirtualBoardError(
            f"flash size {size} bytes is out of range",
            hint=f"give between {MIN_FLASH_SIZE // 1024}K and {MAX_FLASH_SIZE // 1024**3}G, e.g. 2M",
        )
    return size


def save(name: str, size: int) -> None:
    """Record the size a board boots with (read by its backend at each boot)."""
    path = layout.flash_size_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{size}\n")


def load(name: str) -> int | None:
    """The size a board was started with, or None when none was recorded."""
    return read(layout.flash_size_path(name))


def read(path: Path) -> int | None:
    """The size recorded at `path` (layout.flash_size_path), or None."""
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None
