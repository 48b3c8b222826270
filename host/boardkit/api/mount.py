"""A folder on the computer mounted on the board while connected (as `mpremote mount`).

    with connect("/dev/ttyACM0") as device:
        with mounted(device, Path("project")) as session:
            exec_code(device, "import app; app.main()", on_output=sys.stdout.buffer.write)

or in one call: run_mounted(device, Path("project"), code, on_output=...).

While mounted, the board sees the folder at /remote (its working folder): `import` finds
modules and packages there and open() reads its files, fetched over the serial stream as
the program asks, so nothing is copied to the board. Read-only unless writable=True. Paths
stay inside the folder (no "..", no symbolic link out of it) unless unsafe_links=True.
Boards without os.mount (the micro:bit v1) raise UnsupportedOnBoard.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from boardkit.api.session import RunResult, exec_code
from boardkit.device import Device
from boardkit.errors import BoardkitError, InvalidInput, RemoteError
from boardkit.links import Link
from boardkit.mount import FolderServer, MountedLink, ServeStats
from boardkit.mount import board as board_side
from boardkit.repl import OutputCallback, RawRepl

MOUNT_POINT = "/remote"


@dataclass
class MountSession:
    """A mount in progress: what is mounted where, what it has served so far."""

    folder: Path
    mount_point: str
    writable: bool
    link: MountedLink
    stats: ServeStats = field(default_factory=ServeStats)

    def mount_again_after_soft_reset(self, on_note: Callable[[str], None] | None = None) -> None:
        """In an interactive session: when the board soft-resets (Ctrl-D at its prompt), which
        unmounts the folder, mount it again (as mpremote does) and call on_note to say so.
        The board is left at its friendly prompt."""

        def remount(plain: Link) -> None:
            repl = RawRepl(plain)
            try:
                repl.enter()
                result = repl.exec(board_side.mount_code(self.mount_point), timeout=30)
                repl.exit()
            except BoardkitError as exc:
                if on_note:
                    on_note(f"the board soft-reset and the folder could not be mounted again: {exc}")
                return
            if on_note:
                if result.raised:
                    on_note("the board soft-reset and the folder could not be mounted again")
                else:
                    on_note(f"the board soft-reset; {self.folder} is mounted again at {self.mount_point}")

        self.link.on_soft_reboot = remount

    def interrupt(self) -> None:
        """Ctrl-C for the running program, sent when it cannot corrupt a file transfer
        (safe to call from a signal handler)."""
        self.link.interrupt()


@dataclass
class MountedRun(RunResult):
    """A program that ran with a folder mounted: its RunResult and what the mount served."""

    stats: ServeStats = field(default_factory=ServeStats)


def check_local_mount(folder: Path | str) -> Path:
    """The folder to mount, checked on this computer; InvalidInput saying what is wrong."""
    path = Path(folder).expanduser()
    if not path.exists():
        raise InvalidInput(f"{folder}: no such folder", hint="give the folder to mount, e.g. `boardkit mount .`")
    if path.is_file():
        raise InvalidInput(f"{folder} is a file, not a folder", hint="mount the folder that holds it")
    if not path.is_dir():
        raise InvalidInput(f"{folder} is not a folder", hint="give the folder to mount")
    try:
        next(iter(path.iterdir()), None)
    except OSError as exc:
        raise InvalidInput(f"{folder}: cannot be read ({exc.strerror})", hint="check its permissions") from None
    return path.resolve()


def check_mount_point(mount_point: str) -> str:
    """A mount point: an absolute board path one level below the root (e.g. /remote)."""
    if (
        not mount_point.startswith("/")
        or mount_point.count("/") != 1
        or mount_point in ("/", "/.", "/..")
        or any(ch in mount_point for ch in "\x00\r\n'\\")
    ):
        raise InvalidInput(f"{mount_point!r} is not a mount point", hint="use a name at the root, e.g. /remote")
    return mount_point


@contextlib.contextmanager
def mounted(
    device: Device,
    folder: Path | str,
    *,
    writable: bool = False,
    unsafe_links: bool = False,
    mount_point: str = MOUNT_POINT,
) -> Iterator[MountSession]:
    """Mount a local folder on the board for the duration of the block.

    The board's working folder is the mount point inside the block; on the way out (also
    after an error or Ctrl-C) it is unmounted, modules imported from it are forgotten, and
    boardkit's names are taken off the board. Its own files are never touched.
    writable: let the board create, change and remove files in the folder.
    unsafe_links: follow symbolic links that lead out of the folder.
    Raises InvalidInput (folder), UnsupportedOnBoard (a board without os.mount).
    """
    root = check_local_mount(folder)
    point = check_mount_point(mount_point)
    board_side.check_can_mount(device)
    server = FolderServer(root, writable=writable, unsafe_links=unsafe_links)
    plain = device.link
    link = MountedLink(plain, server)
    device.link = device.repl.link = link  # what reads the board from now on serves the mount
    session = MountSession(root, point, writable, link, server.stats)
    ended_well = False
    try:
        board_side.mount(device, point)
        yield session
    except BaseException:
        _unmount_quietly(device, point)
        raise
    else:
        ended_well = True
        try:
            board_side.unmount(device, point)
        except RemoteError as exc:
            if exc.exc_type != "NameError":  # NameError: the board was reset, the mount is gone
                raise
    finally:
        server.close_all(keep=ended_well)  # files a program left open: written if it ended well
        device.link = device.repl.link = plain


def _unmount_quietly(device: Device, point: str) -> None:
    """Unmount after a failure, without hiding that failure behind another."""
    with contextlib.suppress(BoardkitError):
        board_side.unmount(device, point)


def run_mounted(
    device: Device,
    folder: Path | str,
    code: str | bytes,
    *,
    writable: bool = False,
    unsafe_links: bool = False,
    on_output: OutputCallback | None = None,
    max_time: float | None = None,
) -> MountedRun:
    """Run code on the board with folder mounted (see mounted() and exec_code()).

    Raises what exec_code raises (RemoteError, ProgramExit, ...), after unmounting.
    """
    with mounted(device, folder, writable=writable, unsafe_links=unsafe_links) as session:
        result = exec_code(device, code, on_output=on_output, max_time=max_time)
    return MountedRun(result.output, result.seconds, result.interrupted_program, session.stats)
