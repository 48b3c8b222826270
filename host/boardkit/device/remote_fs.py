"""Files on the board: list, read, write (never losing the old file), remove, make folders.

Every operation is a short call into lib/bk_fs.py (through HelperLoader) and adapts to the
board's capabilities: folders or the micro:bit v1's flat filesystem, base64 or hex, rename
or copy. Writes land under a temporary name (TMP_SUFFIX) and replace the old file only once
complete and verified: a cut cable leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import base64
import hashlib
import os
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from boardkit.device import board_cache, resident
from boardkit.device.helpers import HELPER_TIMEOUT, Board, HelperLoader
from boardkit.device.probe import Capabilities, small_heap
from boardkit.errors import BoardkitError, RemoteFileError, UnsupportedOnBoard
from boardkit.links import FileTransfer, file_transfer
from boardkit.repl import OutputCallback
from boardkit.safe_ast import literal

Progress = Callable[[int, int], None]  # (done, total) in bytes
Stat = tuple[str, int]  # ("f", size) or ("d", 0)

TMP_SUFFIX = ".bktmp"  # a file being written; renamed (or copied) over the real name when verified
# The micro:bit v1 filesystem stores names up to this length (longer ones raise OSError).
MICROBIT_NAME_MAX = 120
# Folders a port's runtime puts in the filesystem that are not the user's files. None today:
# the wasm virtual board's "/" is its flash alone (firmware/wasm/board_fs.mjs).
SYSTEM_FOLDERS: dict[str, tuple[str, ...]] = {}
# boardkit's own folder (the helpers kept on the board, resident.py): never part of a sync.
HIDDEN = (resident.FOLDER,)
# Compressed pieces: worth it when they are at most this fraction of the plain encoding.
COMPRESS_GAIN = 0.9


@dataclass
class FileEntry:
    name: str
    size: int  # bytes; -1 for a folder
    path: str
    hash: str | None = None  # listing_hash() of the file, where asked for (tree())

    @property
    def is_dir(self) -> bool:
        return self.size < 0


def content_hash(data: bytes, sha256: bool) -> str:
    """The hash lib/bk_fs.py's _bk_hash computes on a board with (or without) hashlib."""
    if sha256:
        return "s:" + hashlib.sha256(data).hexdigest()
    return f"a:{zlib.adler32(data):08x}"


def listing_hash(data: bytes, sha256: bool) -> str:
    """The hash tree() reports: SHA-256 cut to 64 bits (plenty to see a change; the listing
    crosses the link on every sync, at 115200 baud every byte counts). Writes are still
    verified with the whole hash."""
    return content_hash(data, sha256)[:18]


