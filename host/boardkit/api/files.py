"""Files on the board, one call each: put, get, cat, ls, rm, mkdir, cp.

Writes land under a temporary name and are renamed once complete and checked (the board's
side: Device.write_file; the computer's side: get writes beside the target and renames).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boardkit.device import TMP_SUFFIX, Device, FileEntry, resident
from boardkit.errors import InvalidInput
from boardkit.local_files import check_readable, read_regular, unreadable

# (bytes done, bytes total) for one file
ByteProgress = Callable[[int, int], None]


@dataclass
class Copied:
    """One file copied: from where, to where, how many bytes."""

    source: str
    target: str
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "target": self.target, "bytes": self.bytes}


def entry_dict(entry: FileEntry) -> dict[str, Any]:
    """A listing entry as JSON-ready data: name, path, size (None for a folder), type."""
    return {
        "name": entry.name,
        "path": entry.path,
        "size": None if entry.is_dir else entry.size,
        "type": "dir" if entry.is_dir else "file",
    }


def ls(device: Device, path: str = "/", *, show_all: bool = False) -> list[FileEntry]:
    """The files and folders in a board folder (not recursive). boardkit's own folder (the
    helpers it keeps on the board, /.boardkit) is left out unless show_all."""
    entries = device.listdir(path)
    if show_all:
        return entries
    return [e for e in entries if e.path.rstrip("/") != resident.FOLDER]


def cat(device: Device, path: str, *, progress: ByteProgress | None = None) -> bytes:
    """A board file's bytes."""
    return device.read_file(path, progress=progress)


def _unreadable(local: Path, exc: OSError, folder: InvalidInput | None = None) -> InvalidInput:
    """Why a local file cannot be read (kept for callers; see boardkit.local_files)."""
    return unreadable(local, exc, folder)


def read_local(local: Path, *, folder: InvalidInput | None = None) -> bytes:
    """A local file's bytes; InvalidInput saying why when it cannot be read (for a folder:
    `folder` if given). Only regular files up to MAX_LOCAL_BYTES: a named pipe or a device
    (/dev/zero) is refused instead of read for ever."""
    return read_regular(local, folder=folder)


def check_local_put(local: Path) -> None:
    """Raise InvalidInput now if put could not read local (missing, a folder, unreadable,
    not a regular file, too big).

    Cheap (opens the file, reads nothing): call it before connecting, so a mistyped name is
    reported without waiting for a board.
    """
    check_readable(Path(local))


def put(device: Device, local: Path, remote: str | None = None, *, progress: ByteProgress | None = None) -> Copied:
    """Copy a local file to the board as remote (default: its name, in the top folder).

    A remote ending in "/" or naming a board folder gets the file inside it.
    """
    local = Path(local)
    data = read_local(local)
    target = remote or local.name
    if target.endswith("/") or (remote and device.caps.has_folders and _is_dir(device, target)):
        target = target.rstrip("/") + "/" + local.name
    device.write_file(target, data, progress=progress)
    return Copied(str(local), target, len(data))


def _is_dir(device: Device, path: str) -> bool:
    found = device.stat(path)
    return bool(found and found[0] == "d")


def check_local_get(remote: str, local: Path | None = None) -> Path:
    """Where get would write the board file remote; InvalidInput now if it cannot write there.

    Call it before connecting: a missing output folder is reported without a board.
    """
    name = remote.rstrip("/").rsplit("/", 1)[-1]
    if not name:
        raise InvalidInput(
            f"get {remote}: give a file, not a folder", hint="folders: `boardkit sync --pull REMOTE_DIR LOCAL_DIR`"
        )
    target = Path(local) if local is not None else Path(name)
    if target.is_dir():
        target = target / name
    folder = target.parent
    if not folder.exists():
        raise InvalidInput(f"no such folder: {folder}", hint="make it first, or give a folder that exists")
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"cannot write into {folder}: permission denied")
    if target.exists() and not target.is_file():
        raise InvalidInput(f"{target} is not a regular file", hint="give a file name or a folder to copy into")
    # Some folders pass every test above and still refuse files (/proc, a read-only mount,
    # root's permissions): try the temporary name get writes first.
    _write_replacing(target, b"", probe=True)
    return target


def _write_replacing(target: Path, data: bytes, *, probe: bool = False) -> None:
    """Write data beside target and rename it over target (probe: only try the temporary
    file, then remove it). InvalidInput saying why when this computer refuses."""
    tmp = target.with_name(f".{target.name}{TMP_SUFFIX}")
    try:
        tmp.write_bytes(data)
        if probe:
            tmp.unlink()
        else:
            os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise InvalidInput(
            f"cannot write {target}: {exc.strerror or exc}", hint="give a folder you can write to"
        ) from None


def get(device: Device, remote: str, local: Path | None = None, *, progress: ByteProgress | None = None) -> Copied:
    """Copy a board file to local (default: its name, here; a local folder gets it inside)."""
    target = check_local_get(remote, local)
    data = device.read_file(remote, progress=progress)
    # Write beside the target and rename: an interrupted copy never clobbers a good file.
    _write_replacing(target, data)
    return Copied(remote, str(target), len(data))


def check_local_cp(source: str, dest: str) -> None:
    """Raise InvalidInput now for a cp that cannot work on this computer's side (see cp).

    A wrong spelling (no side marked ":"), a missing or unreadable file to send, or an
    output folder that does not exist; call it before connecting.
    """
    if cp_direction(source, dest) == "put":
        check_local_put(Path(source))
    else:
        check_local_get(source[1:], Path(dest))


def cp(device: Device, source: str, dest: str, *, progress: ByteProgress | None = None) -> Copied:
    """Copy one file either way; the board's side starts with ":" (mpremote's spelling).

    cp(d, "main.py", ":") puts main.py at the top; cp(d, ":data.csv", ".") gets it here.
    """
    if cp_direction(source, dest) == "put":
        return put(device, Path(source), dest[1:] or None, progress=progress)
    return get(device, source[1:], Path(dest), progress=progress)


def cp_direction(source: str, dest: str) -> str:
    """ "put" (to the board) or "get" (from it) for cp's arguments; InvalidInput unless one side has ":"."""
    on_board = [side.startswith(":") for side in (source, dest)]
    if on_board == [False, True]:
        return "put"
    if on_board == [True, False]:
        return "get"
    raise InvalidInput(
        f"cp {source} {dest}: mark exactly one side as the board's with ':'",
        hint="e.g. `boardkit cp main.py :main.py` or `boardkit cp :main.py .`",
    )


def rm(device: Device, paths: str | Iterable[str], *, recursive: bool = False) -> list[str]:
    """Remove files (or empty folders; with recursive, whole folders); returns what was removed.

    Stops at the first that cannot be removed (the ones before it are gone).
    """
    names = [paths] if isinstance(paths, str) else list(paths)
    if not names:
        raise InvalidInput("rm: no path given")
    removed = []
    for path in names:
        device.remove(path, recursive=recursive)
        removed.append(path)
    return removed


def mkdir(device: Device, path: str) -> None:
    """Make a folder (UnsupportedOnBoard on a flat filesystem such as the micro:bit v1's)."""
    device.mkdir(path)
