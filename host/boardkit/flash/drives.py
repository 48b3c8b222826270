"""Flashing through a USB drive: the micro:bit's DAPLink drive (MICROBIT, takes a .hex) and
the RP2040 boot ROM's drive (RPI-RP2, takes a .uf2).

Both work the same way: copy the image onto the drive, and the board's interface chip
programs it. DAPLink then remounts its drive (it disappears and comes back, without the
file; FAIL.TXT on it says what went wrong); the RP2040 reboots into the new firmware and its
drive goes away. Finally, if a serial port is given, the MicroPython banner is awaited there.

    flash_daplink(board, Path("kit.hex"), drive=None, port="/dev/ttyACM0")
    flash_uf2(board, Path("kit.uf2"), drive=None, port="/dev/ttyACM0")   # 1200-baud touch if needed

The copy is written straight to the drive (not under a temporary name: the interface chip
starts programming as the blocks arrive and ignores renames), flushed and fsynced.

`wait` is how the drive's answer is awaited, pluggable for tests where a folder stands in
for the drive: wait(drive, file, timeout) returns once the board has taken the file.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.errors import FirmwareError, FlashError, InvalidInput
from boardkit.flash.banner import confirm_banner
from boardkit.flash.base import Flasher, FlashTarget, Progress
from boardkit.mounts import find_drives, mounts

if TYPE_CHECKING:
    from boardkit.boards import Board

__all__ = [
    "DaplinkFlasher",
    "Uf2Flasher",
    "confirm_banner",
    "copy_to_drive",
    "enter_bootloader",
    "find_drives",
    "flash_daplink",
    "flash_uf2",
    "resolve_drive",
    "wait_consumed",
    "wait_gone",
]

Wait = Callable[[Path, Path, float], None]

COPY_CHUNK = 64 * 1024
DAPLINK_DRIVE_HINT = "plug the micro:bit in; a {label} drive should appear (check the USB cable carries data)"
UF2_DRIVE_HINT = "hold BOOTSEL while plugging the Pico in; a {label} drive should appear"


def _read_only(drive: Path, mounts_file: str | Path | None) -> bool:
    if not os.access(drive, os.W_OK):
        return True
    best: Path | None = None
    options: set[str] = set()
    for point, opts in mounts(mounts_file or "/proc/mounts"):
        if drive == point or point in drive.parents:
            if best is None or len(point.parts) > len(best.parts):
                best, options = point, opts
    return "ro" in options


def resolve_drive(label: str, hint: str, drive: Path | None, mounts_file: str | Path | None = None) -> Path:
    """The drive to copy to: the one given, or the only one mounted with that label.

    hint: how to make the drive appear (said when there is none).
    """
    if drive is not None:
        drive = Path(drive)
        if not drive.is_dir():
            raise FlashError(f"no drive at {drive}", hint=hint.format(label=label))
        checked = drive
    else:
        found = find_drives(label, mounts_file)
        if not found:
            raise FlashError(f"no {label} drive found", hint=hint.format(label=label))
        if len(found) > 1:
            raise InvalidInput(
                f"{len(found)} {label} drives are mounted ({', '.join(map(str, found))})",
                hint="say which with --drive PATH",
            )
        checked = found[0]
    if _read_only(checked, mounts_file):
        raise FlashError(
            f"the {label} drive {checked} is read-only",
            hint="remount it read-write (or unplug and replug the board), then flash again",
        )
    return checked


# ---------------------------------------------------------------- images


def read_drive_image(path: Path, fmt_name: str, label: str, board: Board) -> bytes:
    """The image's bytes, if they look like the one format this drive takes (a quick look:
    the interface chip checks the rest, and says so on the drive)."""
    from boardkit.firmware.formats import identify, image_format

    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    fmt = image_format(fmt_name)
    if not fmt.matches(data):
        other = identify(data)
        what = other.title if other is not None else f"not {fmt.title}"
        raise FirmwareError(
            f"{Path(path).name} is {what}; the {label} drive takes a {fmt.suffix}",
            hint=f"use the {fmt.suffix} firmware for {board.name}",
        )
    return data


def copy_to_drive(data: bytes, target: Path, progress: Progress | None = None) -> None:
    """Write the image onto the drive in pieces, flush and fsync (the chip programs as it arrives)."""
    try:
        with open(target, "wb") as f:
            for done in range(0, len(data), COPY_CHUNK):
                f.write(data[done : done + COPY_CHUNK])
                if progress:
                    progress(min(done + COPY_CHUNK, len(data)), len(data))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno in (30, 13):  # EROFS, EACCES
            raise FlashError(
                f"the drive {target.parent} is read-only", hint="remount it read-write (or unplug and replug the board)"
            ) from None
        raise FlashError(
            f"copying to {target.parent} failed: {exc.strerror or exc}",
            hint="check the cable; unplug and replug the board, then flash again",
        ) from None


# ---------------------------------------------------------------- waiting for the board


def wait_consumed(drive: Path, target: Path, timeout: float) -> None:
    """DAPLink: wait until the drive has taken the file (it remounts without it), or FAIL.TXT."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fail = drive / "FAIL.TXT"
        try:
            if fail.is_file():
                reason = " ".join(fail.read_text(errors="replace").split())[:200]
                raise FlashError(
                    f"the micro:bit refused the image: {reason or 'FAIL.TXT'}",
                    hint="check it is a .hex for this micro:bit (V1 or V2), then copy it again",
                )
            if drive.is_dir() and not target.exists():
                return
        except OSError:
            pass  # the drive is away while it remounts
        time.sleep(0.1)
    raise FlashError(
        f"the board did not take {target.name} within {timeout:g} s",
        hint="unplug and replug the board, then flash again",
    )


