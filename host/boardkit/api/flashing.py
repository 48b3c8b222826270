"""Firmware onto boards: the kit -> image -> flash workflow, once, for the CLI, fleet and scripts.

    from boardkit.api.flashing import flash, flash_target, prepare_image, resolve_board

    board = resolve_board("esp32_generic")
    image = prepare_image(board, kit_dir=Path("lesson3"))          # pinned firmware + the kit
    result = flash(board, image, flash_target(board, port="/dev/ttyUSB0"))
    print(result.banner)

Every step checks before it touches a board: a broken kit is said before any download, an
image is checked as the board's format (truncated, corrupt, another chip) before a port is
opened. Progress arrives through `progress(done, total)` callbacks, notes for the user (the
wasm runtime being installed on first use) through `on_note(line)`; nothing is printed.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.boards import Board, boards_for_usb, get_board, load_boards
from boardkit.errors import InvalidInput, PortNotFound
from boardkit.flash import FlashTarget, Progress, flash_board, get_flasher

if TYPE_CHECKING:
    from boardkit.firmware.cache import CachedImage
    from boardkit.firmware.kit import KitFiles

# One line for the user: an install on first use starting and ending (wasm_runtime.RuntimeProgress).
NoteCallback = Callable[[str], None]

__all__ = [
    "FlashResult",
    "FlashTarget",
    "KitResult",
    "add_firmware",
    "build_kit",
    "fetch_firmware",
    "flash",
    "flash_target",
    "list_boards",
    "list_firmware",
    "prepare_image",
    "resolve_board",
]


@dataclass
class FlashResult:
    """What a flash did: the board, its method, the image, how long, the banner the board
    printed after (None when there was no port to listen on), and the flasher's details."""

    board: str
    method: str
    image: str
    seconds: float
    banner: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A flat dict for --json: the flasher's details, then these fields over them."""
        return {
            **self.details,
            "board": self.board,
            "method": self.method,
            "image": self.image,
            "seconds": self.seconds,
            "banner": self.banner,
        }


@dataclass
class KitResult:
    """A built kit image: where it is, for which board, and what went into it."""

    image: Path
    board: str
    bytes: int
    files: list[str]
    compiled: list[str]
    as_source: list[str]
    note: str = ""
    frozen: list[str] = field(default_factory=list)  # lib/ modules frozen into the firmware (--freeze)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "image": str(self.image)}


def resolve_board(board_id: str | None = None, port: str | None = None) -> Board:
    """The board: by id, else what the port is (a virtual board's kind, or a USB VID:PID that
    only one board in the catalogue shows). InvalidInput when it cannot be told."""
    if board_id:
        return get_board(board_id)
    if port:
        from boardkit import virtual

        found = virtual.find(port)
        if found is not None:
            return get_board(f"virtual_{found.kind}")
        from boardkit.ports import serial_ports

        for info in serial_ports(include_all=True):
            if info.port == port and info.vid_pid:
                vid, pid = (int(part, 16) for part in info.vid_pid.split(":"))
                candidates = boards_for_usb(vid, pid)
                if len(candidates) == 1:
                    return candidates[0]
                if candidates:
                    raise InvalidInput(
                        f"{port} could be {', '.join(b.id for b in candidates)}", hint="say which with --board"
                    )
        from boardkit.ports import resolve

        # A port that is not there is said as such, not as "which board".
        if "://" not in port and os.sep in port and not os.path.exists(port):
            raise PortNotFound(f"no such port: {port}", hint="run `boardkit devices` to see the boards present")
        resolve(port)
        raise InvalidInput(f"which board is on {port}?", hint="give --board ID (see `boardkit boards`)")
    raise InvalidInput("which board is this?", hint="give --board ID (see `boardkit boards`)")


