"""The wasm board: MicroPython's WebAssembly build on node, its flash a host folder.

Its firmware is the pinned npm runtime (firmware/wasm); its image is its filesystem, given
as a .zip (each entry a file, its path the path on the board; folders allowed) or as a
folder on disk, and it replaces the board's host folder (fs/) wholesale.
"""

from __future__ import annotations

from pathlib import Path

from boardkit import paths, wasm_runtime
from boardkit.errors import VirtualBoardError
from boardkit.virtual import flash_size
from boardkit.virtual.image_files import (
    Files,
    as_files,
    files_from_folder,
    files_from_zip,
    replace_folder,
    zip_files,
)
from boardkit.virtual.kinds.base import Backend

HEAP_BYTES = 256 * 1024  # board-like: an ESP32 has ~100-160 KB free, an RP2040 ~190 KB


def runtime_files(progress: wasm_runtime.RuntimeProgress | None = None) -> tuple[Path, Path]:
    """(board.mjs, the npm runtime's micropython.mjs): installed on first use (npm ci from the
    lock file shipped in the package) when neither boardkit's data folder nor a checkout has it;
    progress hears when that install starts and ends."""
    return paths.wasm_bridge(), wasm_runtime.ensure(progress).module


class WasmBackend(Backend):
    def check(self) -> None:
        self.prepare()

    def prepare(self, on_note: wasm_runtime.RuntimeProgress | None = None) -> None:
        wasm_runtime.node_path()  # MissingDependency naming Node.js when there is none
        runtime_files(on_note)

    def command(self, state: Path, fs_dir: Path | None, monitor: str, image: Path | None = None) -> list[str]:
        runner, module = runtime_files()
        size = flash_size.read(state / "flash_size") or flash_size.DEFAULT_FLASH_SIZE
        return [
            "node",
            str(runner),
            "--fs",
            str(fs_dir),
            "--heap",
            str(HEAP_BYTES),
            "--flash-size",
            str(size),
            "--runtime",
            str(module),
        ]

    def build_image(self, image: Path | None, files: Files) -> tuple[bytes, str]:
        merged: dict[str, bytes] = {}
        if image is not None:
            image = Path(image)
            if image.is_dir():
                merged.update(files_from_folder(image))
            elif image.is_file() and image.suffix == ".zip":
                merged.update(files_from_zip(image))
            else:
                raise VirtualBoardError(
                    f"{image}: a wasm board's image is a .zip or a folder of its files",
                    hint="build one with `boardkit kit build KIT --board virtual_wasm -o kit.zip`",
                )
        merged.update(as_files(files))
        return zip_files(merged), ".zip"

    def install_image(self, staged: Path, board_dir: Path, fs_dir: Path | None) -> Path | None:
        if fs_dir is None:  # pragma: no cover - a wasm board always has its folder
            raise VirtualBoardError("the wasm board has no flash folder")
        replace_folder(fs_dir, files_from_zip(staged.read_bytes()))
        staged.unlink(missing_ok=True)
        return None


BACKEND = WasmBackend(
    "wasm",
    "MicroPython WebAssembly build on node",
    has_fs=True,
    restart_on_reset=True,
    strip_boot_nul=False,
    interrupt_fd=3,
    default_flash_size=flash_size.DEFAULT_FLASH_SIZE,
)
