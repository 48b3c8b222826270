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

from boardkit.virtual.kinds import VIRTUAL_KINDS, kind_names
from boardkit.virtual.lifecycle import hard_reset, reflash, start, stop, stop_all
from boardkit.virtual.registry import VirtualBoard, find, list_boards
from boardkit.virtual.registry import name_in_use as _name_in_use  # noqa: F401  (tests/test_fork_races.py)

__all__ = ["VirtualBoard", "KINDS", "VIRTUAL_KINDS", "kind_names", "start", "list_boards", "find", "stop",
           "stop_all", "hard_reset", "reflash"]


def __getattr__(name: str) -> Any:
    # KINDS was a tuple fixed at import; kinds now come from the registry, installed ones included.
    if name == "KINDS":
        return tuple(kind_names())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
