"""littlefs2 filesystem images, built and read with each MicroPython port's own settings.

MicroPython mounts littlefs2 with extmod/vfs_lfs.c's defaults (read size 32, lookahead 32,
block cycles 100) and a program size that depends on the port: 32 on the ESP32 family,
256 on the rp2 port (`vfs.VfsLfs2(rp2.Flash(), progsize=256)` in its _boot.py). The block
size is the flash erase sector (4 KB). The on-disk version is pinned to 2.0, which every
lfs2 reads. An image built with one port's settings is read back with the same settings.

    image = build_image({"main.py": b"..."}, 0x200000, PORT_SETTINGS["esp32"])
    files = read_image(image, PORT_SETTINGS["esp32"])
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from boardkit.errors import FirmwareError, InvalidInput

BLOCK_SIZE = 4096
NAME_MAX = 255
DISK_VERSION = 0x00020000


@dataclass(frozen=True)
class LittlefsSettings:
    """How one MicroPython port formats and mounts its littlefs2 filesystem."""

    prog_size: int
    read_size: int = 32
    lookahead_size: int = 32
    block_cycles: int = 100
    block_size: int = BLOCK_SIZE

    def options(self, block_size: int | None = None) -> dict[str, Any]:
        """Keyword arguments for littlefs-python's LittleFS (without block_count)."""
        return {
            "block_size": block_size or self.block_size,
            "read_size": self.read_size,
            "prog_size": self.prog_size,
            "lookahead_size": self.lookahead_size,
            "block_cycles": self.block_cycles,
            "name_max": NAME_MAX,
            "disk_version": DISK_VERSION,
        }


# Per port (the name MicroPython's source tree uses for it).
PORT_SETTINGS: dict[str, LittlefsSettings] = {
    "esp32": LittlefsSettings(prog_size=32),
    "rp2": LittlefsSettings(prog_size=256),
}


def check_paths(files: dict[str, bytes]) -> list[tuple[PurePosixPath, bytes]]:
    """The files as (relative path, bytes), sorted; InvalidInput for a name a board cannot hold."""
    checked = []
    for name, data in sorted(files.items()):
        path = PurePosixPath(name.lstrip("/"))
        if not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
            raise InvalidInput(
                f"{name!r} is not a file path the board can hold",
                hint="use relative paths like main.py or lib/helper.mpy",
            )
        for part in path.parts:
            if len(part.encode("utf-8")) > NAME_MAX:
                raise InvalidInput(f"{name}: a file name is at most {NAME_MAX} bytes on littlefs")
        checked.append((path, bytes(data)))
    return checked


def build_image(files: dict[str, bytes], size: int, settings: LittlefsSettings, block_size: int | None = None) -> bytes:
    """A littlefs2 image of `size` bytes holding `files` (board paths; folders are made).

    InvalidInput if the files do not fit or a name cannot be held; FirmwareError if
    littlefs itself fails.
    """
    from littlefs import LittleFS, LittleFSError

    options = settings.options(block_size)
    block = options["block_size"]
    if size <= 0 or size % block:
        raise InvalidInput(
            f"the filesystem size {size} is not a whole number of {block}-byte blocks",
            hint="fix the board's [fs] size and block_size",
        )
    entries = check_paths(files)
    fs = LittleFS(block_count=size // block, mount=False, **options)
    fs.format()
    fs.mount()
    try:
        for path, data in entries:
            if len(path.parts) > 1:
                fs.makedirs(str(path.parent), exist_ok=True)
            with fs.open(str(path), "wb") as f:
                f.write(data)
    except LittleFSError as exc:
        if exc.code == LittleFSError.Error.LFS_ERR_NOSPC:
            raise InvalidInput(
                f"the files ({sum(len(d) for _, d in entries)} bytes) do not fit in the "
                f"{size}-byte filesystem ({size // block} blocks of {block})",
                hint="leave some files out",
            ) from None
        raise FirmwareError(f"building the littlefs image failed: {exc}") from None
    except (FileExistsError, NotADirectoryError, IsADirectoryError) as exc:
        raise InvalidInput(f"two kit files clash: {exc}", hint="a name cannot be both a file and a folder") from None
    fs.unmount()
    return bytes(fs.context.buffer)


def read_image(image: bytes, settings: LittlefsSettings, block_size: int | None = None) -> dict[str, bytes]:
    """Every file in a littlefs2 image, by board path (no leading '/')."""
    from littlefs import LittleFS

    options = settings.options(block_size)
    block = options["block_size"]
    size = len(image) - len(image) % block
    fs = LittleFS(block_count=size // block, mount=False, **options)
    fs.context.buffer[:] = image[:size]
    try:
        fs.mount()
    except Exception as exc:  # littlefs.LittleFSError: LFS_ERR_CORRUPT on an empty or FAT partition
        raise FirmwareError(
            f"no littlefs2 filesystem here ({exc})", hint="the partition is empty, corrupt or formatted as FAT"
        ) from None
    files: dict[str, bytes] = {}
    for root, _dirs, names in fs.walk("/"):
        for name in names:
            path = f"{root.rstrip('/')}/{name}".lstrip("/")
            with fs.open(path, "rb") as f:
                files[path] = f.read()
    return files
