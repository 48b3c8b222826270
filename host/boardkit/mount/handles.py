"""The files a board has open in a mount, by handle number.

MicroPython runs no finaliser for a Python-level file object, so `open(name).read()` on the
board never closes its handle: a program in a loop would pile up open files on the host.
So a file open for reading is a path and a position, and only the few most recently used
hold an OS file (reopened on demand); past MAX_HANDLES, the oldest reader is forgotten.
Files open for writing keep their OS file until closed (the board must close them, or the
session's end does).
"""

from __future__ import annotations

import errno
import os
import stat
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MAX_HANDLES = 256  # readers remembered; writers count too, and are never forgotten
OS_READERS = 8  # readers holding an OS file at once


@dataclass
class OpenFile:
    path: Path
    file: IO[bytes] | None  # a reader's is opened on demand; a writer's is always there
    temp: Path | None = None  # a writer's new content, renamed to path on close
    writer: bool = False
    pos: int = 0  # a reader's position


class OpenFiles:
    """Handle number -> OpenFile, with the limits above."""

    def __init__(self) -> None:
        self._files: OrderedDict[int, OpenFile] = OrderedDict()  # least recently used first
        self._next = 1

    def add(self, opened: OpenFile) -> int:
        """A handle for a newly opened file; EMFILE when only writers fill the table."""
        if len(self._files) >= MAX_HANDLES:
            oldest = next((h for h, f in self._files.items() if not f.writer), None)
            if oldest is None:
                raise OSError(errno.EMFILE, "too many files open for writing")
            self.close(oldest, keep=False)
        handle = self._next
        self._next += 1
        self._files[handle] = opened
        self._trim()
        return handle

    def get(self, handle: object) -> OpenFile:
        found = self._files.get(handle) if isinstance(handle, int) else None
        if found is None:
            raise OSError(errno.EBADF, "not open")
        self._files.move_to_end(handle)  # type: ignore[arg-type]
        return found

    def read(self, handle: int, size: int) -> bytes:
        opened = self.get(handle)
        if opened.writer:
            raise OSError(errno.EBADF, "opened for writing")
        if opened.file is None:
            opened.file = open_regular(opened.path)
            opened.file.seek(opened.pos)
            self._trim()
        data = opened.file.read(size)
        opened.pos += len(data)
        return data

    def seek(self, handle: int, offset: int, whence: int) -> int:
        opened = self.get(handle)
        if opened.writer:
            assert opened.file is not None
            return opened.file.seek(offset, whence)
        base = (0, opened.pos, os.stat(opened.path).st_size)[whence]
        if base + offset < 0:
            raise OSError(errno.EINVAL, "before the start of the file")
        opened.pos = base + offset
        if opened.file is not None:
            opened.file.seek(opened.pos)
        return opened.pos

    def close(self, handle: int, keep: bool) -> None:
        """Close one; keep: a writer's new content replaces the old file (else it is dropped)."""
        opened = self._files.pop(handle)
        if opened.file is not None:
            opened.file.close()
        if opened.temp is not None:
            if keep:
                os.replace(opened.temp, opened.path)
            else:
                opened.temp.unlink(missing_ok=True)

    def close_all(self, keep: bool) -> None:
        for handle in list(self._files):
            self.close(handle, keep)

    def _trim(self) -> None:
        """Let go of the OS files of the least recently used readers beyond OS_READERS."""
        holding = [f for f in self._files.values() if not f.writer and f.file is not None]
        for opened in holding[: max(0, len(holding) - OS_READERS)]:
            assert opened.file is not None
            opened.file.close()
            opened.file = None


def open_regular(path: Path) -> IO[bytes]:
    """Open a file for reading; a FIFO or a device is refused instead of waited on."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise OSError(errno.EISDIR, "is a folder")
        if not stat.S_ISREG(mode):
            raise OSError(errno.EACCES, "not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
