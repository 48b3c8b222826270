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


class MicrobitBackend(Backend):
    def check(self) -> None:
        system_packages.require(system_packages.VIRTUAL_MICROBIT, "the virtual micro:bit")

    def command(self, state: Path, fs_dir: Path | None, monitor: str, image: Path | None = None) -> list[str]:
        return [
            "qemu-system-arm",
            "-M",
            "microbit",
            "-device",
            "loader,file=" + str(image or MICROBIT_FIRMWARE).replace(",", ",,"),
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

    def booted(self, port: str, image: bool) -> bool:
        return not image and erase_filesystem(port)

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


# Run on the board (MicroPython 1.9): erase the pages from s to e through the nRF51's flash
# controller (NVMC: CONFIG 0x504, ERASEPAGE 0x508, READY 0x400), unless files are there.
ERASE_PAGES = """import machine, os
def _bk_erase(s, e, p):
 m = machine.mem32
 if os.listdir():
  return
 m[0x4001E504] = 2
 for a in range(s, e, p):
  m[0x4001E508] = a
  while not m[0x4001E400]:
   pass
 m[0x4001E504] = 0
 print('erased')
_bk_erase(%d, %d, %d)
del _bk_erase
"""


def erase_filesystem(port: str) -> bool:
    """Give a freshly started board the erased filesystem a real micro:bit has; True if it
    needs a reset now, for the firmware to set up the erased filesystem as at first boot.

    Flash that holds nothing reads 0xFF on a real board, and the firmware marks its
    persistent page at first boot. QEMU fills what the hex leaves out with zeros instead:
    chunks the firmware takes for freed ones, and a persistent page it cannot mark. Its
    first sweep of the filesystem (when a write finds no free chunk) then renumbers every
    chunk, cutting and mixing files it was never asked to touch. The filesystem's pages
    (and the last page of flash, unused by MicroPython) are erased here, not in the hex:
    QEMU loads the hex again at every reset, which would wipe the files a real board keeps.
    """
    from boardkit.firmware.microbit_fs import FLASH_END, fs_region, load_hex
    from boardkit.links import open_link
    from boardkit.repl import RawRepl

    region = fs_region(load_hex(MICROBIT_FIRMWARE.read_text(encoding="ascii")))
    link = open_link(port)
    try:
        repl = RawRepl(link)
        code = ERASE_PAGES % (region.start, FLASH_END, region.page_size)  # up to the calibration page's end
        result = repl.exec(code, timeout=20)
        repl.exit()
    finally:
        link.close()
    if result.stderr:
        raise VirtualBoardError(
            f"could not erase the micro:bit's filesystem: {result.stderr.decode(errors='replace').strip()}",
            hint="stop the board and start it again",
        )
    return b"erased" in result.stdout


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
    if files:
        text = add_files_to_hex(text, files)
    else:
        fs_region(load_hex(text))  # FirmwareError unless it looks like micro:bit V1 MicroPython
    return text.encode("ascii")


BACKEND = MicrobitBackend(
    "microbit",
    "BBC micro:bit v1 MicroPython in QEMU",
    has_fs=False,
    restart_on_reset=False,
    strip_boot_nul=True,
    input_baud=115200,
)
