"""Building micro:bit V1 MicroPython with frozen modules, from Debian's source package.

The steps: compile each module with mpy-cross 1.9.2, convert the .mpy files to one C file
(frozen_c), write it into the prepared tree only if it changed, and run the upstream `make`
as debian/rules does (CXXFLAGS=-std=gnu++14 for GCC 12, PYTHONHASHSEED=0 so yotta orders the
build the same way every time). When only the frozen C changed, ninja recompiles that one
file and relinks: seconds, not the minute of a clean build.

    result = build_microbit([Path("lesson/helpers.py")], Path("out.hex"), on_note=print)
    result.code_size, result.fs_bytes, result.modules[0].mpy_bytes
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware.build import source_tree, toolchain

Note = Callable[[str], None]

MAKE_TIMEOUT = 1200.0
HEX = Path("build") / "firmware.hex"
ELF = Path("build") / "bbc-microbit-classic-gcc-nosd" / "source" / "microbit-micropython"
FLASH_SIZE = 256 * 1024
MIN_FS_BYTES = 1024  # below this the board has no room left for even main.py and a lesson file
OVERFLOW = re.compile(r"will not fit in region|overflowed by \d+ bytes")
OVERFLOW_BY = re.compile(r"region [`']?FLASH'? overflowed by (\d+) bytes")


@dataclass
class FrozenModule:
    """One module frozen into the image: its import name, where it came from, its sizes."""

    name: str  # "helpers" (imported as `import helpers`)
    source: str  # the .py file it was compiled from
    py_bytes: int
    mpy_bytes: int
    heap_bytes: int | None = None  # heap used once imported (measured in QEMU), None if not measured
    import_error: str | None = None  # what importing it in QEMU raised, if it did


@dataclass
class BuiltImage:
    """A micro:bit firmware image built with frozen modules, and what it cost."""

    image: Path
    sha256: str
    image_bytes: int
    code_size: int  # bytes of flash the firmware (code + constant data, frozen modules included) takes
    fs_bytes: int  # bytes left for the micro:bit filesystem (main.py, lesson files)
    modules: list[FrozenModule] = field(default_factory=list)
    seconds: float = 0.0
    relinked: bool = False  # only the frozen modules changed: a recompile of one file and a relink
    source: str = ""  # the source tree it was built from

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data (for --json)."""
        return {**asdict(self), "image": str(self.image)}


def module_sources(freeze: list[Path]) -> dict[str, Path]:
    """The .py files to freeze, by file name: each FILE, and each DIR's top-level .py files.

    InvalidInput for a missing path, a file that is not .py, a folder with none, two modules
    of one name.
    """
    found: dict[str, Path] = {}
    for item in freeze:
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.glob("*.py") if p.is_file())
            if not files:
                raise InvalidInput(
                    f"{path} has no .py modules to freeze", hint="give a folder of .py files, or the files"
                )
        elif path.is_file():
            if path.suffix != ".py":
                raise InvalidInput(f"{path}: only .py modules can be frozen", hint="give the module's .py file")
            files = [path]
        else:
            raise InvalidInput(f"{path}: no such file or folder")
        for file in files:
            if not file.stem.isidentifier():
                raise InvalidInput(f"{file}: {file.stem!r} cannot be imported (not a Python name)")
            if file.name in found and found[file.name].resolve() != file.resolve():
                raise InvalidInput(f"two modules would both be {file.stem}: {found[file.name]} and {file}")
            found[file.name] = file
    return dict(sorted(found.items()))


def frozen_source(modules: dict[str, Path], tree: Path, on_note: Note | None = None) -> tuple[str, list[FrozenModule]]:
    """The frozen-modules C file for these modules, and what each one is."""
    from boardkit.firmware.build.frozen_c import frozen_c_source
    from boardkit.firmware.build.mpy_compiler import compile_module
    from boardkit.firmware.build.mpy_reader import read_mpy
    from boardkit.firmware.build.qstrs import StaticQstrs

    raws = {}
    described = []
    for name, path in modules.items():
        mpy = compile_module(path, name, on_note)
        try:
            raws[name] = read_mpy(mpy)
        except FirmwareError as exc:
            raise FirmwareError(f"{path}: {exc.message}", hint=exc.hint) from None
        described.append(FrozenModule(path.stem, str(path), path.stat().st_size, len(mpy)))
    static = StaticQstrs.parse(source_tree.qstr_header(tree).read_text())
    try:
        text = frozen_c_source(raws, static)
    except FirmwareError as exc:
        raise FirmwareError(exc.message, hint=exc.hint) from None
    return text, described


