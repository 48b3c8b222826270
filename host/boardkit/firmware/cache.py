"""The firmware cache: downloaded or added images, each checked by SHA-256 before every use.

Where a hash comes from ("the pin"):
- ``boards/<id>.toml``: a release's ``sha256`` (published by the project, or a local Debian file);
- ``lock``: the lock file (``firmware.lock.json``) records a URL's hash on its first download
  (trust on first use); after that a different file from that URL is refused;
- ``added``: ``boardkit firmware add FILE`` records the file's hash in the lock.

Files are stored as ``<sha256>.<ext>`` under cache_dir(), with ``index.json`` saying what
each one is. Downloads land under a temporary name and are renamed once size, hash and
format check out, so a cut connection never leaves half an image in the cache.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boardkit.boards import Board, Release, get_board, load_boards
from boardkit.errors import FirmwareError, InvalidInput
from boardkit.firmware.formats import check_image, format_for_suffix, image_format
from boardkit.firmware.store import (
    CHUNK,
    MICROPYTHON_BASE,
    cache_dir,
    index_path,
    lock_path,
    lock_url,
    now,
    read_index,
    read_lock,
    remember,
    resolve_url,
    sha256_of,
    write_json,
)

__all__ = [
    "CachedImage",
    "MICROPYTHON_BASE",
    "add",
    "cache_dir",
    "fetch",
    "image_for",
    "list_cached",
    "lock_path",
    "resolve_url",
    "sha256_of",
]

Progress = Callable[[int, int], None]
# One line for the user, e.g. that the npm runtime is being installed (wasm_runtime.RuntimeProgress).
NoteCallback = Callable[[str], None]


@dataclass
class CachedImage:
    path: Path
    sha256: str
    size: int
    board: str | None
    version: str | None
    url: str | None
    pinned_by: str  # "boards/<id>.toml" | "lock" | "added" | "firmware/wasm/package-lock.json"

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "size": self.size,
            "board": self.board,
            "version": self.version,
            "url": self.url,
            "pinned_by": self.pinned_by,
        }


# ---------------------------------------------------------------- the pin of a release


def _pin(board: Board, release: Release, lock: dict[str, Any]) -> tuple[str | None, str | None]:
    """(expected sha256, where it comes from) or (None, None) for a URL never downloaded."""
    if release.sha256:
        return release.sha256, f"boards/{board.id}.toml"
    locked = lock["urls"].get(release.url)
    if locked:
        return locked["sha256"], "lock"
    return None, None


def _cached_file(index: dict[str, Any], sha: str | None, url: str) -> tuple[str, dict[str, Any]] | None:
    """The index entry for this release: by hash when the hash is known, else by URL."""
    if sha and sha in index:
        return sha, index[sha]
    if sha is None:
        for key, entry in index.items():
            if url in entry.get("urls", []):
                return key, entry
    return None


def _verify_cached(path: Path, expected: str, pinned_by: str, label: str) -> None:
    """Before every use: the file's hash against its pin. A mismatch removes the file."""
    got = sha256_of(path)
    if got != expected:
        path.unlink(missing_ok=True)
        index = read_index()
        index.pop(expected, None)
        write_json(index_path(), index)
        raise FirmwareError(
            f"cached {label} does not match its SHA-256 (expected {expected[:16]}…, got {got[:16]}…, "
            f"pinned by {pinned_by}); removed it",
            hint="fetch it again; if it fails again, the source has changed — check before trusting it",
        )


# ---------------------------------------------------------------- fetch


def fetch(
    board: Board,
    release: Release,
    offline: bool = False,
    progress: Progress | None = None,
    on_note: NoteCallback | None = None,
) -> CachedImage:
    """The image of this release, from the cache or downloaded; verified before it is returned.

    on_note: told when an npm runtime (the wasm board's firmware) is installed on first use.
    """
    label = f"{board.id} {release.flavour} {release.version}"
    if release.url.startswith("npm:"):
        return _npm_runtime(board, release, on_note)
    lock = read_lock()
    expected, pinned_by = _pin(board, release, lock)
    index = read_index()
    found = _cached_file(index, expected, release.url)
    if found:
        key, entry = found
        path = cache_dir() / entry["file"]
        if path.is_file():
            if expected is None:
                # Cached, but its lock entry is gone (lock file deleted): the cache's own name is
                # its hash; verify against that and lock it again.
                expected, pinned_by = key, "lock"
            pinned = pinned_by or "lock"  # _pin gives a source with every hash
            _verify_cached(path, expected, pinned, label)
            if release.sha256 is None and release.url not in lock["urls"]:
                lock_url(release.url, expected, path.stat().st_size)
            remember(key, path, release, board, pinned)
            return CachedImage(
                path=path,
                sha256=expected,
                size=path.stat().st_size,
                board=board.id,
                version=release.version,
                url=release.url,
                pinned_by=pinned,
            )
    if offline and not release.url.startswith("file:"):  # a local file needs no network
        raise FirmwareError(
            f"{label} is not in the cache",
            hint=f"drop --offline to download it, or `boardkit firmware add FILE --board {board.id}`",
        )
    return _download(board, release, expected, pinned_by, label, progress)


