"""What packages a board holds: its install folder's files (one listing, with hashes) matched
against the lock file, then against the index for files the lock does not know.

A board lists each file with its SHA-256 cut to 16 hex digits (boards without hashlib: an
Adler-32, matched by size alone); the index names files by a SHA-256 prefix (usually 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from boardkit.device import FileEntry
from boardkit.errors import PackageError, PackageNotFound
from boardkit.packages.index import MipIndex
from boardkit.packages.lock import Lock

# Status of a package on the board:
LOCKED = "ok"  # every file as the lock says
CHANGED = "changed"  # all there, some differ from the lock
PARTIAL = "partial"  # some of the lock's files are missing
INDEX = "index"  # not in the lock, but matches the index's files
UNKNOWN = "unknown"  # files nobody here can name
MAX_INDEX_LOOKUPS = 40  # a board full of unknown modules does not turn into hundreds of requests


@dataclass
class InstalledPackage:
    """One package found on a board."""

    name: str
    version: str
    status: str
    files: list[str] = field(default_factory=list)  # relative to the install folder
    bytes: int = 0
    source: str = ""
    missing: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "status": self.status,
            "files": self.files,
            "bytes": self.bytes,
            "source": self.source,
            "missing": self.missing,
            "changed": self.changed,
        }


def _same(entry: FileEntry, sha256: str, size: int) -> bool:
    if entry.size != size:
        return False
    if entry.hash and entry.hash.startswith("s:"):
        return sha256.startswith(entry.hash[2:])
    return True  # an Adler-32 board: the size has to do


def match_files(
    entries: list[FileEntry],
    target: str,
    lock: Lock | None,
    variant: str,
    index: MipIndex | None,
    on_note: Callable[[str], None] | None = None,
) -> list[InstalledPackage]:
    """The packages these board files (a listing of target) make up."""
    base = target.rstrip("/") + "/"
    files = {e.path[len(base) :] if e.path.startswith(base) else e.path.lstrip("/"): e for e in entries if not e.is_dir}
    claimed: set[str] = set()
    found: list[InstalledPackage] = []
    for key, package in sorted(lock.packages.items()) if lock is not None else []:
        locked = (
            package.variants.get(variant)
            or package.variants.get("bundle")
            or next(iter(package.variants.values()), None)
        )
        if locked is None:
            continue
        present = [f for f in locked.files if f.board_path in files]
        if not present:
            continue
        item = InstalledPackage(key, package.version, LOCKED, source=package.source)
        for f in locked.files:
            entry = files.get(f.board_path)
            if entry is None:
                item.missing.append(f.board_path)
                continue
            claimed.add(f.board_path)
            item.files.append(f.board_path)
            item.bytes += entry.size
            if not _same(entry, f.board_sha256, f.board_size):
                item.changed.append(f.board_path)
        item.status = PARTIAL if item.missing else CHANGED if item.changed else LOCKED
        found.append(item)
    groups: dict[str, list[str]] = {}
    for rel in sorted(set(files) - claimed):
        top = rel.split("/", 1)[0]
        groups.setdefault(top if "/" in rel else top.rsplit(".", 1)[0], []).append(rel)
    lookups = 0
    asking = index is not None and variant != "bundle"
    for name, rels in sorted(groups.items()):
        item = InstalledPackage(name, "?", UNKNOWN, rels, sum(files[r].size for r in rels))
        if asking and index is not None and lookups < MAX_INDEX_LOOKUPS:
            lookups += 1
            asking = _match_index(item, files, index, variant, on_note)
        found.append(item)
    return found


def _match_index(
    item: InstalledPackage,
    files: dict[str, FileEntry],
    index: MipIndex,
    variant: str,
    on_note: Callable[[str], None] | None,
) -> bool:
    """Set item's version and status from the index's newest release when its files match;
    False when the index cannot be reached (then it is not asked about the rest)."""
    for kind in dict.fromkeys([variant, "py"]):
        try:
            manifest = index.manifest(item.name, kind, None)
        except PackageNotFound:
            continue
        except PackageError as exc:  # unreachable, not merely absent
            if on_note:
                on_note(f"the index was not asked about the other files: {exc}")
            return False
        wanted = dict(manifest.hashes)
        if wanted and all(
            rel in files and files[rel].hash is not None and _prefix_match(files[rel].hash or "", short)
            for rel, short in wanted.items()
        ):
            item.version = manifest.version or "latest"
            item.status = INDEX
            item.source = f"index {index.url}"
            return True
    return True


def _prefix_match(board_hash: str, short: str) -> bool:
    if not board_hash.startswith("s:"):
        return False
    digits = board_hash[2:]
    n = min(len(digits), len(short))
    return digits[:n] == short[:n]
