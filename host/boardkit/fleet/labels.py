"""The two small files boardkit keeps on a classroom board.

boardkit_seat.txt  the seat's name (UTF-8 text, one line), written by `fleet scan` / `fleet label`
                   and after `fleet flash`; `boardkit info` shows it.
boardkit_kit.json  what was put on the board, as JSON:
                   {"kit": {"name": "lesson3", "version": "1a2b3c4d", "at": "2025-03-04T09:12:00Z"},
                    "lesson": {"name": "lesson1", "version": "5e6f7a8b", "at": "..."}}
                   "kit" is written into the kit image by `fleet flash --kit`; "lesson" by
                   `fleet sync`. version is the first 8 hex digits of a SHA-256 over the files'
                   names and contents, so the same folder always gives the same version.

Both live at the top of the board's filesystem (/boardkit_seat.txt, or the flat name on a
micro:bit). They are never removed by `fleet sync --delete` and never collected.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import Any

from boardkit.device import Device
from boardkit.errors import BoardkitError
from boardkit.safe_ast import literal

LABEL_FILE = "boardkit_seat.txt"
KIT_FILE = "boardkit_kit.json"
MARKER_FILES = (LABEL_FILE, KIT_FILE)

# One exec reads both (absent files print None); a function, so it leaves no names behind.
# Short and 1.9-compatible: no f-strings.
_READ = """def _bkm(ns):
 for n in ns:
  try:
   f=open(n)
   print(repr(f.read()))
   f.close()
  except OSError:
   print('None')
_bkm(%r)
del _bkm
"""


def read_markers(device: Device) -> tuple[str | None, dict[str, Any]]:
    """(the seat label or None, the kit marker or {}) from the board, in one round trip."""
    names = tuple(device.board_path("/" + name) for name in MARKER_FILES)
    out = device.exec(_READ % (names,)).decode(errors="replace")
    values: list[object] = []
    for line in out.splitlines():
        line = line.strip()
        if line:
            try:
                values.append(literal(line))
            except (ValueError, SyntaxError):
                values.append(None)
    label, marker = (values + [None, None])[:2]
    label = label.strip() if isinstance(label, str) and label.strip() else None
    try:
        kit = json.loads(marker) if isinstance(marker, str) else {}
    except ValueError:
        kit = {}
    return label, kit if isinstance(kit, dict) else {}


def read_label(device: Device) -> str | None:
    """The seat label, or None (no label, or the board could not say)."""
    try:
        return read_markers(device)[0]
    except BoardkitError:
        return None


def write_label(device: Device, seat: str) -> None:
    """Write the seat's name onto the board (boardkit_seat.txt)."""
    device.write_file(device.board_path("/" + LABEL_FILE), (seat + "\n").encode())


def write_kit_marker(device: Device, marker: dict[str, Any]) -> None:
    """Write the kit marker onto the board (boardkit_kit.json)."""
    device.write_file(device.board_path("/" + KIT_FILE), marker_bytes(marker))


def marker_bytes(marker: dict[str, Any]) -> bytes:
    """The kit marker as the compact, key-sorted JSON the board keeps."""
    return json.dumps(marker, separators=(",", ":"), sort_keys=True).encode()


def entry(name: str, files: dict[str, bytes]) -> dict[str, Any]:
    """One "kit" or "lesson" entry of the marker for these files (board path -> content)."""
    return {"name": name, "version": content_version(files), "at": now()}


def content_version(files: dict[str, bytes]) -> str:
    """8 hex digits of a SHA-256 over the files' names and contents (marker files left out)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        if name.lstrip("/") in MARKER_FILES:
            continue
        data = files[name]
        digest.update(name.lstrip("/").encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()[:8]


def now() -> str:
    """The time now, UTC, as the marker records it (2025-03-04T09:12:00Z)."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(marker: dict[str, Any], key: str) -> str:
    """ "lesson1 (5e6f7a8b)" for marker[key], or "" """
    item = marker.get(key)
    if not isinstance(item, dict) or not item.get("name"):
        return ""
    return f"{item['name']} ({item.get('version', '?')})"