class RemoteFiles:
    """The filesystem of one board, reached through its session's helpers."""

    def __init__(self, board: Board, helpers: HelperLoader) -> None:
        self.board = board
        self.helpers = helpers
        # Writes go deflate-compressed where the board can decompress (BOARDKIT_COMPRESS=0: never).
        self.compress = os.environ.get("BOARDKIT_COMPRESS", "1") != "0"
        # Listings kept from earlier sessions and this one (board folder -> (stat, path -> entry)),
        # updated by every write, removal and mkdir made here; None until loaded.
        self._known: dict[str, tuple[Stat | None, dict[str, FileEntry]]] | None = None
        self._known_changed = False

    def _call(
        self,
        call: str,
        on_output: OutputCallback | None = None,
        path: str | None = None,
        restart: Callable[[], None] | None = None,
        timeout: float = HELPER_TIMEOUT,
        checked: bool = False,
    ) -> bytes:
        return self.helpers.call(
            call, on_output=on_output, path=path, restart=restart, timeout=timeout, checked=checked
        )

    def board_path(self, path: str) -> str:
        """A path as this board spells it: absolute where it has folders, bare on a flat one."""
        path = path.strip() or "/"
        if not self.board.caps.has_folders:
            return path.lstrip("/") or "/"
        if not path.startswith("/"):
            path = "/" + path
        return path.rstrip("/") or "/"

    def stat(self, path: str) -> Stat | None:
        """("f", size) or ("d", 0) for what is at path; None when nothing is."""
        path = self.board_path(path)
        value = literal(self._call(f"print(repr(_bk_stat({path!r})))").decode().strip())
        return (value[0], value[1]) if value else None

    def listdir(self, path: str = "/") -> list[FileEntry]:
        """What one folder holds (folders first), or the file itself when path is a file."""
        path = self.board_path(path)
        caps = self.board.caps
        if not caps.has_folders and path.strip("/"):
            raise UnsupportedOnBoard(
                f"{self._name()} has a flat filesystem: there is no folder {path!r}",
                hint="list the top level with `boardkit ls`",
            )
        kind = self.stat(path) if caps.has_folders else ("d", 0)
        if kind is None:
            raise RemoteFileError(f"{path}: no such file or folder on the board")
        if kind[0] == "f":
            return [FileEntry(path.rsplit("/", 1)[-1], kind[1], path)]
        rows = literal(self._call(f"_bk_ls({path!r})").decode().strip())
        entries = [FileEntry(name, size, _join(path, name)) for name, size in rows]
        return sorted(entries, key=lambda e: (not e.is_dir, e.name))

    def read_file(self, path: str, progress: Progress | None = None) -> bytes:
        """A whole file's bytes."""
        path = self.board_path(path)
        found = self.stat(path)
        if found is None:
            raise RemoteFileError(f"{path}: no such file on the board")
        if found[0] == "d":
            raise RemoteFileError(f"{path} is a folder", hint="use `boardkit ls` to list it")
        total = found[1]
        bulk = file_transfer(self.board.repl.link, path)  # WebREPL's GET, where the board has it
        if bulk is not None:
            whole = bulk.get_file(path, total, progress)
            if len(whole) != total:
                raise RemoteFileError(f"{path}: read {len(whole)} bytes but the board holds {total}")
            return whole
        caps = self.board.caps
        chunk = 1536 if caps.binascii else 128
        decode: Callable[[bytes], bytes] = (
            base64.b64decode if caps.binascii else (lambda line: bytes.fromhex(line.decode()))
        )
        data = bytearray()
        pending = bytearray()

        def restart() -> None:  # the call runs again from the start: keep only the new run's output
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

        # Bounded, with time for a slow link: at least 1 KB/s.
        timeout = HELPER_TIMEOUT + total / 1000
        self._call(f"_bk_get({path!r},{chunk})", on_output=take, path=path, restart=restart, timeout=timeout)
        take(b"\n")
        return bytes(data)

    def write_file(self, path: str, data: bytes, progress: Progress | None = None) -> None:
        """Write a whole file. It lands under a temporary name first and replaces the old file
        only when complete: renamed where the board can rename, else copied on the board
        once the copy is sure to fit (a new file too big for that is written in place).

        A write the board has no room for raises RemoteFileError and changes nothing: the old
        file (if any) is kept, no temporary file is left, and other files are never touched.
        """
        path = self.board_path(path)
        self.check_name(path)
        caps = self.board.caps
        if caps.fs_space and len(data) > caps.fs_space[0] + 4096:
            free = self.free_space()  # the probe's figure may be old: files may have gone since
            if free is not None and len(data) > free + 4096:
                raise RemoteFileError(
                    f"{path}: {len(data)} bytes will not fit; the board has {free} bytes free",
                    hint="remove files with `boardkit rm` first",
                )
        try:
            size = self._write_via(path + TMP_SUFFIX, path, data, progress)
        except RemoteFileError as exc:
            if "bk: no room for copy" not in str(exc):
                raise self._refusal(path, data, exc, kept=True) from None
            # A new file (nothing to lose) too big to be written twice: written in place.
            try:
                size = self._write_via(path, path, data, progress)
            except RemoteFileError as again:
                raise self._refusal(path, data, again, kept=False) from None
        if size != len(data):
            raise RemoteFileError(
                f"{path}: wrote {len(data)} bytes but the board holds {size}",
                hint="the board may be full; check with `boardkit info`",
            )
        if progress and not data:
            progress(0, 0)
        self._noted(path, FileEntry(path.rsplit("/", 1)[-1], len(data), path, listing_hash(data, caps.sha256)))

    def free_space(self) -> int | None:
        """Bytes free on the board's filesystem now (statvfs), or None where it cannot say."""
        if not self.board.caps.fs_space:
            return None
        out = self._call("import os\n_s = os.statvfs('/')\nprint(_s[0] * _s[3])\ndel _s").decode().strip()
        return int(out) if out.isdigit() else None

    def _refusal(self, path: str, data: bytes, exc: RemoteFileError, kept: bool) -> RemoteFileError:
        """A write the board had no room for, in words (other errors as they were)."""
        text = str(exc)
        unchanged = f"{path} on the board is unchanged" if kept else "nothing was written"
        if "bk: no room beside" in text:
            return RemoteFileError(
                f"{path}: no room for the new file beside the old one ({len(data)} bytes); the old {path} is kept",
                hint=f"this board cannot rename, so the new file is written whole before the old one "
                f"goes: remove {path} (`boardkit rm {path}`) or other files, then try again",
            )
        if "bk: full" in text or "no space left" in text or "bk: short" in text:
            return RemoteFileError(
                f"{path}: the board is full: {len(data)} bytes do not fit; {unchanged}",
                hint="remove files with `boardkit rm` to make room, then try again",
            )
        return exc

    def _write_via(self, tmp: str, path: str, data: bytes, progress: Progress | None) -> int:
        """Write data to tmp, check it, and put it in place as path; the size the board holds."""
        caps = self.board.caps
        bulk = file_transfer(self.board.repl.link, tmp) if tmp != path else None
        if bulk is not None:  # WebREPL's PUT: the bytes as they are, no REPL per chunk
            return self._put_via(bulk, tmp, path, data, progress)
        check = "" if small_heap(caps) else f"_bk_check({tmp!r},{content_hash(data, caps.sha256)!r})\n"
        finish = f"_bk_fin()\n{check}_bk_place({tmp!r},{path!r},{len(data)})"
        self.helpers.file_open = True
        try:
            if small_heap(caps):
                # One call per exec: the micro:bit cannot parse more at once.
                self._call(f"_bk_open({tmp!r})", path=path)
                for call, done in self._piece_calls(data, caps):
                    self._call(call, path=path, checked=True)  # a piece carries its own check
                    if progress:
                        progress(done, len(data))
                out = self._call(finish, path=path)
            else:
                # Boards with room: the open rides with the first piece, the check and the
                # rename with the last (a small file is one exec, one round trip).
                calls = list(self._piece_calls(data, caps)) or [("", 0)]
                out = b""
                for index, (call, done) in enumerate(calls):
                    code = (f"_bk_open({tmp!r})\n" if index == 0 else "") + call
                    if index == len(calls) - 1:
                        code += ("\n" if call else "") + finish
                    out = self._call(code.strip("\n"), path=path)
                    if progress and done:
                        progress(done, len(data))
            return int(out.decode().strip())
        except BoardkitError:
            self._drop()  # the temporary file (or, written in place, the half of a new file) goes
            raise
        finally:
            self.helpers.file_open = False

    def _piece_calls(self, data: bytes, caps: Capabilities) -> Iterator[tuple[str, int]]:
        """(the call that writes the next piece, bytes written after it), piece by piece.

        Source text goes as a bytes literal (about 1.03x its size); binary data as base64
        (1.33x) where the board can decode it; where the board has deflate, a piece
        compressed (a zlib stream, base64: source text about 0.4x) when that is shorter."""
        budget = _budget(caps.mem_free)
        zipped = self.compress and caps.deflate and caps.binascii and not small_heap(caps)
        done = 0
        for piece, packed in _pieces(data, budget, caps.binascii, zipped, caps.mem_free):
            check = f"{len(piece)},{sum(piece) & 0xFFFF},{done}"
            done += len(piece)
            if packed is not None:
                yield f"_bk_wz({packed!r},{check})", done
                continue
            literal = repr(piece)
            encoded = base64.b64encode(piece).decode() if caps.binascii else ""
            if encoded and len(encoded) + 2 < len(literal):
                yield f"_bk_w64({encoded!r},{check})", done
            else:
                yield f"_bk_wb({literal},{check})", done

    def _put_via(self, bulk: FileTransfer, tmp: str, path: str, data: bytes, progress: Progress | None) -> int:
        """Write through the link's file transfer (WebREPL's PUT). Where the board has deflate
        and it pays, the compressed stream goes (as TMP.z) and the board decompresses it
        into tmp, streaming from file to file."""
        caps = self.board.caps
        check = "" if small_heap(caps) else f"_bk_check({tmp!r},{content_hash(data, caps.sha256)!r})\n"
        packed = _container(data, caps.mem_free) if self.compress and caps.deflate and not small_heap(caps) else None
        pays = packed is not None and len(packed) < len(data) * COMPRESS_GAIN and bulk.fits(tmp + ".z")
        sent = tmp + ".z" if pays else tmp
        try:
            if sent != tmp:
                assert packed is not None
                bulk.put_file(sent, packed, None if progress is None else _scaled(progress, len(packed), len(data)))
                unpack = f"_bk_unz({sent!r},{tmp!r},{len(data)})\n"
            else:
                bulk.put_file(tmp, data, progress)
                unpack = ""
            return int(
                self._call(f"{unpack}{check}_bk_place({tmp!r},{path!r},{len(data)})", path=path).decode().strip()
            )
        except RemoteFileError as exc:
            try:  # a board's PUT writes in place: drop what it holds of it
                self._call(f"for _p in ({tmp!r},{sent!r}):\n try:\n  os.remove(_p)\n except OSError:\n  pass")
            except BoardkitError:
                pass
            raise RemoteFileError(str(exc).replace(sent, path, 1).replace(tmp, path, 1), hint=exc.hint) from None

    def _drop(self) -> None:
        """Let go of the file being written on the board and remove it (lib/bk_fs.py's
        _bk_drop never closes a file the filesystem already dropped: see there)."""
        try:
            self._call("_bk_drop()")
        except BoardkitError:
            pass  # the board is gone or stuck: its own error has been raised already

    def tree(self, path: str = "/") -> list[FileEntry]:
        """Everything below path, with sizes and content hashes, in one round trip."""
        return self.listing(path)[1]

    def listing(self, path: str = "/") -> tuple[tuple[str, int] | None, list[FileEntry]]:
        """(what path is, as stat() says; everything below it), in one round trip.

        Where the board keeps boardkit's helpers (resident.py) and the host kept this
        folder's listing, the board sends only a hash of it: equal, the kept listing is
        used (a few bytes cross the link instead of a line per file)."""
        path = self.board_path(path)
        caps = self.board.caps
        if not resident.applies(caps):
            return self._full_listing(path)
        known = self._known_listings().get(path)
        if known is not None:
            found, digest, free = literal(self._call(f"_bk_lh({path!r})", path=path).decode().strip())
            if free >= 0 and caps.fs_space:
                caps.fs_space = (free, caps.fs_space[1])
            entries = list(known[1].values())
            if (tuple(found) if found else None) == known[0] and digest == board_cache.listing_digest(
                [(e.path, e.size, e.hash) for e in entries]
            ):
                return known[0], sorted(entries, key=lambda e: e.path)
        found, entries = self._full_listing(path)
        self._remember(path, found, entries)
        return found, entries

    def _full_listing(self, path: str) -> tuple[tuple[str, int] | None, list[FileEntry]]:
        lines = [line.strip() for line in self._call(f"_bk_list({path!r})", path=path).decode().splitlines()]
        lines = [line for line in lines if line]
        found = literal(lines[0]) if lines else None
        if found is None:
            return None, []
        if found[0] == "f":
            raise RemoteFileError(f"{path} is a file, not a folder")
        hidden = SYSTEM_FOLDERS.get(self.board.caps.platform, ()) + HIDDEN
        entries = []
        for line in lines[1:]:
            name, size, digest = literal(line)
            if any(name == h or name.startswith(h + "/") for h in hidden):
                continue
            entries.append(FileEntry(name.rsplit("/", 1)[-1], size, name, digest))
        return (found[0], found[1]), entries

    # -- listings kept between sessions (board_cache.py) --------------------------------

    def _known_listings(self) -> dict[str, tuple[Stat | None, dict[str, FileEntry]]]:
        if self._known is None:
            self._known = {}
            raw = board_cache.load(self.board.url).get("listings", {})
            for folder, (found, rows) in raw.items() if isinstance(raw, dict) else ():
                try:
                    entries = {p: FileEntry(p.rsplit("/", 1)[-1], size, p, digest) for p, size, digest in rows}
                    self._known[folder] = ((found[0], found[1]) if found else None, entries)
                except (TypeError, ValueError):
                    continue
        return self._known

    def _remember(self, folder: str, found: Stat | None, entries: list[FileEntry]) -> None:
        self._known_listings()[folder] = (found, {e.path: e for e in entries})
        self._known_changed = True

    def _noted(self, path: str, entry: FileEntry | None) -> None:
        """A change made here (entry None: removed, with all below it) in every kept listing."""
        if not resident.applies(self.board.caps):
            return
        known = self._known_listings()
        for folder, (_found, entries) in known.items():
            base = folder.rstrip("/")
            if path == folder:
                kept = entries if entry is not None else {}
                known[folder] = (("d", 0) if entry is not None and entry.is_dir else None, kept)
                continue
            if not path.startswith(base + "/"):
                continue
            if entry is None:
                for p in [p for p in entries if p == path or p.startswith(path + "/")]:
                    del entries[p]
            else:
                entries[path] = entry
        self._known_changed = True

    def forget_listings(self) -> None:
        """Something changed on the board that the kept listings do not show: drop them."""
        self._known = {}
        self._known_changed = True

    def save_cache(self) -> None:
        """Keep this session's listings for the next one (called when the session ends)."""
        if not self._known_changed or self._known is None:
            return
        record = board_cache.load(self.board.url)
        record["listings"] = {
            folder: [found, [[e.path, e.size, e.hash] for e in entries.values()]]
            for folder, (found, entries) in self._known.items()
        }
        board_cache.save(self.board.url, record)
        self._known_changed = False

    def remove(self, path: str, recursive: bool = False) -> None:
        """Remove a file or an empty folder; with recursive, a folder and all it holds."""
        path = self.board_path(path)
        if path.strip("/") == "":
            raise RemoteFileError(
                "the board's top folder cannot be removed", hint="name the files or folders inside it"
            )
        found = self.stat(path)
        if found is None:
            raise RemoteFileError(f"{path}: no such file or folder on the board")
        if found[0] == "f":
            call = "os.remove"
        else:
            call = "_bk_rmtree" if recursive else "os.rmdir"
        try:
            self._call(f"{call}({path!r})", path=path)
        finally:
            self._noted(path, None)  # gone, or in a state only a new listing can tell

    def mkdir(self, path: str) -> None:
        """Make one folder (its parent must exist)."""
        path = self.board_path(path)
        if not self.board.caps.has_folders:
            raise UnsupportedOnBoard(
                f"{self._name()} has a flat filesystem: it cannot make folders", hint="put files at the top level"
            )
        self.check_name(path)
        if self.stat(path) is not None:
            raise RemoteFileError(f"{path} already exists on the board")
        self._call(f"os.mkdir({path!r})", path=path)
        self._noted(path, FileEntry(path.rsplit("/", 1)[-1], -1, path))

    def check_name(self, path: str) -> None:
        """Refuse names this board cannot store, before touching anything."""
        name = path.rsplit("/", 1)[-1]
        if not name or name in (".", ".."):
            raise RemoteFileError(f"{path!r} is not a file name", hint="give a name like main.py")
        if "\x00" in path:
            raise RemoteFileError(f"{path!r}: names cannot contain NUL bytes")
        if not self.board.caps.has_folders:
            if "/" in path.strip("/"):
                raise UnsupportedOnBoard(
                    f"{self._name()} has a flat filesystem: {path!r} has a folder in it",
                    hint="put files at the top level, e.g. main.py",
                )
            longest = MICROBIT_NAME_MAX - len(TMP_SUFFIX)  # the temporary name must fit too
            if len(path.strip("/").encode()) > longest:
                raise RemoteFileError(
                    f"{path!r} is too long for {self._name()} (at most {longest} bytes)", hint="use a shorter name"
                )

    def _name(self) -> str:
        caps = self.board.caps
        return f"this board ({caps.machine})" if caps.machine else "this board"