def prepare_image(
    board: Board,
    *,
    kit_dir: Path | None = None,
    version: str | None = None,
    image: Path | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    extra_files: dict[str, bytes] | None = None,
    workdir: Path | None = None,
    on_note: NoteCallback | None = None,
) -> Path:
    """The checked image to flash onto `board`.

    image: a local firmware file, checked as the board's format (instead of the pinned release).
    version: a pinned release (default: the newest); downloaded once, SHA-256 checked every use.
    kit_dir: build a kit image (the firmware with the kit's files inside) and return it;
    extra_files go into the kit too. Kit images are written to `workdir` (default: a kits
    folder beside the firmware cache, named by content).
    on_note(line): told when an install on first use (the wasm board's npm runtime) starts and ends.
    """
    if kit_dir is not None:
        folder = workdir if workdir is not None else _kits_dir()
        return build_kit(
            kit_dir,
            board,
            folder / f"{board.id}-kit",
            version=version,
            firmware=image,
            offline=offline,
            progress=progress,
            extra_files=extra_files,
            on_note=on_note,
        ).image
    return _firmware(board, version, image, offline, progress, on_note)


def build_kit(
    kit_dir: Path,
    board: Board,
    output: Path,
    *,
    version: str | None = None,
    firmware: Path | None = None,
    offline: bool = False,
    progress: Progress | None = None,
    extra_files: dict[str, bytes] | None = None,
    on_note: NoteCallback | None = None,
    freeze: bool = False,
) -> KitResult:
    """Build `kit_dir` into one flashable image for `board`, written atomically to `output`.

    The kit is checked (and lib/ modules compiled) before the firmware is fetched. `output`
    without a suffix gets the board's kit suffix; another suffix is InvalidInput.
    on_note: as in prepare_image.
    freeze: build the firmware from source with the kit's lib/ modules frozen into flash
    (boardkit.api.firmware_build; micro:bit V1 only) instead of putting them in the filesystem.
    """
    from boardkit.firmware.kit import build_kit_image, collect_kit

    kit = collect_kit(Path(kit_dir), board)  # a broken kit is said before any download
    frozen: list[str] = []
    if freeze:
        firmware, frozen = _frozen_firmware(Path(kit_dir), board, kit, version, firmware, on_note)
    kit.files.update(extra_files or {})
    base = _firmware(board, version, firmware, offline, progress, on_note)
    data, suffix = build_kit_image(kit, board, base)
    output = Path(output)
    if not output.suffix:
        output = output.with_name(output.name + suffix)
    elif output.suffix != suffix:
        raise InvalidInput(
            f"a kit for {board.name} is a {suffix} file, not {output.suffix}",
            hint=f"use -o {output.with_suffix(suffix).name}",
        )
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise InvalidInput(
            f"cannot write {output}: {exc.strerror or exc}", hint="give -o a folder you can write to"
        ) from None
    return KitResult(
        image=output,
        board=board.id,
        bytes=len(data),
        files=sorted(kit.files),
        compiled=kit.compiled,
        as_source=[] if frozen else kit.as_source,
        note="" if frozen else kit.note,
        frozen=frozen,
    )


def check_kit_output(output: Path) -> None:
    """InvalidInput now (before any download) when a kit could not be written to output:
    its folder is missing or a file, or output is a folder."""
    output = Path(output)
    folder = output.parent
    if output.is_dir():
        raise InvalidInput(f"{output} is a folder", hint="give -o a file name, e.g. -o lesson.hex")
    if not folder.exists():
        raise InvalidInput(f"no such folder: {folder}", hint="make it first, or give -o a folder that exists")
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is a file, not a folder", hint="give -o a path in a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvalidInput(f"cannot write into {folder}: permission denied", hint="give -o a folder you can write to")


def _frozen_firmware(
    kit_dir: Path,
    board: Board,
    kit: KitFiles,
    version: str | None,
    firmware: Path | None,
    on_note: NoteCallback | None,
) -> tuple[Path, list[str]]:
    """Firmware built with the kit's lib/ modules frozen in; those modules leave kit.files."""
    from boardkit.api.firmware_build import build_firmware
    from boardkit.firmware.kit import LIB_FOLDER

    if version is not None or firmware is not None:
        raise InvalidInput("--freeze builds the firmware from source: give no --version or --firmware with it")
    modules = sorted(p for p in (kit_dir / LIB_FOLDER).glob("*.py") if p.is_file())
    if not modules:
        raise InvalidInput(f"{kit_dir} has no {LIB_FOLDER}/*.py modules to freeze", hint="put helper modules in lib/")
    built = build_firmware(board, modules, _kits_dir() / f"{board.id}-frozen-base.hex", measure=False, on_note=on_note)
    for module in modules:
        for name in (module.name, f"{LIB_FOLDER}/{module.name}"):
            kit.files.pop(name, None)
    return built.image, [module.name for module in built.modules]


