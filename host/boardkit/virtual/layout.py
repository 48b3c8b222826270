"""Where a virtual board keeps its things: state_dir()/virtual/NAME/.

    board.json     the record (written by the daemon; `ready` once the REPL answered)
    lock           held (flock) by the daemon for its whole life: one board per name
    control.sock   the daemon's control socket (stop, hard_reset, ping)
    monitor.sock   QEMU's monitor (micro:bit)
    daemon.log     the daemon's and the backend's stderr
    fs/            the wasm board's flash (kept after the board stops)
    flash_size     the wasm board's filesystem size in bytes (flash_size.py)
    image.hex      the micro:bit's flash when it was started on an image (images.py)

Unix socket paths are limited to ~107 bytes; when the state folder is deeper than that
(pytest tmp dirs), the sockets go to a short per-board folder under /tmp instead.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

from boardkit import paths

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
_SOCK_MAX = 100


def root() -> Path:
    path = paths.state_dir() / "virtual"
    path.mkdir(parents=True, exist_ok=True)
    return path


def board_dir(name: str) -> Path:
    return root() / name


def record_path(name: str) -> Path:
    return board_dir(name) / "board.json"


def lock_path(name: str) -> Path:
    return board_dir(name) / "lock"


def log_path(name: str) -> Path:
    return board_dir(name) / "daemon.log"


def fs_dir(name: str) -> Path:
    return board_dir(name) / "fs"


def flash_size_path(name: str) -> Path:
    return board_dir(name) / "flash_size"


def _socket(name: str, leaf: str) -> str:
    path = board_dir(name) / leaf
    if len(str(path)) <= _SOCK_MAX:
        return str(path)
    digest = hashlib.sha1(str(board_dir(name)).encode()).hexdigest()[:16]
    short = Path(tempfile.gettempdir()) / f"boardkit-{digest}"
    short.mkdir(mode=0o700, exist_ok=True)
    return str(short / leaf)


def control_socket(name: str) -> str:
    return _socket(name, "control.sock")


def monitor_socket(name: str) -> str:
    return _socket(name, "monitor.sock")
