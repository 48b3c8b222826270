"""Sessions with a board: connect, what it is (info), running code on it, resetting it.

with connect("/dev/ttyACM0") as device:
    print(info(device).capabilities.machine)
    exec_code(device, "print(1 + 1)", on_output=sys.stdout.buffer.write)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardkit import ports
from boardkit.device import Capabilities, Device
from boardkit.errors import InvalidInput, RemoteError
from boardkit.links import CredentialsProvider, open_link
from boardkit.repl import OutputCallback


def devices(include_all: bool = False) -> list[ports.PortInfo]:
    """The boards present: USB serial ports that look like boards, and running virtual boards.

    include_all: also serial ports that do not look like boards.
    """
    return ports.all_ports(include_all=include_all)


def connect(
    url: str | None = None,
    timeout: float = 10.0,
    password: str | None = None,
    credentials: CredentialsProvider | None = None,
) -> Device:
    """Open a session with a board; use the Device in a `with` block (or close() it).

    url: /dev/ttyACM0, COM3, socket://host:port, rfc2217://host:port, ws://host:8266
    (WebREPL), a virtual board's name, or None for the only board present.
    timeout: seconds to wait for the board to answer.
    password: the WebREPL password (short for credentials=lambda url: password).
    credentials: called with the URL when a link needs a password (only WebREPL does);
    returns it or raises AuthError. Default: BOARDKIT_WEBREPL_PASSWORD, then boardkit's
    config file (see boardkit.webrepl_auth). Other links ignore both.
    """
    resolved = ports.resolve(url)
    link = open_link(resolved, credentials=_provider(password, credentials))
    return Device(link, resolved, timeout=timeout)


def _provider(password: str | None, credentials: CredentialsProvider | None) -> CredentialsProvider:
    if password is not None and credentials is not None:
        raise InvalidInput("give a password or a credentials provider, not both")
    if password is not None:
        return _fixed(password)
    return credentials or _stored


def _stored(url: str) -> str:
    """The password BOARDKIT_WEBREPL_PASSWORD or the config file holds for url."""
    from boardkit import webrepl_auth  # only once a board asks for a password

    return webrepl_auth.stored_credentials(url)


def _fixed(password: str) -> CredentialsProvider:
    from boardkit import webrepl_auth

    return webrepl_auth.fixed_password(password)


@dataclass
class BoardInfo:
    """What `info` found: where the board is, what it runs, and its classroom seat label."""

    port: str
    capabilities: Capabilities
    seat: str | None = None  # the seat label `fleet scan` / `fleet label` wrote, if any
    marker: dict[str, Any] = field(default_factory=dict)  # the kit marker: {"kit": ..., "lesson": ...}
    interrupted_program: bool = False  # a program was running and had to be stopped to ask

    def to_dict(self) -> dict[str, Any]:
        return {
            "port": self.port,
            **self.capabilities.to_dict(),
            "seat": self.seat,
            "kit": self.marker.get("kit"),
            "lesson": self.marker.get("lesson"),
        }


def info(device: Device) -> BoardInfo:
    """Probe the board: implementation, version, machine, memory, filesystem, seat label, kit."""
    from boardkit.fleet.labels import read_markers

    caps = device.caps
    seat, marker = read_markers(device)
    return BoardInfo(device.url, caps, seat, marker, device.repl.interrupted_program)


@dataclass
class RunResult:
    """A program that ran to its end (one that raised raises RemoteError instead)."""

    output: bytes  # what it printed (also streamed to on_output), \r\n as sent
    seconds: float
    interrupted_program: bool = False  # a program already running was stopped with Ctrl-C first

    @property
    def text(self) -> str:
        """The output as text, with plain \\n line ends."""
        return self.output.decode(errors="replace").replace("\r\n", "\n")


def exec_code(
    device: Device, code: str | bytes, *, on_output: OutputCallback | None = None, max_time: float | None = None
) -> RunResult:
    """Run code on the board, streaming what it prints to on_output(bytes) as it comes.

    max_time: stop the program with Ctrl-C after this many seconds (LinkTimeout).
    Raises RemoteError (its .traceback is the board's) when the code raises, ProgramExit
    (exit_code N) when it calls sys.exit(N) with N other than 0, BoardReset when it resets
    the board, InvalidInput when it cannot reach the board whole (a Ctrl-D byte in it, more
    code than a small board's raw REPL can hold).
    """
    from boardkit import program

    raw = code.encode() if isinstance(code, str) else bytes(code)
    _check_fits(device, raw)
    wrapped = program.may_exit(raw) and _fits(device, program.wrap(raw))
    started = time.monotonic()
    try:
        output = device.exec(program.wrap(raw) if wrapped else raw, on_output=on_output, timeout=max_time)
    except RemoteError as exc:
        if not wrapped:
            raise
        error = program.unwrap_error(exc)
        if isinstance(error, program.ProgramExit) and error.exit_code == 0:
            return RunResult(b"", time.monotonic() - started, device.repl.interrupted_program)
        raise error from None
    return RunResult(output, time.monotonic() - started, device.repl.interrupted_program)


# Over this many bytes, boardkit asks a board without raw-paste (flow control) how much
# memory it has before sending a program: its raw REPL holds the whole text in RAM.
_ASK_ABOVE_BYTES = 2048


def _code_limit(device: Device) -> int | None:
    """The most code this board's raw REPL takes at once, or None for no limit (raw-paste
    boards compile as the code streams in)."""
    if device.repl.raw_paste:
        return None
    caps = device.caps  # probing runs code, which settles whether raw-paste works
    if device.repl.raw_paste or not caps.mem_free:
        return None
    # The micro:bit v1's raw REPL grows its line buffer by reallocating it, so it needs the
    # text twice over while it reads; when that fails it hangs for good (6 KB of code with
    # 6.4 KB free) instead of saying MemoryError (5 KB). Two thirds of the free heap is safe.
    return caps.mem_free * 2 // 3


def _fits(device: Device, code: bytes) -> bool:
    if len(code) <= _ASK_ABOVE_BYTES:
        return True
    limit = _code_limit(device)
    return limit is None or len(code) <= limit


def _check_fits(device: Device, code: bytes) -> None:
    if _fits(device, code):
        return
    raise InvalidInput(
        f"the program is {len(code)} bytes: more than this board's raw REPL can hold "
        f"({_code_limit(device)} bytes; the board would stop answering)",
        hint="split it into modules: `boardkit put` them and import them from a short program",
    )


def read_program(path: Path) -> bytes:
    """A local program's bytes; InvalidInput saying why when it cannot be read."""
    from boardkit.api.files import read_local  # only for run: `exec` needs session.py alone

    return read_local(path, folder=InvalidInput(f"{path} is a folder, not a program"))


def run(
    device: Device, path: Path, *, on_output: OutputCallback | None = None, max_time: float | None = None
) -> RunResult:
    """Run a local .py file on the board without copying it (see exec_code)."""
    return exec_code(device, read_program(path), on_output=on_output, max_time=max_time)


def reset(device: Device) -> None:
    """Soft-reset the board: a fresh Python heap, its files untouched."""
    device.soft_reset()


def hard_reset(url: str | None = None, *, credentials: CredentialsProvider | None = None) -> str:
    """Reset the whole chip, like its reset button; returns how it was done.

    Virtual boards restart their emulator; real ones get machine.reset(), or a pulse on RTS
    when they no longer listen. Opens its own link: close any session with the board first.
    """
    from boardkit import resets  # the virtual boards' machinery: only for the reset button

    return resets.hard_reset(url, credentials=credentials or _stored)