def _write_if_changed(path: Path, text: str) -> bool:
    """Write text unless the file holds it already (an unchanged file keeps ninja idle)."""
    if path.is_file() and path.read_text() == text:
        return False
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)
    return True


def _make(tree: Path) -> str:
    env = {
        **os.environ,
        "PYTHONHASHSEED": "0",  # yotta's build order follows Python's set order
        "CXXFLAGS": "-std=gnu++14",  # GCC 12 rejects the DAL's `byte` under C++17
        "GIT_DIR": str(tree / ".no-git"),  # the version header is fixed; never read a parent repo
        "LC_ALL": "C",
    }
    env.pop("CFLAGS", None)
    # MBIT_VER_FILE: upstream regenerates inc/genhdr/microbitversion.h (today's date) on
    # every make; aim that rule at a file nothing includes, keeping boardkit's fixed header.
    command = ["make", "all", "MBIT_VER_FILE=build/microbitversion.unused.h"]
    (tree / "build").mkdir(exist_ok=True)
    try:
        proc = subprocess.run(
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=MAKE_TIMEOUT, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired:
        raise FirmwareError(f"the firmware build took over {MAKE_TIMEOUT:g} s", hint="see build/ in {tree}") from None
    log = proc.stdout + proc.stderr
    (tree / "build" / "boardkit-make.log").write_text(log)
    if proc.returncode != 0:
        if OVERFLOW.search(log):
            by = OVERFLOW_BY.search(log)
            over = f" by {by.group(1)} bytes" if by else ""
            raise FirmwareError(
                f"the frozen modules do not fit in the micro:bit's flash (over{over})",
                hint="freeze fewer or smaller modules; the rest can go in the filesystem",
            )
        errors = [line for line in log.splitlines() if "error" in line.lower()]
        raise FirmwareError(
            f"the firmware build failed: {(errors or log.splitlines() or ['make failed'])[-1].strip()}",
            hint=f"the whole log: {tree / 'build' / 'boardkit-make.log'}",
        )
    return log


def _code_size(tree: Path) -> int:
    proc = subprocess.run(
        ["arm-none-eabi-size", "-A", str(tree / ELF)], capture_output=True, text=True, timeout=60, check=False
    )
    total = 0
    for line in proc.stdout.splitlines():
        parts = line.split()
        # sections that take flash: code and read-only data, and .data's initial values
        if len(parts) >= 3 and parts[0] in (".text", ".ARM.exidx", ".data", ".rodata") and parts[1].isdigit():
            total += int(parts[1])
    return total


def build_microbit(freeze: list[Path], output: Path, on_note: Note | None = None) -> BuiltImage:
    """Build micro:bit V1 MicroPython with `freeze` (.py files or folders of them) frozen in,
    and write the .hex to `output` (atomically). See the module docstring for the steps."""
    from boardkit.firmware.microbit_fs import filesystem_capacity

    started = time.monotonic()
    modules = module_sources(freeze)  # bad paths are said before anything is fetched
    toolchain.require()
    tree = source_tree.ensure_tree(on_note)
    with source_tree.lock(tree):
        text, described = frozen_source(modules, tree, on_note)
        first = not (tree / HEX).is_file()
        changed = _write_if_changed(tree / source_tree.FROZEN_C, text)
        if on_note and first:
            on_note("building the firmware from source (about a minute, once; later builds relink)")
        _make(tree)
        data = (tree / HEX).read_bytes()
        code_size = _code_size(tree)
    hex_text = data.decode("ascii")
    try:
        fs_bytes = filesystem_capacity(hex_text)
    except (FirmwareError, InvalidInput) as exc:
        raise FirmwareError(
            f"the frozen modules leave no room for the micro:bit filesystem ({exc})",
            hint="freeze fewer or smaller modules",
        ) from None
    if fs_bytes < MIN_FS_BYTES:
        raise FirmwareError(
            f"the frozen modules leave only {fs_bytes} bytes for the micro:bit filesystem",
            hint="freeze fewer or smaller modules",
        )
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, output)
    return BuiltImage(
        image=output,
        sha256=hashlib.sha256(data).hexdigest(),
        image_bytes=len(data),
        code_size=code_size,
        fs_bytes=fs_bytes,
        modules=described,
        seconds=round(time.monotonic() - started, 2),
        relinked=not first and changed,
        source=str(tree),
    )
