"""What the host remembers of a board between commands: its capabilities and folder listings.

Neither is trusted as it is. Cached capabilities are checked by the first helper call of a
session (resident.bootstrap: the board's identity must match); a cached listing is used only
when the hash of everything in the folder, which the board computes (lib/bk_fs.py _bk_lh),
equals the hash of the cached entries. A stale or foreign cache costs one more round trip,
never a wrong answer. One JSON file per board URL under BOARDKIT_HOME/cache/boards/.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from boardkit.device.probe import Capabilities

# (path, size, listing hash) for a file; (path, -1, None) for a folder
Entry = tuple[str, int, str | None]
MASK = (1 << 64) - 1


def _file(url: str) -> Path:
    from boardkit import paths

    key = hashlib.sha256(url.encode()).hexdigest()[:16]
    return paths.state_dir() / "cache" / "boards" / f"{key}.json"


def load(url: str) -> dict[str, Any]:
    """Everything remembered about the board at url ({} when nothing, or unreadable)."""
    try:
        data = json.loads(_file(url).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("url") == url else {}


def save(url: str, data: dict[str, Any]) -> None:
    """Remember this about the board at url (atomically; a cache that cannot be written is skipped)."""
    target = _file(url)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({**data, "url": url}))
        os.replace(tmp, target)
    except OSError:
        pass


def forget(url: str) -> None:
    """Drop what is remembered about the board at url (another board answers there now)."""
    try:
        _file(url).unlink(missing_ok=True)
    except OSError:
        pass


def caps_from(data: dict[str, Any]) -> Capabilities | None:
    """The capabilities stored in a cache record, or None."""
    raw = data.get("caps")
    if not isinstance(raw, dict):
        return None
    try:
        fields = {k: v for k, v in raw.items() if k in Capabilities.__dataclass_fields__}
        caps = Capabilities(**fields)
        major, minor, micro = caps.version
        caps.version = (major, minor, micro)
        caps.fs_space = (caps.fs_space[0], caps.fs_space[1]) if caps.fs_space else None
        return caps
    except (TypeError, ValueError):
        return None


def caps_record(caps: Capabilities) -> dict[str, Any]:
    return asdict(caps)


def entry_line(entry: Entry) -> bytes:
    """One entry as lib/bk_fs.py's _bk_lhw hashes it."""
    path, size, digest = entry
    return f"{path} {size} {digest or '-'}".encode()


def listing_digest(entries: list[Entry]) -> str:
    """The hash _bk_lh computes over a folder holding these entries (order does not matter)."""
    total = 0
    for entry in entries:
        total = (total + int.from_bytes(hashlib.sha256(entry_line(entry)).digest()[:8], "big")) & MASK
    return f"{total:016x}"
