"""Reading the user's files on this computer without hanging or filling memory.

A named pipe, /dev/zero or a terminal given where a file is expected would make a plain
read wait for ever or grow without bound; boardkit only reads regular files, and none larger
than any board could hold (MAX_LOCAL_BYTES).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from boardkit.errors import InvalidInput

# The largest file boardkit reads to send to a board: far more than any board's filesystem
# (the biggest boards boardkit knows have 16 MB of flash), far less than a computer's memory.
MAX_LOCAL_BYTES = 64 * 1024 * 1024

FOLDER_HINT = "copy files one at a time (folders: `boardkit sync`)"

_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_kind(mode: int) -> str | None:
    """What a non-regular, non-folder file is ("a named pipe (FIFO)", ...), or None."""
    return next((words for test, words in _KINDS if test(mode)), None)


def unreadable(local: Path, exc: OSError, folder: InvalidInput | None = None) -> InvalidInput:
    """Why a local file cannot be read, as the error the user sees (folder: what to say for one)."""
    if isinstance(exc, FileNotFoundError):
        return InvalidInput(f"no such file: {local}")
    if isinstance(exc, IsADirectoryError):
        return folder or InvalidInput(f"{local} is a folder", hint=FOLDER_HINT)
    return InvalidInput(f"cannot read {local}: {exc.strerror or exc}")


def check_regular(local: Path, mode: int, size: int) -> None:
    """InvalidInput unless (mode, size) describe a regular file boardkit may read."""
    kind = special_kind(mode)
    if kind is not None:
        raise InvalidInput(
            f"{local} is {kind}, not a regular file",
            hint="boardkit copies and runs regular files only; save the data to a file first",
        )
    if size > MAX_LOCAL_BYTES:
        raise InvalidInput(
            f"{local} is {size // (1024 * 1024)} MB, more than any board can hold "
            f"(boardkit reads files up to {MAX_LOCAL_BYTES // (1024 * 1024)} MB)",
            hint="check the file name",
        )


def check_readable(local: Path) -> int:
    """Raise InvalidInput now unless local is a regular file boardkit can read; its size.

    Cheap: one stat and an open (non-blocking, so a named pipe never waits for a writer).
    """
    try:
        mode = os.stat(local).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        size = os.stat(local).st_size
        check_regular(Path(local), mode, size)
        os.close(os.open(local, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError as exc:
        raise unreadable(Path(local), exc) from None
    return size


def read_regular(local: Path, *, folder: InvalidInput | None = None) -> bytes:
    """A local regular file's bytes; InvalidInput saying why when it cannot (or must not) be read.

    The file is opened without blocking and checked before a byte is read, so a FIFO or a
    device that replaced the file after an earlier check is refused, not read for ever.
    """
    local = Path(local)
    try:
        fd = os.open(local, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise unreadable(local, exc, folder) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise unreadable(local, IsADirectoryError(errno.EISDIR, "Is a directory"), folder)
        check_regular(local, info.st_mode, info.st_size)
        chunks = []
        total = 0
        while chunk := os.read(fd, 1 << 20):
            total += len(chunk)
            if total > MAX_LOCAL_BYTES:  # grew while we read it
                check_regular(local, info.st_mode, total)
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise unreadable(local, exc, folder) from None
    finally:
        os.close(fd)
