"""Device: one board, reached over a Link, driven through the raw REPL.

Capabilities are probed once per session (lazily, so `exec` does not pay for it) and
every filesystem operation adapts to what the board has: modern MicroPython,
CircuitPython, or the micro:bit v1's flat filesystem without os.stat.
"""

from __future__ import annotations

import ast
import base64
import hashlib
import re
import zlib
from dataclasses import asdict, dataclass, field
from typing import Callable

from boardkit import device_code
from boardkit.errors import (BoardkitError, CodeLost, DeviceError, RemoteError, RemoteFileError,
                             UnsupportedOnBoard)
from boardkit.repl import OutputCallback, RawRepl

Progress = Callable[[int, int], None]  # (done, total) in bytes


@dataclass
class Capabilities:
    implementation: str            # "micropython" | "circuitpython"
    version: tuple[int, int, int]
    platform: str                  # sys.platform: "esp32", "rp2", "microbit", "webassembly", ...
    machine: str
    release: str
    mem_free: int
    mem_total: int
    os_calls: list[str] = field(default_factory=list)
    binascii: bool = False
    fs_space: tuple[int, int] | None = None   # (free, total) bytes, where statvfs exists
    mpy_version: int = 0
    sha256: bool = False                      # hashlib.sha256 on the board (else Adler-32)

    @property
    def version_text(self) -> str:
        return ".".join(str(p) for p in self.version)

    @property
    def has_folders(self) -> bool:
        return "mkdir" in self.os_calls

    def to_dict(self) -> dict:
        data = asdict(self)
        data["version"] = self.version_text
        data["has_folders"] = self.has_folders
        return data


@dataclass
class FileEntry:
    name: str
    size: int          # bytes; -1 for a folder
    path: str
    hash: str | None = None  # listing_hash() of the file, where asked for (tree())

    @property
    def is_dir(self) -> bool:
        return self.size < 0


# errno numbers as MicroPython reports them (uerrno), to say what went wrong in words.
_ERRNO_WORDS = {
    1: "not permitted", 2: "no such file or folder", 5: "input/output error", 12: "out of memory",
    13: "permission denied", 17: "already exists", 20: "not a folder", 21: "is a folder",
    22: "invalid name or argument", 28: "no space left on the board", 30: "read-only filesystem",
    36: "name too long", 39: "folder not empty",
}
_ERRNO_NAMES = {"EPERM": 1, "ENOENT": 2, "EIO": 5, "ENOMEM": 12, "EACCES": 13, "EEXIST": 17, "ENOTDIR": 20,
                "EISDIR": 21, "EINVAL": 22, "ENOSPC": 28, "EROFS": 30, "ENAMETOOLONG": 36,
                "ENOTEMPTY": 39}