def _download(
    board: Board, release: Release, expected: str | None, pinned_by: str | None, label: str, progress: Progress | None
) -> CachedImage:
    import urllib.error
    import urllib.request

    url = resolve_url(release.url)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".download.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    h = hashlib.sha256()
    done = 0
    try:
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=30) as response:
                length = response.headers.get("Content-Length") if hasattr(response, "headers") else None
                total = int(length) if length and length.isdigit() else (release.size or 0)
                if progress:
                    progress(0, total)
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    out.write(chunk)
                    h.update(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, max(total, done))
        except urllib.error.HTTPError as exc:
            raise FirmwareError(
                f"could not download {label}: HTTP {exc.code} from {url}",
                hint=f"check the URL in boards/{board.id}.toml, or download it yourself and "
                f"`boardkit firmware add FILE --board {board.id}`",
            ) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise FirmwareError(
                f"could not download {label} from {url}: {reason}",
                hint=f"check the network, or download it yourself and `boardkit firmware add FILE --board {board.id}`",
            ) from None
        if release.size is not None and done != release.size:
            raise FirmwareError(
                f"downloaded {label} is {done} bytes, expected {release.size}",
                hint="the download was cut or the file changed; try again",
            )
        got = h.hexdigest()
        if expected is not None and got != expected:
            raise FirmwareError(
                f"downloaded {label} does not match its SHA-256 (expected {expected[:16]}…, got {got[:16]}…, "
                f"pinned by {pinned_by}); refused it",
                hint="the file at the URL has changed or was tampered with; if the new one is genuine, "
                f"remove its entry from {lock_path()}"
                if pinned_by == "lock"
                else "the file at the URL has changed or was tampered with; nothing was saved",
            )
        check_image(tmp, release.format, board.chip, board.uf2_family)
        path = folder / f"{got}{image_format(release.format).suffix}"
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if expected is None:
        lock_url(release.url, got, done)
        pinned_by = "lock"
    pinned = pinned_by or "lock"
    remember(got, path, release, board, pinned)
    return CachedImage(
        path=path, sha256=got, size=done, board=board.id, version=release.version, url=release.url, pinned_by=pinned
    )


