"""The board's side of a mount, from the host: can it mount, mount, unmount.

lib/bk_mount.py goes in one exec (it is a few KB: boards that can mount at all have the
heap for it); the program then runs in the same raw REPL, whose globals hold it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boardkit import device_code
from boardkit.errors import BoardkitError, UnsupportedOnBoard
from boardkit.safe_ast import literal

if TYPE_CHECKING:
    from boardkit.device import Device

# Short enough for a micro:bit v1's raw REPL; says what a mount needs and who is asking.
_CHECK = (
    "def _bk_c():\n"
    " import sys\n"
    " try:\n  import os\n  m=hasattr(os,'mount')\n except ImportError:\n  m=0\n"
    " try:\n  b=hasattr(sys.stdin,'buffer')\n except AttributeError:\n  b=0\n"
    " try:\n  import micropython\n  k=hasattr(micropython,'kbd_intr')\n except ImportError:\n  k=0\n"
    " print(repr((sys.platform,tuple(sys.implementation.version[:3]),bool(m),bool(b),bool(k))))\n"
    "_bk_c()\n"
    "del _bk_c\n"
)

_ALTERNATIVE = "copy the files instead: `boardkit sync DIR`, then `boardkit run FILE`"


def check_can_mount(device: Device) -> None:
    """UnsupportedOnBoard, saying why and what to do instead, when this board cannot mount."""
    answer = device.helpers.exec_own(_CHECK).decode(errors="replace").strip().splitlines()
    try:
        platform, version, has_mount, has_stdin, has_kbd_intr = literal(answer[-1])
    except (ValueError, SyntaxError, IndexError):
        raise BoardkitError(
            f"the board's answer to the mount check was not understood: {answer[-1:]!r}",
            hint="is this MicroPython?",
        ) from None
    lacks = [
        what
        for what, has in (
            ("no os.mount (no VFS, so imports cannot be pointed at the computer)", has_mount),
            ("no binary sys.stdin to read the computer's answers from", has_stdin),
            ("no micropython.kbd_intr", has_kbd_intr),
        )
        if not has
    ]
    if lacks:
        name = "the micro:bit's" if platform == "microbit" else f"this board's ({platform})"
        release = ".".join(str(part) for part in version)
        raise UnsupportedOnBoard(
            f"{name} MicroPython {release} cannot mount a folder: it has {'; '.join(lacks)}",
            hint=_ALTERNATIVE,
        )


def mount_code(mount_point: str) -> str:
    """The code that defines lib/bk_mount.py on the board and mounts it (no request to the
    host on the way, so it can run over the plain link too)."""
    return device_code.source("bk_mount") + f"_bk_mount({mount_point!r})\n"


def mount(device: Device, mount_point: str) -> None:
    """Define lib/bk_mount.py on the board and mount it at mount_point (which becomes the cwd)."""
    device.helpers.exec_own(mount_code(mount_point))


def unmount(device: Device, mount_point: str) -> None:
    """Unmount, forget modules imported from the folder, and take our names off the board."""
    device.helpers.exec_own(
        f"_bk_umount({mount_point!r})\n"
        "for _bk_n in ('_bk_req','_bk_exact','_bk_cut','_BkMountFile','_BkMountFS','_bk_mount','_bk_umount'):\n"
        " globals().pop(_bk_n, None)\n"
        "del _bk_n\n"
        "__import__('gc').collect()\n"
    )
