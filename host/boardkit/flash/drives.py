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
import struct
import time
from pathlib import Path
from collections.abc import Callable

from boardkit.errors import FirmwareError, FlashError, UsageError
from boardkit.mounts import find_drives, mounts

Progress = Callable[[int, int], None]
Wait = Callable[[Path, Path, float], None]

COPY_CHUNK = 64 * 1024
BANNER = b"MicroPython"
PROMPT = b">>> "
HOW_TO_GET_DRIVE = {
    "daplink": "plug the micro:bit in; a {label} drive should appear (check the USB cable carries data)",
    "uf2": "hold BOOTSEL while plugging the Pico in; a {label} drive should appear",
}


def _read_only(drive: Path, mounts_file) -> bool:
    if not os.access(drive, os.W_OK):
        return True
    best, options = None, set()
    for point, opts in mounts(mounts_file or "/proc/mounts"):
        if drive == point or point in drive.parents:
            if best is None or len(point.parts) > len(best.parts):
                best, options = point, opts
    return "ro" in options


def resolve_drive(label: str, method: str, drive: Path | None, mounts_file=None) -> Path:
    """The drive to copy to: the one given, or the only one mounted with that label."""
    if drive is not None:
        drive = Path(drive)
        if not drive.is_dir():
            raise FlashError(f"no drive at {drive}", hint=HOW_TO_GET_DRIVE[method].format(label=label))
        checked = drive
    else:
        found = find_drives(label, mounts_file)
        if not found:
            raise FlashError(f"no {label} drive found", hint=HOW_TO_GET_DRIVE[method].format(label=label))
        if len(found) > 1:
            raise UsageError(f"{len(found)} {label} drives are mounted ({', '.join(map(str, found))})",
                             hint="say which with --drive PATH")
        checked = found[0]
    if _read_only(checked, mounts_file):
        raise FlashError(f"the {label} drive {checked} is read-only",
                         hint="remount it read-write (or unplug and replug the board), then flash again")
    return checked


# ---------------------------------------------------------------- images

def _check_format(path: Path, method: str, board) -> bytes:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    from boardkit.firmware.uf2 import MAGIC_START0, MAGIC_START1

    is_uf2 = len(data) >= 512 and data[:8] == struct.pack("<II", MAGIC_START0, MAGIC_START1)
    is_hex = data[:1] == b":"
    if method == "daplink" and not is_hex:
        what = "a UF2 image" if is_uf2 else "not an Intel HEX file"
        raise FirmwareError(f"{Path(path).name} is {what}; the {board.drive_label or 'MICROBIT'} drive takes a .hex",
                            hint=f"use the .hex firmware for {board.name}")
    if method == "uf2":
        if not is_uf2:
            what = "an Intel HEX file" if is_hex else "not a UF2 image"
            raise FirmwareError(f"{Path(path).name} is {what}; the {board.drive_label or 'RPI-RP2'} drive takes a .uf2",
                                hint=f"use the .uf2 firmware for {board.name}")
        from boardkit.firmware.uf2 import uf2_family

        family = uf2_family(data)
        if board.uf2_family is not None and family is not None and family != board.uf2_family:
            raise FirmwareError(f"{Path(path).name} is for UF2 family {family:#010x}, not {board.name}'s "
                                f"{board.uf2_family:#010x}", hint="use the firmware built for this board")
    return data


def copy_to_drive(data: bytes, target: Path, progress: Progress | None = None) -> None:
    """Write the image onto the drive in pieces, flush and fsync (the chip programs as it arrives)."""
    try:
        with open(target, "wb") as f:
            for done in range(0, len(data), COPY_CHUNK):
                f.write(data[done:done + COPY_CHUNK])
                if progress:
                    progress(min(done + COPY_CHUNK, len(data)), len(data))
            f.flush()
            os.fsync(f.fileno())
    except OSError as exc:
        if exc.errno in (30, 13):  # EROFS, EACCES
            raise FlashError(f"the drive {target.parent} is read-only",
                             hint="remount it read-write (or unplug and replug the board)") from None
        raise FlashError(f"copying to {target.parent} failed: {exc.strerror or exc}",
                         hint="check the cable; unplug and replug the board, then flash again") from None


# ---------------------------------------------------------------- waiting for the board

