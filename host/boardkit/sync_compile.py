"""What `push/sync --compile` sends: each .py module as the .mpy the board imports.

The .py files on the computer stay the source of truth; the board gets x.mpy in place of
x.py, compiled for its own .mpy version (boardkit.mpy_compile, cached). The files the
board runs by name (main.py, boot.py) stay .py, checked by the compiler all the same, so a
syntax error anywhere stops the sync before anything on the board changes.

    with tempfile.TemporaryDirectory() as work:
        files = compiled_files(found, device.caps, Path(work))   # x.py -> LocalFile("x.mpy")
        plan = sync.plan_push(device, files, ...)                # compares compiled bytes

A compiled file's LocalFile.path is its .mpy in `work`, so the plan (hashes, sizes, free
space) and every writer see the bytes that go to the board; LocalFile.source names the .py.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from boardkit import mpy_compile
from boardkit.device.probe import Capabilities
from boardkit.errors import InvalidInput, UnsupportedOnBoard
from boardkit.sync import IGNORE_FILE, LocalFile

# Files a MicroPython board runs by name at start-up: compiled, it would not find them.
KEEP_AS_SOURCE = frozenset({"main.py", "boot.py"})
SOURCE_SUFFIX = ".py"
COMPILED_SUFFIX = ".mpy"


def check_can_compile(caps: Capabilities) -> None:
    """UnsupportedOnBoard (one line, with a hint) when --compile cannot serve this board."""
    if caps.implementation != "micropython":
        raise UnsupportedOnBoard(
            f"--compile makes MicroPython .mpy files; this board runs {caps.implementation} {caps.version_text}",
            hint="drop --compile (CircuitPython's .mpy files come from its own mpy-cross)",
        )
    if not caps.mpy_version:
        # MicroPython says since 1.12 (sys.implementation.mpy, _mpy from 1.19); the micro:bit
        # v1's 1.9 cannot load .mpy files at all
        raise UnsupportedOnBoard(
            f"this board's MicroPython {caps.version_text} does not say which .mpy files it imports "
            "(no sys.implementation._mpy), so boardkit cannot compile for it",
            hint="drop --compile: it runs the .py files",
        )
    if not mpy_compile.can_compile(caps.mpy_version):
        # compile_source says which versions there are, and how to get the board's
        mpy_compile.compile_source(b"", "check.py", caps.mpy_version)


def compiled_name(rel: str) -> str | None:
    """The board name --compile gives a local file ("lib/x.py" -> "lib/x.mpy"), None to send as is."""
    path = PurePosixPath(rel)
    if path.suffix != SOURCE_SUFFIX or path.name in KEEP_AS_SOURCE:
        return None
    return str(path.with_suffix(COMPILED_SUFFIX))


def compiled_files(files: list[LocalFile], caps: Capabilities, work: Path) -> list[LocalFile]:
    """files with every module compiled for this board: x.py becomes x.mpy (written under work).

    InvalidInput "lib/x.py:3: SyntaxError: ..." for the first file that does not compile,
    before anything is sent; InvalidInput when the folder also holds the x.mpy that x.py
    would become (which one should the board get?).
    """
    check_can_compile(caps)
    names = {f.rel for f in files}
    result: list[LocalFile] = []
    for index, local in enumerate(files):
        target = compiled_name(local.rel)
        if not local.rel.endswith(SOURCE_SUFFIX):
            result.append(local)
            continue
        from boardkit.local_files import read_regular

        source = read_regular(local.path)
        compiled = mpy_compile.compile_source(source, local.rel, caps.mpy_version)
        if target is None:
            result.append(local)  # main.py / boot.py: checked, sent as source
            continue
        if target in names:
            raise InvalidInput(
                f"{local.rel} would become {target}, which the folder also holds",
                hint=f"remove one of them, or list {target} in {IGNORE_FILE}",
            )
        out = work / f"{index}{COMPILED_SUFFIX}"
        out.write_bytes(compiled)
        result.append(LocalFile(target, out, len(compiled), source=local.rel))
    return result