def flash_target(board: Board, port: str | None = None, drive: Path | None = None) -> FlashTarget:
    """Where `board` is flashed, from what the user gave: its flasher says what it needs (a
    serial port, a drive, a virtual board's name). With neither port nor drive, a method
    that needs a port takes the only board present (ports.resolve)."""
    flasher = get_flasher(board.method)
    if not port and not drive and flasher.needs in ("port", "virtual"):
        from boardkit.ports import resolve

        port = resolve(None)
    return flasher.target(port, drive)


def flash(
    board: Board, image: Path | None, target: FlashTarget, *, erase: bool = False, progress: Progress | None = None
) -> FlashResult:
    """Write `image` to `board` at `target` by the board's flash method; verify it and wait
    for MicroPython's banner where the method can. FlashError when the board does not end up
    running it; InvalidInput when the target lacks what the method needs."""
    started = time.monotonic()
    summary = flash_board(board, image, target, erase=erase, progress=progress)
    return FlashResult(
        board=board.id,
        method=board.method,
        image=str(image or ""),
        seconds=round(time.monotonic() - started, 2),
        banner=summary.get("banner"),
        details=summary,
    )


# ---------------------------------------------------------------- the catalogue and the cache


def list_boards() -> list[Board]:
    """Every board in the catalogue (boards/*.toml, or BOARDKIT_BOARDS), validated."""
    return list(load_boards().values())


def list_firmware() -> list[CachedImage]:
    """Every image in the firmware cache."""
    from boardkit.firmware.cache import list_cached

    return list_cached()


def fetch_firmware(
    board: Board,
    *,
    version: str | None = None,
    flavour: str = "micropython",
    offline: bool = False,
    progress: Progress | None = None,
    on_note: NoteCallback | None = None,
) -> CachedImage:
    """A board's pinned release in the cache: downloaded once, its SHA-256 checked every use.

    on_note: as in prepare_image."""
    from boardkit.firmware.cache import image_for

    return image_for(board, version=version, flavour=flavour, offline=offline, progress=progress, on_note=on_note)


def add_firmware(path: Path, board_id: str | None = None) -> CachedImage:
    """Copy a local image into the cache (checked as its format, and for the board if given)
    and lock its hash."""
    from boardkit.firmware.cache import add

    return add(Path(path), board_id)


# ---------------------------------------------------------------- helpers


def _firmware(
    board: Board,
    version: str | None,
    image: Path | None,
    offline: bool,
    progress: Progress | None,
    on_note: NoteCallback | None = None,
) -> Path:
    """A local image checked as the board's format, or the pinned release from the cache."""
    from boardkit.firmware.formats import image_format

    if image is None:
        from boardkit.firmware.cache import image_for

        return image_for(board, version=version, offline=offline, progress=progress, on_note=on_note).path
    if version is not None:
        raise InvalidInput("give either --version or an IMAGE file, not both")
    image = Path(image)
    if image.exists() and not image.is_file():
        from boardkit.local_files import check_readable

        check_readable(image)  # says what it is instead: a folder, a FIFO, a device
    if not image.is_file():
        raise InvalidInput(f"{image}: no such file")
    release = board.release()
    fmt = image_format(release.format)
    info = fmt.check(image, chip=board.chip, uf2_family=board.uf2_family)
    fmt.check_whole(image.name, info, release.offset)
    return image


def _kits_dir() -> Path:
    from boardkit.firmware.store import cache_dir

    return cache_dir().parent / "kits"
