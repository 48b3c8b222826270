"""The micro:bit board: the real BBC micro:bit v1 MicroPython firmware in Debian's QEMU.

Its image is a micro:bit V1 MicroPython .hex; its files live inside it (the filesystem
region of the hex, see boardkit.firmware.microbit_fs), exactly as on a real board, where
the hex is the whole flash. Default: Debian's firmware.hex with an empty filesystem.
A hard reset is QEMU's system_reset, asked on its monitor socket.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from boardkit import system_packages
from boardkit.errors import VirtualBoardError
from boardkit.system_packages import MICROBIT_FIRMWARE
from boardkit.virtual.image_files import Files, as_files
from boardkit.virtual.kinds.base import Backend

IMAGE_HEX = "image.hex"  # in the board's folder: the flash QEMU loads when started on an image
BLANK_HEX = "blank.hex"  # in the board's folder: the default firmware with an empty, erased filesystem


class MicrobitBackend(Backend):
    def check(self) -> None:
        system_packages.require(system_packages.VIRTUAL_MICROBIT, "the virtual micro:bit")

    def command(self, state: Path, fs_dir: Path | None, monitor: str, image: Path | None = None) -> list[str]:
        return [
            "qemu-system-arm",
            "-M",
            "microbit",
            "-device",
            "loader,file=" + str(image or blank_hex(state)).replace(",", ",,"),
            "-display",
            "none",
            "-nodefaults",
            "-chardev",
            "stdio,id=uart0,signal=off",
            "-serial",
            "chardev:uart0",
            "-monitor",
            f"unix:{monitor},server=on,wait=off",
        ]

    def hard_reset_via_monitor(self, monitor: str) -> None:
        deadline = time.monotonic() + 5
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(monitor)
            sock.recv(4096)  # "QEMU 7.2 monitor - type 'help' ..."
            sock.sendall(b"system_reset\n")
            buf = b""
            while b"system_reset" not in buf and time.monotonic() < deadline:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                buf += chunk

    def build_image(self, image: Path | None, files: Files) -> tuple[bytes, str]:
        return microbit_hex(image, as_files(files)), ".hex"

    def install_image(self, staged: Path, board_dir: Path, fs_dir: Path | None) -> Path | None:
        target = board_dir / IMAGE_HEX
        os.replace(staged, target)
        return target


def blank_hex(folder: Path) -> Path:
    """Debian's firmware with an empty filesystem, erased as a real board's flash is (see
    microbit_hex), written once into the board's folder."""
    target = folder / BLANK_HEX
    if not target.is_file() or target.stat().st_mtime < MICROBIT_FIRMWARE.stat().st_mtime:
        staged = target.with_suffix(".tmp")
        staged.write_bytes(microbit_hex(None, {}))
        os.replace(staged, target)
    return target


def microbit_hex(image: Path | None, files: dict[str, bytes]) -> bytes:
    """The .hex to boot: `image` (default: Debian's firmware) with `files` in its filesystem."""
    from boardkit.firmware.microbit_fs import add_files_to_hex, fs_region, load_hex

    source = Path(image) if image is not None else MICROBIT_FIRMWARE
    try:
        text = source.read_text(encoding="ascii")
    except FileNotFoundError:
        raise VirtualBoardError(f"{source}: no such file", hint="give the .hex to boot") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VirtualBoardError(
            f"{source} is not a .hex file the micro:bit can boot ({exc})", hint="give a micro:bit V1 MicroPython .hex"
        ) from None
    # The filesystem region is always written, erased (0xFF) where no file is, with its
    # persistent page marked: as on a real board, where flash that holds nothing reads
    # 0xFF. QEMU fills what the hex leaves out with zeros instead, which the firmware
    # reads as "freed" chunks and no persistent page; its first sweep of the filesystem
    # then renumbers every chunk, cutting and mixing files it was never asked to touch.
    fs_region(load_hex(text))  # FirmwareError unless it looks like micro:bit V1 MicroPython
    return add_files_to_hex(text, files).encode("ascii")


BACKEND = MicrobitBackend(
    "microbit",
    "BBC micro:bit v1 MicroPython in QEMU",
    has_fs=False,
    restart_on_reset=False,
    strip_boot_nul=True,
    input_baud=115200,
)
