"""The host side of a mount: serves the board's file requests from one folder.

Each request is a tuple (op, args...) from lib/bk_mount.py; each op is one method, looked
up in OPS. An answer is (status, payload): status < 0 is -errno as MicroPython numbers
them. Read-only unless writable: then new files are written under a temporary name and
renamed over the old one when the board closes them, so an interrupted program leaves
the old file whole.
"""

from __future__ import annotations

import base64
import binascii
import errno
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardkit.mount.handles import OpenFile, OpenFiles, open_regular
from boardkit.mount.safe_paths import FolderRoot, PathRefused

MAX_CHUNK = 32 * 1024  # most bytes one read answer carries
ASCII = "ascii"

# MicroPython's errno numbers (Linux's); the host's may differ (macOS, Windows).
_BOARD_ERRNO = {
    "EPERM": 1, "ENOENT": 2, "EIO": 5, "EBADF": 9, "EACCES": 13, "EEXIST": 17, "EXDEV": 18,
    "ENODEV": 19, "ENOTDIR": 20, "EISDIR": 21, "EINVAL": 22, "EMFILE": 24, "ENOSPC": 28,
    "EROFS": 30, "ENAMETOOLONG": 36, "ENOTEMPTY": 39,
}  # fmt: skip

Answer = tuple[int, bytes]


def board_errno(code: int | None) -> int:
    """A host errno as the board numbers it (EIO when it has no equal there)."""
    name = errno.errorcode.get(code or 0, "EIO")
    return _BOARD_ERRNO.get(name, 5)


@dataclass
class ServeStats:
    """What a mount served: requests answered, file bytes sent and taken, paths refused."""

    requests: int = 0
    bytes_read: int = 0
    bytes_written: int = 0
    refused: list[str] = field(default_factory=list)  # board paths refused as outside the folder


