"""What a virtual board boots: its image, staged by start() and installed by the daemon.

- micro:bit: a micro:bit V1 MicroPython .hex; its files live inside it (the filesystem
  region of the hex, see boardkit.firmware.microbit_fs), exactly as on a real board, where
  the hex is the whole flash. Default: Debian's firmware.hex with an empty filesystem.
- wasm: the firmware is the pinned npm runtime; the image is the board's filesystem, given
  as a .zip (each entry a file, its path the path on the board; folders allowed) or as a
  folder on disk. It replaces the board's host folder (fs/) wholesale.

start() stages the image as one file beside the board's state (`.image-XXXX.hex|.zip`) and
passes it to the daemon, which installs it only once it holds the board's name lock: a
hex becomes image.hex (what QEMU loads), a zip replaces fs/ (written beside it, swapped in).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from boardkit.errors import VirtualBoardError

IMAGE_HEX = "image.hex"
MAX_ZIP_BYTES = 64 * 1024 * 1024     # a virtual board's flash, not an archive bomb


# ---------------------------------------------------------------- files from images

def _board_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name.replace("\\", "/").lstrip("/"))
    if not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise VirtualBoardError(f"{name!r} is not a file path a board can hold",
                                hint="use relative paths like main.py or lib/helper.py")
    return path


def files_from_zip(data: bytes | Path) -> dict[str, bytes]:
    """The files of a wasm image (.zip): path on the board -> content. Folder entries are skipped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else Path(data))
    except (zipfile.BadZipFile, OSError) as exc:
        raise VirtualBoardError(f"the wasm board's image is not a readable .zip: {exc}",
                                hint="a wasm image is a .zip of the board's files (boardkit kit build)") from None
    files: dict[str, bytes] = {}
    with archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_ZIP_BYTES:
            raise VirtualBoardError("the wasm board's image unpacks to more than 64 MB",
                                    hint="a virtual board's flash is for code and small data files")
        for info in archive.infolist():
            if info.is_dir():
                continue
            files[str(_board_path(info.filename))] = archive.read(info)
    return files


def files_from_folder(folder: Path) -> dict[str, bytes]:
    """Every file under folder, by its path relative to it (dot files included)."""
    files = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = path.read_bytes()
    return files


def zip_files(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in sorted(files.items()):
            archive.writestr(str(_board_path(name)), data)
    return buffer.getvalue()


# ---------------------------------------------------------------- staging (start())

def _as_files(files) -> dict[str, bytes]:
    if files is None:
        return {}
    if isinstance(files, (str, Path)):
        folder = Path(files)
        if folder.is_dir():
            return files_from_folder(folder)
        if folder.is_file() and folder.suffix == ".zip":
            return files_from_zip(folder)
        raise VirtualBoardError(f"{folder}: not a folder or .zip of files", hint="give a folder of files")
    return {str(_board_path(name)): bytes(data) for name, data in dict(files).items()}


def stage(kind: str, board_dir: Path, image: Path | None, files) -> Path | None:
    """Build what the daemon installs; None when the board boots as it is."""
    if image is None and files is None:
        return None
    if kind == "microbit":
        data = _microbit_hex(image, _as_files(files))
        suffix = ".hex"
    elif kind == "wasm":
        merged = {}
        if image is not None:
            image = Path(image)
            if image.is_dir():
                merged.update(files_from_folder(image))
            elif image.is_file() and image.suffix == ".zip":
                merged.update(files_from_zip(image))
            else:
                raise VirtualBoardError(f"{image}: a wasm board's image is a .zip or a folder of its files",
                                        hint="build one with `boardkit kit build KIT --board virtual_wasm -o kit.zip`")
        merged.update(_as_files(files))
        data = zip_files(merged)
        suffix = ".zip"
    else:  # pragma: no cover - kinds are checked by start()
        raise VirtualBoardError(f"a {kind} board takes no image")
    board_dir.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(prefix=".image-", suffix=suffix, dir=board_dir)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(staged)


def _microbit_hex(image: Path | None, files: dict[str, bytes]) -> bytes:
    from boardkit.firmware.microbit_fs import add_files_to_hex, fs_region, load_hex
    from boardkit.virtual.backends import MICROBIT_FIRMWARE

    source = Path(image) if image is not None else MICROBIT_FIRMWARE
    try:
        text = source.read_text(encoding="ascii")
    except FileNotFoundError:
        raise VirtualBoardError(f"{source}: no such file", hint="give the .hex to boot") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VirtualBoardError(f"{source} is not a .hex file the micro:bit can boot ({exc})",
                                hint="give a micro:bit V1 MicroPython .hex") from None
    if files:
        text = add_files_to_hex(text, files)
    else:
        fs_region(load_hex(text))  # FirmwareError unless it looks like micro:bit V1 MicroPython
    return text.encode("ascii")


# ---------------------------------------------------------------- installing (daemon)

def install(kind: str, staged: Path, board_dir: Path, fs_dir: Path | None) -> Path | None:
    """Put a staged image in place; return the hex QEMU should load (micro:bit) or None."""
    if kind == "microbit":
        target = board_dir / IMAGE_HEX
        os.replace(staged, target)
        return target
    files = files_from_zip(Path(staged).read_bytes())
    replace_folder(fs_dir, files)
    Path(staged).unlink(missing_ok=True)
    return None


def replace_folder(folder: Path, files: dict[str, bytes]) -> None:
    """folder's contents become exactly `files`: written beside it, then swapped in."""
    folder = Path(folder)
    fresh = Path(tempfile.mkdtemp(prefix=f".{folder.name}-new-", dir=folder.parent))
    for name, data in files.items():
        target = fresh / _board_path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    old = folder.with_name(f".{folder.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        os.replace(folder, old)
    os.replace(fresh, folder)
    shutil.rmtree(old, ignore_errors=True)