def _budget(mem_free: int) -> int:
    """The most encoded bytes one exec carries on a board with this much free heap."""
    if mem_free < 32 * 1024:
        return 320
    if mem_free < 64 * 1024:
        return 1024
    return 16384


def _window_bits(mem_free: int) -> int:
    """The deflate window: the board holds 2**bits bytes of it while decompressing."""
    return 12 if mem_free >= 128 * 1024 else 10


def _compressed(data: bytes, mem_free: int) -> bytes:
    """data as one zlib stream the board can decompress within its memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, _window_bits(mem_free))
    return packer.compress(data) + packer.flush()


def _container(data: bytes, mem_free: int) -> bytes:
    """data for lib/bk_fs.py's _bk_unz: independent zlib streams of up to 32 KB of data each
    (8 KB on a board with under 128 KB free), each after an 8-byte header: its length, the
    length and 16-bit sum of what it decompresses to."""
    step = 32 * 1024 if mem_free >= 128 * 1024 else 8 * 1024
    out = bytearray()
    for start in range(0, len(data), step):
        piece = data[start : start + step]
        packed = _compressed(piece, mem_free)
        out += len(packed).to_bytes(3, "little") + len(piece).to_bytes(3, "little")
        out += (sum(piece) & 0xFFFF).to_bytes(2, "little") + packed
    return bytes(out)


def _pieces(
    data: bytes, budget: int, base64_ok: bool, zipped: bool, mem_free: int
) -> Iterator[tuple[bytes, bytes | None]]:
    """(piece, its compressed form in base64 or None) cutting data into execs of at most
    budget encoded bytes. Compressed pieces are independent zlib streams, so the board keeps
    no decompressor between execs; each holds as much source as fits the budget once
    compressed. A piece that does not compress (already compressed data, a tiny file) goes plain."""
    start = 0
    ratio = 3.0  # source bytes per encoded byte, learnt as pieces go
    while start < len(data):
        if not zipped:
            end = _slice_end(data, start, base64_ok, budget)
            yield data[start:end], None
            start = end
            continue
        take = max(64, int(budget * ratio * 0.95))
        while True:
            piece = data[start : start + take]
            packed = base64.b64encode(_compressed(piece, mem_free))
            if len(packed) + 3 <= budget or take <= 64:
                break
            take = max(64, int(take * budget / (len(packed) + 3) * 0.95))
        plain = _encoded_size(piece, base64_ok)
        if len(packed) + 3 < plain * COMPRESS_GAIN and len(packed) + 3 <= budget:
            ratio = max(1.0, len(piece) / (len(packed) + 3))
            yield piece, packed
            start += len(piece)
        else:
            end = _slice_end(data, start, base64_ok, budget)
            ratio = 3.0
            yield data[start:end], None
            start = end


def _scaled(progress: Progress, sent_total: int, total: int) -> Progress:
    """Progress of sending a compressed stream, told in the file's own bytes."""
    return lambda done, _: progress(min(total, done * total // max(1, sent_total)), total)


def _slice_end(data: bytes, start: int, base64_ok: bool, budget: int) -> int:
    """Where the piece starting at start ends so that its encoded form one exec can hold.

    The bound is on the encoded length (what the board must receive and parse): a bytes
    literal of binary data is up to 4x its size, of source text barely more than 1x.
    """
    end = min(len(data), start + budget)
    while end - start > 1 and _encoded_size(data[start:end], base64_ok) > budget:
        end = start + max(1, (end - start) * 3 // 4)
    return end


def _encoded_size(piece: bytes, base64_ok: bool) -> int:
    literal = len(repr(piece))
    return min(literal, (len(piece) + 2) // 3 * 4 + 2) if base64_ok else literal


def _join(folder: str, name: str) -> str:
    return name if folder in ("", ".") else folder.rstrip("/") + "/" + name
