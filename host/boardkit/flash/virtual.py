"""Flashing a virtual board: restart it, same name and port path kind, on the new image.

- micro:bit (QEMU): the image is a micro:bit V1 MicroPython .hex, which is its whole flash,
  so a kit's files travel inside it (boardkit.firmware.microbit_fs). Files given besides an
  image are written into its filesystem unless the hex already holds them.
- wasm: the firmware is the pinned npm runtime, so "flashing" the runtime (the package
  folder the firmware cache returns) restarts the board and keeps its files; a kit image is
  a .zip (or a folder) of files, which replaces the board's files.

Then, like a real flash, MicroPython's banner is confirmed over the board's port.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.errors import InvalidInput
from boardkit.flash.banner import confirm_banner
from boardkit.flash.base import Flasher, FlashTarget, Progress

if TYPE_CHECKING:
    from boardkit.boards import Board


def _is_wasm_runtime(image: Path) -> bool:
    return image.is_dir() and (image / "micropython.mjs").is_file()


def _image_and_files(
    kind: str, image: Path | None, files: dict[str, bytes] | None
) -> tuple[Path | None, dict[str, bytes] | None]:
    """What to pass to virtual.reflash for this kind."""
    if image is None:
        return None, files
    image = Path(image)
    if kind == "microbit":
        if files:
            from boardkit.firmware.microbit_fs import read_files_from_hex

            inside = read_files_from_hex(image.read_text(encoding="ascii", errors="replace"))
            files = {name: data for name, data in files.items() if inside.get(name) != data} or None
        return image, files
    if _is_wasm_runtime(image):
        return None, files  # the pinned runtime: nothing to install, files kept unless given
    return image, None if image.suffix == ".zip" or image.is_dir() else files


def flash_virtual(
    board: Board,
    image: Path | None,
    name: str,
    files: dict[str, bytes] | None = None,
    progress: Progress | None = None,
    timeout: float = 30,
    banner_timeout: float = 10.0,
) -> dict[str, Any]:
    """Restart the running virtual board `name` on `image` (+ files); confirm MicroPython's banner."""
    from boardkit import virtual

    started = time.monotonic()
    running = virtual.find(name)
    if running is None:
        raise InvalidInput(
            f"no running virtual board named {name}",
            hint=f"start one: boardkit virtual start {board.virtual_kind or 'wasm'} --name {name}",
        )
    if board.virtual_kind and running.kind != board.virtual_kind:
        raise InvalidInput(
            f"{name} is a {running.kind} board, not {board.name}", hint=f"use --board virtual_{running.kind}"
        )
    if image is not None and not Path(image).exists():
        raise InvalidInput(f"{image}: no such file")
    use_image, use_files = _image_and_files(running.kind, image, files)
    if progress:
        progress(0, 2)
    restarted = virtual.reflash(running, image=use_image, files=use_files, timeout=timeout)
    if progress:
        progress(1, 2)
    banner = confirm_banner(restarted.port, banner_timeout)
    if progress:
        progress(2, 2)
    return {
        "method": "virtual",
        "name": restarted.name,
        "kind": restarted.kind,
        "port": restarted.port,
        "image": str(restarted.image or image or ""),
        "seconds": round(time.monotonic() - started, 2),
        "banner": banner,
    }


class VirtualFlasher(Flasher):
    """A running virtual board (boardkit virtual start), by name: it restarts on the image."""

    method = "virtual"
    formats = ("virtual", "hex")
    needs = "virtual"
    board_fields = {"virtual_kind": "wasm or microbit"}
    target_hint = "give -p NAME (see `boardkit virtual list`)"

    def target(self, port: str | None = None, drive: Path | None = None) -> FlashTarget:
        """-p names the board (or its port): the target is the running board's name."""
        from boardkit import virtual

        found = virtual.find(port) if port else None
        name = found.name if found is not None else port
        return FlashTarget(port=port, drive=drive, virtual_name=name)

    def flash(
        self,
        board: Board,
        image: Path | None,
        target: FlashTarget,
        *,
        erase: bool = False,
        files: dict[str, bytes] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Restart the virtual board on the image; confirm the banner."""
        if target.virtual_name is None:
            raise InvalidInput("which virtual board?", hint=self.target_hint)
        return flash_virtual(board, image, target.virtual_name, files=files, progress=progress)