class Device:
    """A board you can run code on and move files to and from."""

    def __init__(self, link, url: str, timeout: float = 10.0):
        self.link = link
        self.url = url
        self.repl = RawRepl(link, timeout=timeout)
        self._caps: Capabilities | None = None
        self._fs_loaded: set[str] = set()  # lib/bk_fs.py pieces on the board ("" = prelude)
        self._file_open = False  # a board-side file is open (write_file): no soft reset now

    # -- lifecycle -------------------------------------------------------------------

    def close(self) -> None:
        """Tidy up our helpers, leave the board at its friendly REPL, release the port."""
        try:
            if self._fs_loaded:
                # Our helpers live in the REPL's globals; a small board needs that heap back.
                self._call("_bk_clean()")
            self.repl.exit()
        except BoardkitError:
            pass
        finally:
            self.link.close()

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- running code ----------------------------------------------------------------

    def exec(self, code: str | bytes, on_output: OutputCallback | None = None,
             timeout: float | None = None) -> bytes:
        """Run code; stream its output; return stdout. Raises RemoteError if it raised."""
        result = self.repl.exec(code, on_stdout=on_output, timeout=timeout)
        if result.raised:
            raise remote_error(result.stderr)
        return result.stdout

    def eval(self, expression: str):
        """Evaluate an expression on the board and return it as a Python value (literals only)."""
        return ast.literal_eval(self.exec(f"print(repr({expression}))").decode().strip())

    @property
    def caps(self) -> Capabilities:
        if self._caps is None:
            self._caps = self._probe()
        return self._caps

    def _probe(self) -> Capabilities:
        raw = self._run_probe()
        if raw is None:
            # After a transfer cut mid-code the raw REPL's line buffer can hold KBs of a small
            # heap: free it (the REPL's globals stay) and try once more.
            self.fresh_raw_repl()
            raw = self._run_probe()
        if raw is None:
            # What fills the heap is the REPL's globals from earlier programs, not ours.
            raise DeviceError("the board is out of memory before boardkit could start: objects from earlier "
                              "programs fill its heap", hint="`boardkit reset` gives it a fresh heap")
        try:
            values = ast.literal_eval(raw.splitlines()[-1])
        except (ValueError, SyntaxError, IndexError):
            raise DeviceError(f"the board's answer to the capability probe was not understood: {raw[:60]!r}",
                              hint="is this MicroPython or CircuitPython?") from None
        (impl, version, platform, machine, release, free, total, calls, binascii, space, mpy, sha) = values
        return Capabilities(impl, tuple(version), platform, machine, release, free, total,
                            list(calls), bool(binascii), tuple(space) if space else None, mpy, bool(sha))

    def fresh_raw_repl(self) -> None:
        """Leave the raw REPL and enter it again: frees its line buffer, which stays as big as
        the longest code it took (3 KB of code held 3 KB of a micro:bit's 9.5 KB heap)."""
        self.repl.exit()
        self.repl.enter()

    def _run_probe(self) -> str | None:
        """The probe's answer; None if the board ran out of memory."""
        try:
            self._exec_own(device_code.source("bk_clean"))
            return self._exec_own(device_code.source("bk_probe")).decode(errors="replace").strip()
        except RemoteError as exc:
            if exc.exc_type != "MemoryError":
                raise
            return None

    # -- resets ----------------------------------------------------------------------

    def soft_reset(self) -> None:
        self.repl.soft_reset()
        self._fs_loaded.clear()

    # -- filesystem --------------------------------------------------------------------

    def _call(self, call: str, on_output: OutputCallback | None = None, path: str | None = None,
              restart: Callable[[], None] | None = None) -> bytes:
        """Run a call into lib/bk_fs.py, first sending whatever part of it this session lacks.

        On a small board each piece goes in its own exec: the micro:bit cannot parse
        much more than a few hundred bytes of source at once. A call that is run again (out
        of memory, code garbled on the way) calls restart() first, so a caller collecting
        its output through on_output can drop what the failed run printed.
        """
        try:
            if not small_heap(self.caps):
                return self._call_roomy(call, on_output)
            # Out of memory even with only the helpers this call needs (_exec_small has dropped
            # the others): first free the raw REPL's line buffer (globals, and an open file,
            # stay); then, if no board file is open, a soft reset: a fresh heap, without the
            # REPL's globals (as mpremote's every command does).
            for recover in (self.fresh_raw_repl, self.soft_reset, None):
                try:
                    return self._call_small(call, on_output, restart)
                except RemoteError as exc:
                    if exc.exc_type != "MemoryError" or recover is None \
                            or (recover == self.soft_reset and self._file_open):
                        raise
                recover()
                if restart:
                    restart()
        except RemoteError as exc:
            raise file_error(exc, path, self.caps.platform) from None

    def _pieces(self, call: str) -> tuple[list[tuple[str, str]], set[str]]:
        """The lib/bk_fs.py pieces this session has not sent yet that `call` needs; all it needs."""
        helpers = device_code.module("bk_fs")
        used = [name for name in helpers.functions if name + "(" in call]
        needed = helpers.closure(used)
        missing = [fn for fn in needed if fn not in self._fs_loaded]
        pieces = ([] if "" in self._fs_loaded else [("", helpers.prelude)]) + [(fn, helpers.functions[fn]) for fn in missing]
        return pieces, set(needed)

    def _call_roomy(self, call: str, on_output: OutputCallback | None) -> bytes:
        pieces, _ = self._pieces(call)
        out = self.exec("".join(code for _, code in pieces) + call, on_output=on_output)
        self._fs_loaded.update(name for name, _ in pieces)
        return out

    def _call_small(self, call: str, on_output: OutputCallback | None,
                    restart: Callable[[], None] | None) -> bytes:
        # A few KB of heap cannot hold every helper: drop the ones this call does not use
        # when there are many, or when the board runs out of memory.
        for attempt in range(2):
            pieces, needed = self._pieces(call)
            loaded = [fn for fn in self._fs_loaded if fn]
            missing = [name for name, _ in pieces if name]
            if missing and len(loaded) + len(missing) > SMALL_BOARD_FUNCTIONS:
                self._evict(needed)
            for name, code in pieces:
                self._exec_small(code, needed)
                self._fs_loaded.add(name)
            try:
                return self._exec_small(call, needed, on_output=on_output, restart=restart)
            except RemoteError as exc:
                if attempt or not self._garbled(exc):
                    raise
            # The call itself was sent again and still fails as garbled code does: a helper
            # it uses lost a byte on the way yet still parsed (`_bk_f.write` as `_.write`).
            # Define them again (and the prelude, unless that would drop an open file).
            self._fs_loaded.difference_update(needed if self._file_open else needed | {""})
            if restart:
                restart()
        raise AssertionError("unreachable")

    def _garbled(self, exc: RemoteError) -> bool:
        """Is this how our own code fails when bytes of it were lost (plain raw mode only)?"""
        return not self.repl.raw_paste and (exc.exc_type in GARBLED_TYPES or "bk: garbled" in exc.message)

    def board_path(self, path: str) -> str:
        """A path as this board spells it: absolute where it has folders, bare on a flat one."""
        path = path.strip() or "/"
        if not self.caps.has_folders:
            return path.lstrip("/") or "/"
        if not path.startswith("/"):
            path = "/" + path
        return path.rstrip("/") or "/"

    def _exec_small(self, code: str, needed: set[str], on_output: OutputCallback | None = None,
                    restart: Callable[[], None] | None = None) -> bytes:
        """Exec on a small board; out of memory, drop the helpers not needed now and retry once."""
        try:
            return self._exec_own(code, on_output=on_output, restart=restart)
        except RemoteError as exc:
            if exc.exc_type != "MemoryError" or not self._evict(needed):
                raise
        if restart:
            restart()
        return self._exec_own(code, on_output=on_output, restart=restart)

    def _evict(self, keep: set[str]) -> bool:
        """Delete our helper functions other than `keep` from the board; False if none."""
        evict = [fn for fn in self._fs_loaded if fn and fn not in keep]
        if evict:
            self._exec_own("".join(f"del {fn}\n" for fn in evict) + "import gc\ngc.collect()")
            self._fs_loaded.difference_update(evict)
        return bool(evict)

    def _exec_own(self, code: str, on_output: OutputCallback | None = None,
                  restart: Callable[[], None] | None = None) -> bytes:
        """Exec boardkit's own code, resending it if it arrived garbled.

        Plain raw mode (old firmware) has no flow control: a board too busy to empty its
        receive buffer drops bytes. Our code never has a syntax error and checks its data,
        so those errors mean "garbled on the way" and the code is sent again.
        """
        for attempt in range(GARBLED_RETRIES + 1):
            if attempt and restart:
                restart()
            try:
                return self.exec(code, on_output=on_output)
            except CodeLost:
                if attempt == GARBLED_RETRIES:
                    raise
            except RemoteError as exc:
                # Our code names nothing that is not there: a NameError or AttributeError from
                # it means a byte of a name was lost (seen on a micro:bit under heavy load).
                if not self._garbled(exc) or attempt == GARBLED_RETRIES:
                    raise
        raise AssertionError("unreachable")

    def stat(self, path: str) -> tuple[str, int] | None:
        """("f", size) or ("d", 0) for what is at path; None when nothing is."""
        path = self.board_path(path)
        value = ast.literal_eval(self._call(f"print(repr(_bk_stat({path!r})))").decode().strip())
        return tuple(value) if value else None

    def listdir(self, path: str = "/") -> list[FileEntry]:
        path = self.board_path(path)
        if not self.caps.has_folders and path.strip("/"):
            raise UnsupportedOnBoard(f"{self._name()} has a flat filesystem: there is no folder {path!r}",
                                     hint="list the top level with `boardkit ls`")
        kind = self.stat(path) if self.caps.has_folders else ("d", 0)
        if kind is None:
            raise RemoteFileError(f"{path}: no such file or folder on the board")
        if kind[0] == "f":
            return [FileEntry(path.rsplit("/", 1)[-1], kind[1], path)]
        rows = ast.literal_eval(self._call(f"_bk_ls({path!r})").decode().strip())
        entries = [FileEntry(name, size, _join(path, name)) for name, size in rows]
        return sorted(entries, key=lambda e: (not e.is_dir, e.name))

    def read_file(self, path: str, progress: Progress | None = None) -> bytes:
        path = self.board_path(path)
        found = self.stat(path)
        if found is None:
            raise RemoteFileError(f"{path}: no such file on the board")
        if found[0] == "d":
            raise RemoteFileError(f"{path} is a folder", hint="use `boardkit ls` to list it")
        total = found[1]
        chunk = 1536 if self.caps.binascii else 128
        decode = base64.b64decode if self.caps.binascii else (lambda line: bytes.fromhex(line.decode()))
        data = bytearray()
        pending = bytearray()

        def restart() -> None:   # the call runs again from the start: keep only the new run's output
            data.clear()
            pending.clear()

        def take(out: bytes) -> None:
            pending.extend(out)
            *lines, rest = pending.split(b"\n")
            pending[:] = rest
            for line in lines:
                if line.strip():
                    data.extend(decode(bytes(line.strip())))
            if progress:
                progress(len(data), total)

        self._call(f"_bk_get({path!r},{chunk})", on_output=take, path=path, restart=restart)
        take(b"\n")
        return bytes(data)

    def write_file(self, path: str, data: bytes, progress: Progress | None = None) -> None:
        """Write a whole file. It lands under a temporary name first and replaces the old file
        only when complete: renamed where the board can rename, else copied on the board
        once the copy is sure to fit (a new file too big for that is written in place)."""
        path = self.board_path(path)
        self.check_name(path)
        caps = self.caps
        if caps.fs_space and len(data) > caps.fs_space[0] + 4096:
            raise RemoteFileError(f"{path}: {len(data)} bytes will not fit; the board has {caps.fs_space[0]} bytes free",
                                  hint="remove files with `boardkit rm` first")
        try:
            size = self._write_via(path + TMP_SUFFIX, path, data, progress)
        except RemoteFileError as exc:
            if "bk: no room beside" in str(exc):
                raise RemoteFileError(
                    f"{path}: no room for the new file beside the old one ({len(data)} bytes); "
                    f"the old {path} is kept",
                    hint=f"this board cannot rename, so the new file is written whole before the old one "
                         f"goes: remove {path} (`boardkit rm {path}`) or other files, then try again") from None
            if "bk: no room for copy" not in str(exc):
                raise
            # A new file (nothing to lose) too big to be written twice: written in place.
            size = self._write_via(path, path, data, progress)
        if size != len(data):
            raise RemoteFileError(f"{path}: wrote {len(data)} bytes but the board holds {size}",
                                  hint="the board may be full; check with `boardkit info`")
        if progress and not data:
            progress(0, 0)

    def _write_via(self, tmp: str, path: str, data: bytes, progress: Progress | None) -> int:
        """Write data to tmp, check it, and put it in place as path; the size the board holds."""
        caps = self.caps
        self._call(f"_bk_open({tmp!r})", path=path)
        self._file_open = True
        try:
            done = 0
            for piece in _slices(data, caps.binascii, caps.mem_free):
                check = f"{len(piece)},{sum(piece) & 0xFFFF},{done}"
                literal = repr(piece)
                # Source text goes as a bytes literal (about 1.03x its size); binary data
                # as base64 (1.33x) where the board can decode it. The shorter one wins.
                encoded = base64.b64encode(piece).decode() if caps.binascii else ""
                if encoded and len(encoded) + 2 < len(literal):
                    self._call(f"_bk_w64({encoded!r},{check})", path=path)
                else:
                    self._call(f"_bk_wb({literal},{check})", path=path)
                done += len(piece)
                if progress:
                    progress(done, len(data))
            # Every piece was checked on arrival (length, sum, offset). Boards with room
            # also hash the whole file before it replaces the old one; the micro:bit's
            # heap cannot hold the hashing code beside the writing code.
            check = "" if small_heap(caps) else f"_bk_check({tmp!r},{content_hash(data, caps.sha256)!r})\n"
            finish = f"_bk_fin()\n{check}_bk_place({tmp!r},{path!r},{len(data)})"
            return int(self._call(finish, path=path).decode().strip())
        except RemoteFileError:
            self._cleanup_tmp(tmp, path)   # written in place (tmp == path): a new file, half of it
            raise
        finally:
            self._file_open = False

    def _cleanup_tmp(self, tmp: str, path: str) -> None:
        try:
            self._call(f"_bk_f.close()\ntry:\n os.remove({tmp!r})\nexcept OSError:\n pass")
        except BoardkitError:
            pass

    def tree(self, path: str = "/") -> list[FileEntry]:
        """Everything below path, with sizes and content hashes, in one round trip."""
        return self.listing(path)[1]

    def listing(self, path: str = "/") -> tuple[tuple | None, list[FileEntry]]:
        """(what path is, as stat() says; everything below it), in one round trip."""
        path = self.board_path(path)
        lines = [line.strip() for line in self._call(f"_bk_list({path!r})", path=path).decode().splitlines()]
        lines = [line for line in lines if line]
        found = ast.literal_eval(lines[0]) if lines else None
        if found is None:
            return None, []
        if found[0] == "f":
            raise RemoteFileError(f"{path} is a file, not a folder")
        hidden = _SYSTEM_FOLDERS.get(self.caps.platform, ())
        entries = []
        for line in lines[1:]:
            name, size, digest = ast.literal_eval(line)
            if any(name == h or name.startswith(h + "/") for h in hidden):
                continue
            entries.append(FileEntry(name.rsplit("/", 1)[-1], size, name, digest))
        return found, entries

    def remove(self, path: str, recursive: bool = False) -> None:
        """Remove a file or an empty folder; with recursive, a folder and all it holds."""
        path = self.board_path(path)
        if path.strip("/") == "":
            raise RemoteFileError("the board's top folder cannot be removed",
                                  hint="name the files or folders inside it")
        found = self.stat(path)
        if found is None:
            raise RemoteFileError(f"{path}: no such file or folder on the board")
        if found[0] == "f":
            call = "os.remove"
        else:
            call = "_bk_rmtree" if recursive else "os.rmdir"
        self._call(f"{call}({path!r})", path=path)

    def mkdir(self, path: str) -> None:
        path = self.board_path(path)
        if not self.caps.has_folders:
            raise UnsupportedOnBoard(f"{self._name()} has a flat filesystem: it cannot make folders",
                                     hint="put files at the top level")
        self.check_name(path)
        if self.stat(path) is not None:
            raise RemoteFileError(f"{path} already exists on the board")
        self._call(f"os.mkdir({path!r})", path=path)

    def check_name(self, path: str) -> None:
        """Refuse names this board cannot store, before touching anything."""
        name = path.rsplit("/", 1)[-1]
        if not name or name in (".", ".."):
            raise RemoteFileError(f"{path!r} is not a file name", hint="give a name like main.py")
        if "\x00" in path:
            raise RemoteFileError(f"{path!r}: names cannot contain NUL bytes")
        if not self.caps.has_folders:
            if "/" in path.strip("/"):
                raise UnsupportedOnBoard(f"{self._name()} has a flat filesystem: {path!r} has a folder in it",
                                         hint="put files at the top level, e.g. main.py")
            longest = MICROBIT_NAME_MAX - len(TMP_SUFFIX)  # the temporary name must fit too
            if len(path.strip("/").encode()) > longest:
                raise RemoteFileError(f"{path!r} is too long for {self._name()} "
                                      f"(at most {longest} bytes)", hint="use a shorter name")

    def _name(self) -> str:
        caps = self.caps
        return f"this board ({caps.machine})" if caps.machine else "this board"


