"""Virtual boards: real MicroPython running on this computer, behind a pty.

    board = virtual.start("wasm")            # MicroPython's WebAssembly build on node
    board = virtual.start("microbit")        # BBC micro:bit v1 firmware in QEMU
    serial.Serial(board.port)                # /dev/pts/N: any serial tool can open it
    virtual.hard_reset(board); virtual.stop(board.name)

    virtual.start("microbit", image=Path("kit.hex"))          # boots that hex (its files inside)
    virtual.start("wasm", files={"main.py": b"print(1)"})     # fs/ replaced by these files
    virtual.reflash("mb1", image=Path("lesson.hex"))          # stop, start again on the image
    virtual.kind_names()                                      # the kinds start() takes

Each board is a detached daemon (boardkit.virtual.daemon) that owns the pty and the
backend process; it outlives the Python process that started it. State lives under
boardkit.paths.state_dir()/virtual/NAME/ (BOARDKIT_HOME moves it).

    kinds/        one Backend per kind, in a registry (VIRTUAL_KINDS; entry points add more)
    registry.py   what runs: records, name locks, list/find
    lifecycle.py  start, stop, hard reset, reflash
    control.py    the one protocol between the daemon and this side
    daemon/       the daemon: pacing, backend process, control server, WebREPL session
    images.py     what a board boots (staged by start, installed by the daemon)
"""

from __future__ import annotations

from typing import Any

from boardkit.virtual.lifecycle import hard_reset, reflash, start, stop, stop_all
from boardkit.virtual.registry import VirtualBoard, find, list_boards
from boardkit.virtual.registry import name_in_use as _name_in_use  # noqa: F401  (tests/test_fork_races.py)

__all__ = [
    "KINDS",
    "VIRTUAL_KINDS",
    "VirtualBoard",
    "find",
    "hard_reset",
    "kind_names",
    "list_boards",
    "reflash",
    "start",
    "stop",
    "stop_all",
]


def kind_names() -> list[str]:
    """Every virtual board kind start() takes, built in and installed (kinds.kind_names)."""
    from boardkit.virtual import (
        kinds,  # reading installed packages' entry points costs time: not at import
    )

    return kinds.kind_names()


def __getattr__(name: str) -> Any:
    # Loaded on first use (see kind_names). KINDS was a tuple fixed at import; kinds now come
    # from the registry, installed ones included.
    if name == "KINDS":
        return tuple(kind_names())
    if name == "VIRTUAL_KINDS":
        from boardkit.virtual.kinds import VIRTUAL_KINDS

        return VIRTUAL_KINDS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
