"""Mounted USB drives by volume label: CIRCUITPY, MICROBIT (DAPLink), RPI-RP2 (UF2 bootloader).

Linux mounts a second drive with the same label as LABEL1, LABEL2, ...; macOS under /Volumes;
Windows by drive letter.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def mounts(mounts_file: str | os.PathLike[str]) -> list[tuple[Path, set[str]]]:
    """(mount point, options) from /proc/mounts (or a file like it)."""
    try:
        lines = Path(mounts_file).read_text().splitlines()
    except OSError:
        return []
    found = []
    for line in lines:
        fields = line.split()
        if len(fields) > 3:
            point = fields[1].replace("\\040", " ").replace("\\011", "\t")
            found.append((Path(point), set(fields[3].split(","))))
    return found


def find_drives(label: str, mounts_file: str | os.PathLike[str] | None = None) -> list[Path]:
    """Mounted drives whose name is `label` (Linux mounts them as .../LABEL, LABEL1, ...)."""
    found: list[Path] = []
    if mounts_file is None and sys.platform == "win32":  # pragma: no cover - Windows only
        return _windows_drives(label)
    if mounts_file is None and sys.platform == "darwin":  # pragma: no cover - macOS only
        return sorted(p for p in Path("/Volumes").glob(label + "*") if p.is_dir())
    for point, _options in mounts(mounts_file or "/proc/mounts"):
        tail = point.name[len(label) :]
        if point.name.startswith(label) and (tail == "" or tail.isdigit()):
            found.append(point)
    return sorted(set(found))


def _windows_drives(label: str) -> list[Path]:  # pragma: no cover - Windows only
    import ctypes
    import string

    found = []
    buffer = ctypes.create_unicode_buffer(64)
    for letter in string.ascii_uppercase:
        root = f"{letter}:\\"
        if getattr(ctypes, "windll").kernel32.GetVolumeInformationW(  # noqa: B009 - Windows only
            root, buffer, 64, None, None, None, None, 0
        ):
            if buffer.value == label:
                found.append(Path(root))
    return found