GARBLED_RETRIES = 3
GARBLED_TYPES = ("SyntaxError", "IndentationError", "NameError", "AttributeError")
SMALL_BOARD_FUNCTIONS = 6  # helper functions a board with under 32 KB free keeps defined at once
TMP_SUFFIX = ".bktmp"  # a file being written; renamed (or copied) over the real name when verified


def small_heap(caps: Capabilities) -> bool:
    """Boards like the micro:bit v1: helpers go one exec at a time, a few at once."""
    return caps.mem_free < 32 * 1024


def content_hash(data: bytes, sha256: bool) -> str:
    """The hash lib/bk_fs.py's _bk_hash computes on a board with (or without) hashlib."""
    if sha256:
        return "s:" + hashlib.sha256(data).hexdigest()
    return "a:%08x" % zlib.adler32(data)


def listing_hash(data: bytes, sha256: bool) -> str:
    """The hash tree() reports: SHA-256 cut to 64 bits (plenty to see a change; the listing
    crosses the link on every sync, at 115200 baud every byte counts). Writes are still
    verified with the whole hash."""
    return content_hash(data, sha256)[:18]

# The micro:bit v1 filesystem stores names up to this length (longer ones raise OSError).
MICROBIT_NAME_MAX = 120


def _slices(data: bytes, base64_ok: bool, mem_free: int):
    """Cut data into pieces whose encoded form one exec can hold on this board.

    The bound is on the encoded length (what the board must receive and parse): a bytes
    literal of binary data is up to 4x its size, of source text barely more than 1x.
    """
    if mem_free < 32 * 1024:
        budget = 320
    elif mem_free < 64 * 1024:
        budget = 1024
    else:
        budget = 16384
    start = 0
    while start < len(data):
        end = min(len(data), start + budget)
        while end - start > 1 and _encoded_size(data[start:end], base64_ok) > budget:
            end = start + max(1, (end - start) * 3 // 4)
        yield data[start:end]
        start = end


def _encoded_size(piece: bytes, base64_ok: bool) -> int:
    literal = len(repr(piece))
    return min(literal, (len(piece) + 2) // 3 * 4 + 2) if base64_ok else literal


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else folder.rstrip("/") + "/" + name


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
        if platform in _PLATFORM_ERRNOS:
            code = _PLATFORM_ERRNOS[platform].get(code, code)
    elif found:
        code = _ERRNO_NAMES.get(found.group(3))
    where = f"{path}: " if path else ""
    if code not in _ERRNO_WORDS:
        return RemoteFileError(f"{where}the board said {exc.message}", hint=_ERRNO_HINTS.get(code))
    return RemoteFileError(f"{where}{_ERRNO_WORDS[code]} (the board said {exc.message})",
                           hint=_ERRNO_HINTS.get(code))


# Ports whose errno numbers are not Linux's. The WebAssembly build uses WASI numbering.
_PLATFORM_ERRNOS = {
    "webassembly": {2: 13, 20: 17, 28: 22, 29: 5, 31: 21, 37: 36, 44: 2, 48: 12, 51: 28,
                    54: 20, 55: 39, 69: 30},
}

# Folders a port's runtime puts in the filesystem that are not the user's files.
_SYSTEM_FOLDERS = {"webassembly": ("/dev", "/proc")}

_ERRNO_HINTS = {
    2: "check the path with `boardkit ls`",
    28: "remove files with `boardkit rm` to make room",
    30: "a CircuitPython board's filesystem is read-only while its drive is mounted on a computer",
    39: "remove what is inside first, or use `boardkit rm -r`",
}