def wait_consumed(drive: Path, target: Path, timeout: float) -> None:
    """DAPLink: wait until the drive has taken the file (it remounts without it), or FAIL.TXT."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        fail = drive / "FAIL.TXT"
        try:
            if fail.is_file():
                reason = " ".join(fail.read_text(errors="replace").split())[:200]
                raise FlashError(f"the micro:bit refused the image: {reason or 'FAIL.TXT'}",
                                 hint="check it is a .hex for this micro:bit (V1 or V2), then copy it again")
            if drive.is_dir() and not target.exists():
                return
        except OSError:
            pass  # the drive is away while it remounts
        time.sleep(0.1)
    raise FlashError(f"the board did not take {target.name} within {timeout:g} s",
                     hint="unplug and replug the board, then flash again")


def wait_gone(drive: Path, target: Path, timeout: float, mounts_file=None) -> None:
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
    raise FlashError(f"the Pico did not reboot after taking {target.name} within {timeout:g} s",
                     hint="check the .uf2 is complete and for this board; unplug and replug, then flash again")


def confirm_banner(port: str, timeout: float = 10.0) -> str:
    """Wait for MicroPython on the port; return its banner line ("MicroPython v1.9.2 ...").

    Listens first, poking with CR-LF. A board busy running main.py gets Ctrl-C, Ctrl-B (the
    friendly REPL prints its banner) and then Ctrl-D, which soft-resets it so main.py runs again.
    """
    import serial

    deadline = time.monotonic() + timeout
    interrupt_at = time.monotonic() + min(timeout / 3, 2.0)
    seen, link, interrupted, asked = b"", None, False, False
    try:
        while time.monotonic() < deadline:
            if link is None:
                try:  # USB boards re-enumerate after flashing: reopen until the port is back
                    link = serial.serial_for_url(port, 115200, timeout=0.1)
                    link.write(b"\r\n")
                except (serial.SerialException, OSError, ValueError):
                    link = None
                    time.sleep(0.2)
                    continue
            try:
                seen += link.read(512)
                if PROMPT in seen and not asked:
                    link.write(b"\x02")          # at the prompt: Ctrl-B prints the banner
                    asked = True
                elif not interrupted and not asked and time.monotonic() >= interrupt_at:
                    link.write(b"\r\x03\x03")
                    interrupted = True
            except (serial.SerialException, OSError):
                link = None
                continue
            line = _banner_line(seen)
            if line and seen.rstrip().endswith(b">>>"):
                if interrupted:
                    link.write(b"\x04")          # soft reset: main.py runs again
                return line
    finally:
        if link is not None:
            try:
                link.close()
            except Exception:
                pass
    tail = seen.decode("utf-8", "replace").strip()[-120:]
    raise FlashError(f"the image was written, but MicroPython did not answer on {port} within {timeout:g} s"
                     + (f" (it printed: {tail!r})" if tail else " (it printed nothing)"),
                     hint="press the board's reset button; if there is still no >>> prompt, flash it again")


def _banner_line(seen: bytes) -> str | None:
    for line in reversed(seen.splitlines()):
        if line.startswith(BANNER) or b"MicroPython v" in line:
            return line.decode("utf-8", "replace").strip()
    return None


# ---------------------------------------------------------------- the two methods

def flash_daplink(board, hex_path: Path, drive: Path | None, port: str | None, progress: Progress | None = None,
                  timeout: float = 30, *, wait: Wait | None = None, mounts_file=None,
                  banner_timeout: float = 10.0) -> dict:
    """Copy a .hex onto the micro:bit's MICROBIT drive, wait for it to remount, check the banner."""
    label = board.drive_label or "MICROBIT"
    started = time.monotonic()
    data = _check_format(hex_path, "daplink", board)
    target_drive = resolve_drive(label, "daplink", drive, mounts_file)
    target = target_drive / Path(hex_path).name
    copy_to_drive(data, target, progress)
    (wait or wait_consumed)(target_drive, target, timeout)
    banner = confirm_banner(port, banner_timeout) if port else None
    return {"method": "daplink", "drive": str(target_drive), "bytes": len(data),
            "seconds": round(time.monotonic() - started, 2), "banner": banner}


def flash_uf2(board, uf2_path: Path, drive: Path | None, port: str | None, touch: bool = True,
              progress: Progress | None = None, timeout: float = 30, *, wait: Wait | None = None,
              mounts_file=None, bootloader_wait: float = 10.0, banner_timeout: float = 15.0) -> dict:
    """Copy a .uf2 onto the RP2040's RPI-RP2 drive (getting the board into its boot ROM first if
    it runs MicroPython on `port`), wait for it to reboot, check the banner."""
    label = board.drive_label or "RPI-RP2"
    started = time.monotonic()
    data = _check_format(uf2_path, "uf2", board)
    entered = None
    if drive is None and not find_drives(label, mounts_file) and port and touch:
        entered = enter_bootloader(port, label, bootloader_wait, mounts_file)
    target_drive = resolve_drive(label, "uf2", drive, mounts_file)
    target = target_drive / Path(uf2_path).name
    copy_to_drive(data, target, progress)
    if wait is not None:
        wait(target_drive, target, timeout)
    else:
        wait_gone(target_drive, target, timeout, mounts_file)
    banner = confirm_banner(port, banner_timeout) if port else None
    return {"method": "uf2", "drive": str(target_drive), "bytes": len(data), "bootloader": entered,
            "seconds": round(time.monotonic() - started, 2), "banner": banner}


def enter_bootloader(port: str, label: str, wait: float, mounts_file=None) -> str:
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
    raise FlashError(f"no {label} drive appeared after asking the board on {port} to enter its bootloader",
                     hint=HOW_TO_GET_DRIVE["uf2"].format(label=label))
