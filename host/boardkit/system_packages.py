"""Debian packages boardkit uses but cannot ship: what each provides, and the command that installs them.

boardkit never runs apt itself (that needs root and a human's consent); it names the exact
command in a one-line error, and `boardkit doctor` lists what is missing.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from boardkit.errors import MissingDependency

MICROBIT_FIRMWARE = Path("/usr/share/firmware-microbit-micropython/firmware.hex")


@dataclass(frozen=True)
class SystemPackage:
    """One Debian package, and the file or command that shows it is installed."""

    name: str
    provides: str  # what boardkit uses it for, in words
    command: str = ""  # an executable on PATH that it installs, or ""
    file: str = ""  # a file it installs, or ""

    def present(self) -> bool:
        """True when what boardkit needs from this package is on this computer."""
        if self.command:
            return shutil.which(self.command) is not None
        return Path(self.file).is_file()


QEMU = SystemPackage("qemu-system-arm", "the virtual micro:bit (the emulator)", command="qemu-system-arm")
MICROBIT = SystemPackage(
    "firmware-microbit-micropython", "the virtual micro:bit (its firmware)", file=str(MICROBIT_FIRMWARE)
)
CHROMIUM = SystemPackage("chromium", "the `browser` conformance target", command="chromium")

# What each feature needs, so one error names every missing package at once.
VIRTUAL_MICROBIT = (QEMU, MICROBIT)


def apt_command(names: list[str] | tuple[str, ...]) -> str:
    """The exact command that installs these Debian packages (with sudo unless we are root)."""
    sudo = "" if hasattr(os, "geteuid") and os.geteuid() == 0 else "sudo "
    return f"{sudo}apt-get install -y {' '.join(names)}"


def missing(packages: tuple[SystemPackage, ...]) -> list[SystemPackage]:
    """The packages of this group that are not installed."""
    return [package for package in packages if not package.present()]


def require(packages: tuple[SystemPackage, ...], what: str) -> None:
    """MissingDependency with the one apt command for all that is missing, if anything is.

    what: the feature that needs them, e.g. "the virtual micro:bit".
    """
    absent = missing(packages)
    if absent:
        names = [package.name for package in absent]
        raise MissingDependency(f"{what} needs {' and '.join(names)}, not installed", hint=f"run: {apt_command(names)}")
