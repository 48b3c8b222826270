"""The one protocol between a virtual board's daemon and the code that starts and steers it.

Two channels, both defined only here:
- the daemon's command line (DaemonArgs): what start() runs, what the daemon parses; the
  WebREPL password travels in the environment (WEBREPL_PASSWORD_ENV), never argv (ps shows
  argv); EXIT_NAME_TAKEN is its exit status when another daemon holds the name;
- the control socket: one JSON line per request, {"op": "ping"|"stop"|"hard_reset"}, one
  JSON line in reply ({"ok": true, ...} or {"ok": false, "error": "..."}). A hard_reset's
  reply comes once the board printed its prompt again.
"""

from __future__ import annotations

import json
import socket
import sys
from dataclasses import dataclass
from typing import Any

from boardkit.errors import VirtualBoardError

DAEMON_MODULE = "boardkit.virtual.daemon"  # python -m DAEMON_MODULE; also how a daemon is recognised
EXIT_NAME_TAKEN = 3
WEBREPL_PASSWORD_ENV = "BOARDKIT_WEBREPL_SERVER_PASSWORD"

PING = "ping"  # -> {"ok": true, "port": PTY, "ready": bool}
STOP = "stop"  # -> {"ok": true}, then the daemon stops its backend and exits
HARD_RESET = "hard_reset"  # -> {"ok": true, "port": PTY} once the board is back at its prompt
OPS = (PING, STOP, HARD_RESET)

Reply = dict[str, Any]


@dataclass(frozen=True)
class DaemonArgs:
    """The daemon's command line, as start() builds it and the daemon reads it."""

    name: str
    kind: str
    baud: int | None = None
    webrepl_port: int | None = None
    image: str | None = None  # a staged image (images.stage) to install first
    ready_after: float | None = None  # seconds alive that count as "started", prompt or not
    flash_size: int | None = None  # bytes of filesystem, for kinds that let you choose (flash_size.py)

    def command(self) -> list[str]:
        """The whole command line that starts this daemon."""
        argv = [sys.executable, "-m", DAEMON_MODULE, "--name", self.name, "--kind", self.kind]
        if self.baud:
            argv += ["--baud", str(self.baud)]
        if self.image is not None:
            argv += ["--image", self.image]
        if self.ready_after is not None:
            argv += ["--ready-after", str(self.ready_after)]
        if self.webrepl_port is not None:
            argv += ["--webrepl", str(self.webrepl_port)]
        if self.flash_size is not None:
            argv += ["--flash-size", str(self.flash_size)]
        return argv

    @classmethod
    def parse(cls, argv: list[str] | None = None) -> DaemonArgs:
        """Read the arguments command() wrote (argv: sys.argv[1:] by default)."""
        import argparse  # only the daemon parses: not paid by every client

        parser = argparse.ArgumentParser(prog=DAEMON_MODULE)
        parser.add_argument("--name", required=True)
        parser.add_argument("--kind", required=True)
        parser.add_argument("--baud", type=int, default=None)
        parser.add_argument("--webrepl", type=int, default=None, metavar="PORT")
        parser.add_argument("--image", default=None, metavar="STAGED")
        parser.add_argument("--ready-after", type=float, default=None, metavar="SECONDS")
        parser.add_argument("--flash-size", type=int, default=None, metavar="BYTES")
        args = parser.parse_args(argv)
        return cls(args.name, args.kind, args.baud, args.webrepl, args.image, args.ready_after, args.flash_size)


def encode(message: dict[str, Any]) -> bytes:
    """One message (request or reply) as the line that goes on the socket."""
    return (json.dumps(message) + "\n").encode()


def decode_request(line: bytes) -> str | None:
    """The op a request line asks for; None when it is not a request."""
    try:
        request = json.loads(line)
    except ValueError:
        return None
    op = request.get("op") if isinstance(request, dict) else None
    return op if isinstance(op, str) else None


def request(board: str, socket_path: str, op: str, timeout: float, log: str = "") -> Reply:
    """Ask a board's daemon for `op` and return its reply; VirtualBoardError if it gives none."""
    where = f"see its log: {log}" if log else None
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(socket_path)
            sock.sendall(encode({"op": op}))
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except (TimeoutError, OSError) as exc:
            raise VirtualBoardError(f"virtual board {board} did not answer {op!r}: {exc}", hint=where) from None
    try:
        reply = json.loads(buf)
    except ValueError:
        raise VirtualBoardError(f"virtual board {board} gave no answer to {op!r}", hint=where) from None
    if not isinstance(reply, dict):
        raise VirtualBoardError(f"virtual board {board} gave no answer to {op!r}", hint=where)
    return reply