class FolderServer:
    """Answers lib/bk_mount.py's requests from `folder`."""

    def __init__(self, folder: Path, *, writable: bool = False, unsafe_links: bool = False) -> None:
        self.root = FolderRoot(folder, unsafe_links)
        self.writable = writable
        self.stats = ServeStats()
        self._files = OpenFiles()

    # -- dispatch ------------------------------------------------------------------------

    def handle(self, request: Any) -> Answer:
        """The answer to one request; never raises for anything the board sent."""
        self.stats.requests += 1
        if not isinstance(request, tuple) or not request or not isinstance(request[0], str):
            return -22, b""
        method = OPS.get(request[0])
        if method is None:
            return -22, b""
        try:
            return method(self, *request[1:])
        except PathRefused as exc:
            self.stats.refused.append(exc.path)
            return -board_errno(exc.errno), b""
        except TypeError:  # wrong arguments for the op
            return -22, b""
        except OSError as exc:
            return -board_errno(exc.errno), b""

    def close_all(self, keep: bool = False) -> None:
        """End of the session: close what the board left open. keep: files it was writing
        take their new content (the program ended well); else they keep the old one."""
        self._files.close_all(keep)

    # -- paths ---------------------------------------------------------------------------

    def _path(self, board_path: str) -> Path:
        return self.root.resolve(board_path)

    def _check_writable(self) -> None:
        if not self.writable:
            raise OSError(errno.EROFS, "mounted read-only")

    # -- ops -----------------------------------------------------------------------------

    def stat(self, board_path: str) -> Answer:
        st = os.stat(self._path(board_path))
        mode = 0x4000 if stat.S_ISDIR(st.st_mode) else 0x8000
        size = st.st_size if mode == 0x8000 else 0
        return 0, f"{mode} {size} {int(st.st_mtime)}".encode(ASCII)

    def statvfs(self, board_path: str) -> Answer:
        st = os.statvfs(self._path(board_path)) if hasattr(os, "statvfs") else None
        if st is None:
            return 0, b"4096 4096 0 0 0 0 0 0 0 255"
        values = (st.f_bsize, st.f_frsize, st.f_blocks, st.f_bfree, st.f_bavail, 0, 0, 0, 0, st.f_namemax)
        return 0, " ".join(str(v) for v in values).encode(ASCII)

    def listdir(self, board_path: str) -> Answer:
        folder = self._path(board_path)
        entries = []
        with os.scandir(folder) as found:
            for entry in sorted(found, key=lambda e: e.name):
                if not self.root.unsafe_links and entry.is_symlink() and not self.root.inside(Path(entry.path)):
                    continue  # a link out of the folder is not there for the board
                try:
                    if entry.is_dir():
                        entries.append(b"d0 " + os.fsencode(entry.name))
                    elif entry.is_file():
                        entries.append(b"f%d " % entry.stat().st_size + os.fsencode(entry.name))
                except OSError:
                    continue  # a dangling link, or gone meanwhile
        return 0, b"\x00".join(entries)

    def open(self, board_path: str, mode: str) -> Answer:
        path = self._path(board_path)
        kind = mode.replace("b", "").replace("t", "")
        if kind == "r":
            opened = OpenFile(path, open_regular(path))  # checked now, reopened as needed
        elif kind in ("w", "a", "x"):
            self._check_writable()
            opened = self._open_for_writing(path, kind)
        else:
            return -22, b""  # "+" modes: not offered
        return 0, str(self._files.add(opened)).encode(ASCII)

    def _open_for_writing(self, path: Path, kind: str) -> OpenFile:
        if path.is_dir():
            raise OSError(errno.EISDIR, "is a folder")
        if kind == "x" and os.path.lexists(path):
            raise OSError(errno.EEXIST, "exists")
        if kind == "a":
            return OpenFile(path, open(path, "ab"), writer=True)  # noqa: SIM115 -- closed by close()
        if not path.parent.is_dir():
            raise OSError(errno.ENOENT, "no such folder")
        temp = path.with_name(f".{path.name}.bk-mount-{os.getpid()}.tmp")
        return OpenFile(path, open(temp, "wb"), temp, writer=True)  # noqa: SIM115 -- closed by close()

    def read(self, handle: int, size: int) -> Answer:
        data = self._files.read(handle, max(0, min(int(size), MAX_CHUNK)))
        self.stats.bytes_read += len(data)
        return 0, data

    def write(self, handle: int, encoded: str) -> Answer:
        opened = self._files.get(handle)
        if not opened.writer or opened.file is None:
            raise OSError(errno.EBADF, "opened for reading")
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            return -22, b""
        opened.file.write(data)
        self.stats.bytes_written += len(data)
        return 0, str(len(data)).encode(ASCII)

    def seek(self, handle: int, offset: int, whence: int) -> Answer:
        if whence not in (0, 1, 2) or not isinstance(offset, int):
            return -22, b""
        return 0, str(self._files.seek(handle, offset, whence)).encode(ASCII)

    def close(self, handle: int) -> Answer:
        self._files.get(handle)
        self._files.close(handle, keep=True)
        return 0, b""

    def mkdir(self, board_path: str) -> Answer:
        self._check_writable()
        os.mkdir(self._path(board_path))
        return 0, b""

    def remove(self, board_path: str) -> Answer:
        self._check_writable()
        path = self._path(board_path)
        if path.is_dir() and not path.is_symlink():
            raise OSError(errno.EISDIR, "is a folder")
        os.remove(path)
        return 0, b""

    def rmdir(self, board_path: str) -> Answer:
        self._check_writable()
        path = self._path(board_path)
        if path == self.root.folder:
            raise OSError(errno.EACCES, "the mounted folder itself")
        os.rmdir(path)
        return 0, b""

    def rename(self, old: str, new: str) -> Answer:
        self._check_writable()
        source, target = self._path(old), self._path(new)
        if self.root.folder in (source, target):
            raise OSError(errno.EACCES, "the mounted folder itself")
        os.replace(source, target)
        return 0, b""


Op = Callable[..., Answer]

# One-letter request names (lib/bk_mount.py) -> the method that answers them.
OPS: dict[str, Op] = {
    "S": FolderServer.stat,
    "V": FolderServer.statvfs,
    "L": FolderServer.listdir,
    "O": FolderServer.open,
    "R": FolderServer.read,
    "W": FolderServer.write,
    "K": FolderServer.seek,
    "C": FolderServer.close,
    "M": FolderServer.mkdir,
    "D": FolderServer.remove,
    "X": FolderServer.rmdir,
    "N": FolderServer.rename,
}