def _npm_runtime(board: Board, release: Release, on_note: NoteCallback | None = None) -> CachedImage:
    """The WebAssembly runtime: installed by npm from firmware/wasm (npm checks its integrity)."""
    from boardkit import wasm_runtime

    spec = release.url.removeprefix("npm:")
    name, _, version = spec.rpartition("@")
    package = wasm_runtime.ensure(on_note).package.parent.parent / name
    try:
        installed = json.loads((package / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        raise FirmwareError(
            f"the MicroPython WebAssembly runtime ({spec}) is not installed", hint="run `boardkit doctor --install`"
        ) from None
    if installed != version:
        raise FirmwareError(
            f"firmware/wasm has {name} {installed}, boards/{board.id}.toml wants {version}",
            hint="run `npm install` in firmware/wasm, or update the board file",
        )
    wasm = package / "micropython.wasm"
    target = wasm if wasm.is_file() else package / "package.json"
    return CachedImage(
        path=package,
        sha256=sha256_of(target),
        size=target.stat().st_size,
        board=board.id,
        version=release.version,
        url=release.url,
        pinned_by="firmware/wasm/package-lock.json",
    )


def image_for(
    board: Board,
    version: str | None = None,
    flavour: str = "micropython",
    offline: bool = False,
    progress: Progress | None = None,
    on_note: NoteCallback | None = None,
) -> CachedImage:
    """What `boardkit flash --board X --version V` flashes: that release, fetched and verified.

    Without a version, when the newest release is not in the cache but an image was added
    for this board (`boardkit firmware add FILE --board X`, what the download error's hint
    says to do offline), that image is used: adding it is how a user says "use this one".
    """
    release = board.release(flavour, version)
    if version is None and not release.url.startswith("npm:") and not _in_cache(board, release):
        added = _added_image(board)
        if added is not None:
            return added
    return fetch(board, release, offline=offline, progress=progress, on_note=on_note)


def _in_cache(board: Board, release: Release) -> bool:
    expected, _ = _pin(board, release, read_lock())
    found = _cached_file(read_index(), expected, release.url)
    return found is not None and (cache_dir() / found[1]["file"]).is_file()


def _added_image(board: Board) -> CachedImage | None:
    """The image most recently added for this board (checked against its hash), or None."""
    lock = read_lock()
    index = read_index()
    mine = [
        (entry.get("added", ""), sha)
        for sha, entry in lock.get("added", {}).items()
        if entry.get("board") == board.id and sha in index
    ]
    for _when, sha in sorted(mine, reverse=True):
        entry = index[sha]
        path = cache_dir() / entry.get("file", "")
        if path.is_file():
            _verify_cached(path, sha, "added", f"{board.id} image added from {entry.get('source', '?')}")
            return CachedImage(
                path=path,
                sha256=sha,
                size=path.stat().st_size,
                board=board.id,
                version=entry.get("version"),
                url=entry.get("url"),
                pinned_by="added",
            )
    return None


# ---------------------------------------------------------------- add, list


def add(path: Path, board_id: str | None = None) -> CachedImage:
    """Copy a local image into the cache, check it, and lock its hash so it counts as pinned."""
    path = Path(path)
    if path.exists() and not path.is_file():
        from boardkit.local_files import check_readable

        check_readable(path)  # says what it is instead: a folder, a FIFO, a device
    if not path.is_file():
        raise InvalidInput(f"no such file: {path}", hint=f"give the path of a {_suffixes()} image")
    found = format_for_suffix(path.suffix)
    if found is None:
        raise InvalidInput(
            f"{path.name}: not a firmware image name ({_suffixes()})", hint="rename it to the extension of its format"
        )
    fmt = found.name
    board = get_board(board_id) if board_id else None
    if board is not None and fmt not in {r.format for r in board.releases}:
        raise InvalidInput(
            f"{path.name} is a {fmt} image; board '{board.id}' takes "
            f"{', '.join(sorted({r.format for r in board.releases}))}",
            hint="check the file and the --board",
        )
    check_image(path, fmt, board.chip if board else None, board.uf2_family if board else None)
    if board is not None and board.fs.kind == "microbit":
        from boardkit.firmware.microbit_fs import check_micropython_hex

        check_micropython_hex(path, board.chip)  # a valid hex of anything else is not firmware
    sha = sha256_of(path)
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{sha}{found.suffix}"
    fd, tmp_name = tempfile.mkstemp(prefix=".add.", suffix=".part", dir=folder)
    os.close(fd)
    try:
        shutil.copyfile(path, tmp_name)
        if sha256_of(Path(tmp_name)) != sha:
            raise FirmwareError(f"{path.name} changed while it was being copied", hint="try again")
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    lock = read_lock()
    board, release, pinned_by = _release_with_hash(board, sha, lock)
    lock["added"][sha] = {
        "size": target.stat().st_size,
        "source": str(path.resolve()),
        "board": board.id if board else None,
        "added": now(),
    }
    write_json(lock_path(), lock)
    remember(sha, target, release, board, pinned_by, source=str(path.resolve()))
    return CachedImage(
        path=target,
        sha256=sha,
        size=target.stat().st_size,
        board=board.id if board else None,
        version=release.version if release else None,
        url=release.url if release else None,
        pinned_by=pinned_by,
    )


def _suffixes() -> str:
    """ ".bin, .hex, .uf2": the file suffixes of the registered image formats."""
    from boardkit.firmware.formats import IMAGE_FORMATS

    return ", ".join(sorted(filter(None, (image_format(name).suffix for name in IMAGE_FORMATS.names()))))


def _release_with_hash(board: Board | None, sha: str, lock: dict[str, Any]) -> tuple[Board | None, Release | None, str]:
    """The release this file is (by its pin or its URL's locked hash), so fetch() finds it.

    Without --board every board is searched: Debian's micro:bit hex is recognised by its pin.
    """
    boards = [board] if board is not None else list(load_boards().values())
    for b in boards:
        for r in b.releases:
            if r.sha256 == sha:
                return b, r, f"boards/{b.id}.toml"
            locked = lock["urls"].get(r.url)
            if r.sha256 is None and locked and locked.get("sha256") == sha:
                return b, r, "lock"
    return board, None, "added"


def list_cached() -> list[CachedImage]:
    """Every image in the cache (as the index describes it; hashes are checked when used)."""
    images = []

    def by_board(kv: tuple[str, dict[str, Any]]) -> tuple[str, str]:
        return kv[1].get("board") or "", kv[1].get("version") or ""

    for sha, entry in sorted(read_index().items(), key=by_board):
        path = cache_dir() / entry.get("file", "")
        if not path.is_file():
            continue
        images.append(
            CachedImage(
                path=path,
                sha256=sha,
                size=path.stat().st_size,
                board=entry.get("board"),
                version=entry.get("version"),
                url=entry.get("url"),
                pinned_by=entry.get("pinned_by", "lock"),
            )
        )
    return images
