"""A board as data: chip, USB ids, flash method, memory, filesystem layout, pinned firmware."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boardkit.errors import InvalidInput


@dataclass(frozen=True)
class Release:
    """One pinned firmware release of a board: where it comes from, its format and hash."""

    flavour: str
    version: str
    url: str
    format: str
    size: int | None = None
    sha256: str | None = None
    offset: int = 0


@dataclass(frozen=True)
class FsLayout:
    """Where and what the board's filesystem is."""

    kind: str
    offset: int | None = None
    size: int | None = None
    block_size: int | None = None


@dataclass(frozen=True)
class Board:
    """One board file, validated (boardkit.boards.schema)."""

    id: str
    name: str
    vendor: str
    chip: str
    flash_size: int
    ram_size: int
    method: str
    usb: tuple[tuple[int, int], ...]
    fs: FsLayout
    releases: tuple[Release, ...]
    drive_label: str | None = None
    uf2_family: int | None = None
    virtual_kind: str | None = None
    mpy: str | None = None
    path: Path | None = None

    def to_dict(self) -> dict[str, Any]:
        """The board as JSON-able data (`boardkit boards --json`)."""
        return {
            "id": self.id,
            "name": self.name,
            "vendor": self.vendor,
            "chip": self.chip,
            "flash_size": self.flash_size,
            "ram_size": self.ram_size,
            "method": self.method,
            "usb": [f"{vid:04x}:{pid:04x}" for vid, pid in self.usb],
            "drive_label": self.drive_label,
            "uf2_family": f"{self.uf2_family:#010x}" if self.uf2_family is not None else None,
            "virtual_kind": self.virtual_kind,
            "mpy": self.mpy,
            "fs": {
                "kind": self.fs.kind,
                "offset": self.fs.offset,
                "size": self.fs.size,
                "block_size": self.fs.block_size,
            },
            "firmware": [
                {
                    "flavour": r.flavour,
                    "version": r.version,
                    "url": r.url,
                    "format": r.format,
                    "size": r.size,
                    "sha256": r.sha256,
                    "offset": r.offset,
                }
                for r in self.releases
            ],
            "file": str(self.path) if self.path else None,
        }

    def release(self, flavour: str = "micropython", version: str | None = None) -> Release:
        """The release of this flavour: the newest, or the one with this version ("1.27.0" or "v1.27.0")."""
        candidates = [r for r in self.releases if r.flavour == flavour]
        if not candidates:
            have = sorted({r.flavour for r in self.releases})
            raise InvalidInput(
                f"board '{self.id}' has no {flavour} firmware",
                hint=f"it has: {', '.join(have) or 'none'} (see `boardkit boards`)",
            )
        if version is None:
            return max(candidates, key=lambda r: version_key(r.version))
        wanted = version[1:] if version[:1] in ("v", "V") else version
        for r in candidates:
            if r.version == wanted:
                return r
        listed = ", ".join(r.version for r in sorted(candidates, key=lambda r: version_key(r.version), reverse=True))
        raise InvalidInput(f"board '{self.id}' has no {flavour} {version}", hint=f"available: {listed}")


def version_key(version: str) -> tuple[int, ...]:
    """Sort key for "1.27.0", "2.1.2", "9.2.1-beta": numeric parts compare as numbers."""
    return tuple(int(part) for part in re.findall(r"\d+", version))
