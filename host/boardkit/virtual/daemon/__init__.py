"""The supervising daemon of one virtual board.

    python -m boardkit.virtual.daemon --name NAME --kind KIND [--baud B] [--webrepl PORT]
                                      [--image STAGED --ready-after SECONDS]

(the command line and the control socket's protocol: virtual/control.py)

    board_daemon.py     Daemon: the pty, the poll loop (a table fd -> handler), the board's life
    pacing.py           UART-like pacing: TokenBucket, Stream
    backend_process.py  the backend's process (spawn, Ctrl-C side pipe, kill)
    control_server.py   the control socket, requests dispatched through a table op -> handler
    webrepl_session.py  the WebREPL endpoint's session, sharing the REPL with the pty
"""

from __future__ import annotations

from boardkit.virtual.control import EXIT_NAME_TAKEN, WEBREPL_PASSWORD_ENV
from boardkit.virtual.daemon.board_daemon import Daemon
from boardkit.virtual.daemon.pacing import (
    BUFFER_LIMIT,
    STALL_DROP_SECONDS,
    Stream,
    TokenBucket,
)

__all__ = [
    "BUFFER_LIMIT",
    "EXIT_NAME_TAKEN",
    "STALL_DROP_SECONDS",
    "WEBREPL_PASSWORD_ENV",
    "Daemon",
    "Stream",
    "TokenBucket",
]
