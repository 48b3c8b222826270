"""What runs: the virtual boards' records (state/virtual/NAME/board.json) and name locks.

A daemon writes its board's record and holds the name's lock for its whole life; a record
whose daemon is gone is stale and removed when seen. Nothing here starts or stops a board
(lifecycle.py does).
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from boardkit.errors import BadVirtualRequest
from boardkit.virtual import layout
from boardkit.virtual.control import DAEMON_MODULE


@dataclass
class VirtualBoard:
    name: str
    kind: str  # a name from kinds.kind_names(): "wasm", "microbit", ...
    port: str  # the pty clients open, e.g. /dev/pts/7
    pid: int  # the supervising daemon
    baud: int | None
    state_dir: Path
    fs_dir: Path | None  # wasm: the host folder that is the board's flash
    started: float  # time.time() when the daemon started
    backend_pid: int | None = field(default=None, repr=False)
    webrepl_port: int | None = None  # ws://127.0.0.1:PORT answers WebREPL (start(webrepl_port=...))
    image: Path | None = None  # micro:bit: the .hex it booted, when not the default firmware

    def is_alive(self) -> bool:
        return daemon_alive(self.pid) and layout.record_path(self.name).exists()

    @property
    def uptime(self) -> float:
        return max(0.0, time.time() - self.started)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["state_dir"] = str(self.state_dir)
        data["fs_dir"] = str(self.fs_dir) if self.fs_dir else None
        data["image"] = str(self.image) if self.image else None
        data["uptime"] = round(self.uptime, 1)
        return data


def daemon_alive(pid: int) -> bool:
    """Is `pid` a running board daemon (and not some process that reused its number)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust kill(0)
    return DAEMON_MODULE.encode() in cmdline


def read_record(name: str) -> dict[str, Any] | None:
    """The board's record as its daemon last wrote it, or None."""
    try:
        record = json.loads(layout.record_path(name).read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def board_from_record(record: dict[str, Any]) -> VirtualBoard:
    return VirtualBoard(
        name=record["name"],
        kind=record["kind"],
        port=record["port"],
        pid=record["pid"],
        baud=record.get("baud"),
        state_dir=Path(record["state_dir"]),
        fs_dir=Path(record["fs_dir"]) if record.get("fs_dir") else None,
        started=record["started"],
        backend_pid=record.get("backend_pid"),
        webrepl_port=record.get("webrepl_port"),
        image=Path(record["image"]) if record.get("image") else None,
    )


def name_in_use(name: str) -> bool:
    """True if a daemon holds this name's lock (running, maybe still booting).

    The probe takes a shared lock, never the daemon's exclusive one: a child forked by
    another thread at that moment holds a copy of the probe's lock until it execs, and a
    copy of an exclusive lock made the next probe see a board that was not there.
    """
    lock = layout.lock_path(name)
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def list_boards() -> list[VirtualBoard]:
    """The running virtual boards (stale records of dead daemons are removed)."""
    boards = []
    for entry in sorted(layout.root().iterdir()):
        record = read_record(entry.name) if entry.is_dir() else None
        if record is None:
            continue
        if not record.get("ready"):
            continue  # still booting: start() has not returned it yet
        board = board_from_record(record)
        if board.is_alive():
            boards.append(board)
        else:
            layout.record_path(entry.name).unlink(missing_ok=True)
    return sorted(boards, key=_sort_key)


def _sort_key(board: VirtualBoard) -> tuple[str, str, int, str]:
    digits = "".join(ch for ch in board.name if ch.isdigit())
    return (board.kind, board.name.rstrip("0123456789"), int(digits) if digits else 0, board.name)


def find(name_or_port: str) -> VirtualBoard | None:
    """A running board by name or by pty path, or None."""
    for board in list_boards():
        if name_or_port in (board.name, board.port):
            return board
    return None


def resolve(name_or_board: str | VirtualBoard) -> VirtualBoard:
    """The running board by that name; VirtualBoardError (with a hint) if there is none."""
    name = name_or_board.name if isinstance(name_or_board, VirtualBoard) else str(name_or_board)
    board = find(name)
    if board is None:
        raise BadVirtualRequest(f"no running virtual board named {name}", hint="see `boardkit virtual list`")
    return board
