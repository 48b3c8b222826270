"""A virtual board's files as data: from a .zip or a folder, into a .zip, into a folder.

The pieces each kind's image handling (kinds/) is built from. Paths are the board's
(relative, '/'-separated); a path that would climb out of the board ("../x") is refused.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from boardkit.errors import VirtualBoardError

MAX_ZIP_BYTES = 64 * 1024 * 1024  # a virtual board's flash, not an archive bomb

Files = Mapping[str, bytes] | Path | str | None  # name -> content, or a folder / .zip of files


def board_path(name: str) -> PurePosixPath:
    """A file's path on the board; VirtualBoardError for one it cannot hold."""
    path = PurePosixPath(name.replace("\\", "/").lstrip("/"))
    if not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise VirtualBoardError(
            f"{name!r} is not a file path a board can hold", hint="use relative paths like main.py or lib/helper.py"
        )
    return path


def files_from_zip(data: bytes | Path) -> dict[str, bytes]:
    """The files of a wasm image (.zip): path on the board -> content. Folder entries are skipped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else Path(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise VirtualBoardError(
            f"the wasm board's image is not a readable .zip: {exc}",
            hint="a wasm image is a .zip of the board's files (boardkit kit build)",
        ) from None
    files: dict[str, bytes] = {}
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_ZIP_BYTES:
            raise VirtualBoardError(
                "the wasm board's image unpacks to more than 64 MB",
                hint="a virtual board's flash is for code and small data files",
            )
        for info in archive.infolist():
            if info.is_dir():
                continue
            files[str(board_path(info.filename))] = archive.read(info)
    return files


def files_from_folder(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by its path relative to it (dot files included)."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def zip_files(files: Mapping[str, bytes]) -> bytes:
    """The files as a .zip (a wasm board's image)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(str(board_path(name)), data)
    return buffer.getvalue()


def as_files(files: Files) -> dict[str, bytes]:
    """start(files=...) as name -> bytes: a mapping, a folder, or a .zip of files."""
    if files is None:
        return {}
    if isinstance(files, (str, Path)):
        folder = Path(files)
        if folder.is_dir():
            return files_from_folder(folder)
        if folder.is_file() and folder.suffix == ".zip":
            return files_from_zip(folder)
        raise VirtualBoardError(f"{folder}: not a folder or .zip of files", hint="give a folder of files")
    return {str(board_path(name)): bytes(data) for name, data in dict(files).items()}


def replace_folder(folder: Path, files: Mapping[str, bytes]) -> None:
    """folder's contents become exactly `files`: written beside it, then swapped in."""
    folder = Path(folder)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}-new-", dir=folder.parent))
    for name, data in files.items():
        target = fresh / board_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    old = folder.with_name(f".{folder.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(fresh, folder)
    shutil.rmtree(old, ignore_errors=True)
