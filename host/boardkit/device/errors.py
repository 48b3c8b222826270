"""A board's errors in words: its traceback as a RemoteError, its OSErrors as what went wrong.

Boards report errno numbers (MicroPython's, which are Linux's): the tables here turn them
into a sentence and a hint.
"""

from __future__ import annotations

import re

from boardkit.errors import BoardkitError, RemoteError, RemoteFileError

# errno numbers as MicroPython reports them (uerrno), to say what went wrong in words.
ERRNO_WORDS: dict[int, str] = {
    1: "not permitted",
    2: "no such file or folder",
    5: "input/output error",
    12: "out of memory",
    13: "permission denied",
    17: "already exists",
    20: "not a folder",
    21: "is a folder",
    22: "invalid name or argument",
    28: "no space left on the board",
    30: "read-only filesystem",
    36: "name too long",
    39: "folder not empty",
}
ERRNO_NAMES: dict[str, int] = {
    "EPERM": 1,
    "ENOENT": 2,
    "EIO": 5,
    "ENOMEM": 12,
    "EACCES": 13,
    "EEXIST": 17,
    "ENOTDIR": 20,
    "EISDIR": 21,
    "EINVAL": 22,
    "ENOSPC": 28,
    "EROFS": 30,
    "ENAMETOOLONG": 36,
    "ENOTEMPTY": 39,
}

# Ports whose errno numbers are not Linux's, as {platform: {their number: Linux's}}. None
# today: the wasm virtual board renumbers the WebAssembly build's WASI errnos itself (board_fs.mjs).
PLATFORM_ERRNOS: dict[str, dict[int, int]] = {}

ERRNO_HINTS: dict[int, str] = {
    2: "check the path with `boardkit ls`",
    28: "remove files with `boardkit rm` to make room",
    30: "a CircuitPython board's filesystem is read-only while its drive is mounted on a computer",
    36: "use a shorter name: a board's filesystem takes names of at most 255 bytes",
    39: "remove what is inside first, or use `boardkit rm -r`",
}

_LAST_LINE = re.compile(r"^(?P<type>[A-Za-z_][\w.]*)(?::\s*(?P<msg>.*))?$")


def remote_error(stderr: bytes) -> RemoteError:
    """Turn a board's traceback into a RemoteError carrying the exception type and message."""
    text = stderr.decode(errors="replace").replace("\r\n", "\n").strip()
    last = text.splitlines()[-1] if text else "the program failed"
    match = _LAST_LINE.match(last)
    exc_type = match.group("type") if match else ""
    hint = None
    if exc_type == "MemoryError":
        hint = "the program ran out of memory on the board; use smaller data or free memory with gc.collect()"
    return RemoteError(last, traceback=text, exc_type=exc_type, hint=hint)


def file_error(exc: RemoteError, path: str | None = None, platform: str = "") -> BoardkitError:
    """Say a failed file operation's OSError in words."""
    if exc.exc_type != "OSError":
        return exc
    code = None
    found = re.search(r"\[Errno (\d+)\]|OSError: (\d+)|\b(E[A-Z]+)\b", exc.message)
    if "bk: full" in exc.message or "no more storage space" in exc.message:
        code = 28  # written short (lib/bk_fs.py), or the micro:bit's own words for ENOSPC
    elif found and (found.group(1) or found.group(2)):
        code = int(found.group(1) or found.group(2))
        if platform in PLATFORM_ERRNOS:
            code = PLATFORM_ERRNOS[platform].get(code, code)
    elif found:
        code = ERRNO_NAMES.get(found.group(3))
    where = f"{path}: " if path else ""
    hint = ERRNO_HINTS.get(code) if code is not None else None
    if code is None or code not in ERRNO_WORDS:
        return RemoteFileError(f"{where}the board said {exc.message}", hint=hint)
    return RemoteFileError(f"{where}{ERRNO_WORDS[code]} (the board said {exc.message})", hint=hint)