def wait_gone(drive: Path, target: Path, timeout: float, mounts_file: str | Path | None = None) -> None:
    """RP2040: wait until the boot ROM has rebooted (its drive unmounted, or the file gone)."""

    def mounted() -> bool:
        return drive in [point for point, _ in mounts(mounts_file or "/proc/mounts")]

    was_mounted = mounted()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if was_mounted and not mounted():
            return
        if not drive.is_dir() or not target.exists():
            return
        time.sleep(0.1)
    raise FlashError(
        f"the Pico did not reboot after taking {target.name} within {timeout:g} s",
        hint="check the .uf2 is complete and for this board; unplug and replug, then flash again",
    )


# ---------------------------------------------------------------- the two methods


def flash_daplink(
    board: Board,
    hex_path: Path,
    drive: Path | None,
    port: str | None,
    progress: Progress | None = None,
    timeout: float = 30,
    *,
    wait: Wait | None = None,
    mounts_file: str | Path | None = None,
    banner_timeout: float = 10.0,
) -> dict[str, Any]:
    """Copy a .hex onto the micro:bit's MICROBIT drive, wait for it to remount, check the banner."""
    label = board.drive_label or "MICROBIT"
    started = time.monotonic()
    data = read_drive_image(hex_path, "hex", label, board)
    target_drive = resolve_drive(label, DAPLINK_DRIVE_HINT, drive, mounts_file)
    target = target_drive / Path(hex_path).name
    copy_to_drive(data, target, progress)
    (wait or wait_consumed)(target_drive, target, timeout)
    banner = confirm_banner(port, banner_timeout) if port else None
    return {
        "method": "daplink",
        "drive": str(target_drive),
        "bytes": len(data),
        "seconds": round(time.monotonic() - started, 2),
        "banner": banner,
    }


