"""The exception tree. The library raises; the CLI explains (one line + hint)."""

from __future__ import annotations


class BoardkitError(Exception):
    """Base of every error boardkit raises on purpose.

    ``hint`` says what the user can do about it; the CLI prints
    ``boardkit: <message> — <hint>``.
    """

    exit_code = 1

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class LinkError(BoardkitError):
    """The byte link could not be opened, or it broke."""

    exit_code = 2


class PortNotFound(LinkError):
    """No port by that name."""


class PortBusy(LinkError):
    """The port exists but another program holds it."""


class LinkTimeout(LinkError):
    """The other side went quiet while we waited for something."""

    exit_code = 3


class ReplError(BoardkitError):
    """The board does not speak the raw REPL the way we expect."""

    exit_code = 3


class NoMicroPython(ReplError):
    """Silence or garbage where a MicroPython REPL should be."""


class CodeLost(ReplError):
    """Code sent in plain raw mode was not acknowledged: bytes were dropped on the way."""


class BoardHung(ReplError):
    """The board does not answer Ctrl-C (stuck in C code)."""


class BoardReset(ReplError):
    """The board rebooted while a program ran (machine.reset(), a watchdog, a crash)."""

    exit_code = 1


class DeviceError(BoardkitError):
    """The board ran our request and reported a failure."""


class BoardChanged(DeviceError):
    """Another board answers at a port than the one boardkit remembered there (its cached
    capabilities were wrong). Raised before anything was written; the board is probed now, so
    the operation can simply run again."""


class RemoteError(DeviceError):
    """A program on the board raised an exception."""

    def __init__(self, message: str, traceback: str = "", exc_type: str = "", hint: str | None = None):
        super().__init__(message, hint)
        self.traceback = traceback
        self.exc_type = exc_type


class RemoteFileError(DeviceError):
    """A file operation on the board failed (missing file, bad name, full, ...)."""


class UnsupportedOnBoard(DeviceError):
    """The board lacks the capability this needs (e.g. directories on a micro:bit v1)."""


class SyncError(BoardkitError):
    """A push, sync or pull cannot be done as asked (nothing was changed)."""


class VirtualBoardError(BoardkitError):
    """A virtual board could not be started, found or stopped."""


class InvalidInput(BoardkitError):
    """A caller asked for something that cannot be done as asked: a missing file, an unknown
    board id, two options that exclude each other. What library code raises for bad arguments."""

    exit_code = 2


class BadVirtualRequest(VirtualBoardError, InvalidInput):
    """A virtual board asked for with a bad argument (a name, a baud rate) or by a name no
    running board has: a command-line mistake (exit 2), still a VirtualBoardError."""

    exit_code = 2


class UsageError(InvalidInput):
    """The command line itself is wrong (raised only under boardkit.cli)."""


class AuthError(LinkError):
    """The board refused our password (WebREPL), or there was none to give."""


class FirmwareError(BoardkitError):
    """A firmware image is missing, corrupt, or does not match its pinned or locked hash."""


class FlashError(BoardkitError):
    """Writing firmware to a board failed, or the board did not come back running Python."""


class MissingDependency(BoardkitError):
    """Something boardkit needs on this computer is not installed (node, npm, QEMU, a Debian
    package); the hint is the command that installs it. `boardkit doctor` lists them all."""


class PackageError(BoardkitError):
    """A package could not be installed as asked: not in the index, its index or server
    unreachable, a file whose hash does not match, a dependency cycle or version conflict.
    Raised before anything is written to the board."""


class PackageNotFound(PackageError):
    """No such package (or version) where it was looked for."""
