"""Where the firmware cache keeps its files, and its two JSON records.

- the cache folder holds images named ``<sha256>.<ext>`` and ``index.json`` (what each is);
- the lock file (``firmware.lock.json``) records URL hashes (trust on first use) and added files.

Both are written atomically (a temporary file in the same folder, then a rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.errors import FirmwareError

if TYPE_CHECKING:
    from boardkit.boards import Board, Release

CHUNK = 64 * 1024
MICROPYTHON_BASE = "https://micropython.org/resources/firmware"


def cache_dir() -> Path:
    home = os.environ.get("BOARDKIT_HOME")
    if home:
        return Path(home) / "cache" / "firmware"
    import platformdirs

    return Path(platformdirs.user_cache_dir("boardkit")) / "firmware"


def lock_path() -> Path:
    home = os.environ.get("BOARDKIT_HOME")
    if home:
        return Path(home) / "firmware.lock.json"
    import platformdirs

    return Path(platformdirs.user_config_dir("boardkit")) / "firmware.lock.json"


def index_path() -> Path:
    return cache_dir() / "index.json"


def read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise FirmwareError(f"the {what} {path} is unreadable ({exc})", hint=f"fix or delete {path}") from None
    if not isinstance(data, dict):
        raise FirmwareError(f"the {what} {path} is not a JSON object", hint=f"fix or delete {path}")
    return data


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Atomically: a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_lock() -> dict[str, Any]:
    lock = read_json(lock_path(), "lock file")
    lock.setdefault("urls", {})
    lock.setdefault("added", {})
    return lock


def read_index() -> dict[str, Any]:
    return read_json(index_path(), "cache index")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def resolve_url(url: str) -> str:
    """The URL to download from: BOARDKIT_FIRMWARE_MIRROR replaces micropython.org's firmware folder."""
    mirror = os.environ.get("BOARDKIT_FIRMWARE_MIRROR")
    if mirror and url.startswith(MICROPYTHON_BASE + "/"):
        return mirror.rstrip("/") + url[len(MICROPYTHON_BASE) :]
    return url


def lock_url(url: str, sha: str, size: int) -> None:
    lock = read_lock()
    lock["urls"][url] = {"sha256": sha, "size": size, "locked": now()}
    write_json(lock_path(), lock)


def remember(
    sha: str, path: Path, release: Release | None, board: Board | None, pinned_by: str, source: str | None = None
) -> None:
    index = read_index()
    entry = index.get(sha, {})
    urls = set(entry.get("urls", []))
    if release is not None:
        urls.add(release.url)
    entry.update(file=path.name, size=path.stat().st_size, pinned_by=pinned_by, urls=sorted(urls))
    if board is not None:
        entry["board"] = board.id
    if release is not None:
        entry.update(version=release.version, flavour=release.flavour, format=release.format, url=release.url)
    if source is not None:
        entry["source"] = source
    index[sha] = entry
    write_json(index_path(), index)