def flash_uf2(
    board: Board,
    uf2_path: Path,
    drive: Path | None,
    port: str | None,
    touch: bool = True,
    progress: Progress | None = None,
    timeout: float = 30,
    *,
    wait: Wait | None = None,
    mounts_file: str | Path | None = None,
    bootloader_wait: float = 10.0,
    banner_timeout: float = 15.0,
) -> dict[str, Any]:
    """Copy a .uf2 onto the RP2040's RPI-RP2 drive (getting the board into its boot ROM first if
    it runs MicroPython on `port`), wait for it to reboot, check the banner."""
    from boardkit.firmware.formats.uf2 import uf2_family

    label = board.drive_label or "RPI-RP2"
    started = time.monotonic()
    data = read_drive_image(uf2_path, "uf2", label, board)
    family = uf2_family(data)
    if board.uf2_family is not None and family is not None and family != board.uf2_family:
        raise FirmwareError(
            f"{Path(uf2_path).name} is for UF2 family {family:#010x}, not {board.name}'s {board.uf2_family:#010x}",
            hint="use the firmware built for this board",
        )
    entered = None
    if drive is None and not find_drives(label, mounts_file) and port and touch:
        entered = enter_bootloader(port, label, bootloader_wait, mounts_file)
    target_drive = resolve_drive(label, UF2_DRIVE_HINT, drive, mounts_file)
    target = target_drive / Path(uf2_path).name
    copy_to_drive(data, target, progress)
    if wait is not None:
        wait(target_drive, target, timeout)
    else:
        wait_gone(target_drive, target, timeout, mounts_file)
    banner = confirm_banner(port, banner_timeout) if port else None
    return {
        "method": "uf2",
        "drive": str(target_drive),
        "bytes": len(data),
        "bootloader": entered,
        "seconds": round(time.monotonic() - started, 2),
        "banner": banner,
    }


def enter_bootloader(port: str, label: str, wait: float, mounts_file: str | Path | None = None) -> str:
    """Put a running board into its UF2 boot ROM: the 1200-baud touch (open the port at
    1200 baud and close it), then, if no drive appears, machine.bootloader() over the REPL.
    Returns which one worked."""
    import serial

    for how in ("1200-baud touch", "machine.bootloader()"):
        try:
            link = serial.serial_for_url(port, 1200 if how.startswith("1200") else 115200, timeout=0.2)
            if how == "machine.bootloader()":
                link.write(b"\r\x03\x03import machine; machine.bootloader()\r")
                link.flush()
                time.sleep(0.2)
            link.close()
        except (serial.SerialException, OSError, ValueError):
            pass  # the board is already rebooting, or the port is gone
        deadline = time.monotonic() + wait / 2
        while time.monotonic() < deadline:
            if find_drives(label, mounts_file):
                return how
            time.sleep(0.1)
    raise FlashError(
        f"no {label} drive appeared after asking the board on {port} to enter its bootloader",
        hint=UF2_DRIVE_HINT.format(label=label),
    )


# ---------------------------------------------------------------- the flashers


class DaplinkFlasher(Flasher):
    """The micro:bit's DAPLink interface: a .hex copied onto its MICROBIT drive."""

    method = "daplink"
    formats = ("hex",)
    needs = "drive"
    board_fields = {"drive_label": "the name of the drive it shows"}

    def flash(
        self,
        board: Board,
        image: Path | None,
        target: FlashTarget,
        *,
        erase: bool = False,
        files: dict[str, bytes] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Copy the .hex onto the drive; wait for DAPLink to take it; check the banner on the port."""
        if image is None:
            raise InvalidInput(f"flashing {board.name} needs a .hex image")
        return flash_daplink(board, image, target.drive, target.port, progress=progress)


class Uf2Flasher(Flasher):
    """A UF2 bootloader's drive (the RP2040 boot ROM's RPI-RP2): a .uf2 copied onto it."""

    method = "uf2"
    formats = ("uf2",)
    needs = "drive"
    board_fields = {"drive_label": "the name of the drive it shows", "uf2_family": "e.g. 0xe48bff56 for the RP2040"}

    def flash(
        self,
        board: Board,
        image: Path | None,
        target: FlashTarget,
        *,
        erase: bool = False,
        files: dict[str, bytes] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Get the board into its boot ROM if needed, copy the .uf2, wait for the reboot, check the banner."""
        if image is None:
            raise InvalidInput(f"flashing {board.name} needs a .uf2 image")
        return flash_uf2(board, image, target.drive, target.port, progress=progress)
