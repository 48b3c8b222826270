"""What a virtual board kind is: a backend process behind a UART-like byte stream.

A backend is mostly data (what its process needs, the bytes that mean "REPL ready", how
its reset button works) plus four small jobs: check that its runtime is installed, give
its command line, press reset through its emulator's monitor (when a reset is not a fresh
process), and turn an image (`virtual start --image/--files`) into the file the daemon
installs. The daemon (virtual/daemon/) owns the process and bridges its stdin/stdout to a pty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from boardkit.errors import VirtualBoardError
from boardkit.virtual.image_files import Files

READY_MARKER = b">>> "  # the friendly REPL's prompt: the board has booted


@dataclass(frozen=True)
class Backend:
    kind: str
    description: str
    has_fs: bool = False  # keeps a host folder (state/virtual/NAME/fs) as the board's flash
    restart_on_reset: bool = True  # hard reset = restart the process (else: ask the emulator)
    strip_boot_nul: bool = False  # QEMU's UART emits one \x00 before the banner
    # Fastest rate the emulated chip can take input at. QEMU's nRF51 UART ignores the baud
    # rate, so unpaced input overruns the firmware's small receive buffer (bytes are lost,
    # seen as SyntaxErrors in raw mode); a real micro:bit's 115200-baud UART never sends faster.
    input_baud: int | None = None
    # The fd number on which the backend reads copies of Ctrl-C (see board.mjs), or 0.
    interrupt_fd: int = 0
    # The filesystem size a board of this kind gets unless told otherwise (virtual/flash_size.py);
    # None: fixed by its firmware, not chosen at start.
    default_flash_size: int | None = None

    def check(self) -> None:
        """Raise VirtualBoardError (with a hint) if what this backend needs is missing."""

    def prepare(self, on_note: Callable[[str], None] | None = None) -> None:
        """Before a board starts: install what this kind installs on first use (the wasm kind:
        its npm runtime), telling on_note(line) when that starts and ends, then check().
        The default only checks; a kind that installs nothing need not override it."""
        self.check()

    def command(self, state: Path, fs_dir: Path | None, monitor: str, image: Path | None = None) -> list[str]:
        """The backend's command line, run in `state` (the board's folder). fs_dir: its flash
        folder (has_fs); monitor: a unix socket path for an emulator's monitor; image: what this
        run boots instead of the default (install_image's answer)."""
        raise NotImplementedError

    def booted(self, port: str, image: bool) -> bool:
        """After a start, once the REPL is up at port: give the board what one fresh from the
        factory has and the emulator does not (image: it booted an image, not the default).
        True: the board needs a hard reset now. The default does nothing."""
        return False

    def hard_reset_via_monitor(self, monitor: str) -> None:
        """Press reset through the emulator (only asked when restart_on_reset is False)."""
        raise NotImplementedError

    def build_image(self, image: Path | None, files: Files) -> tuple[bytes, str]:
        """What start() stages for the daemon from an image and/or files: (bytes, file suffix).
        Raises VirtualBoardError for an image this kind cannot boot (before any board stops)."""
        raise VirtualBoardError(f"a {self.kind} board takes no image", hint="start it without --image/--files")

    def install_image(self, staged: Path, board_dir: Path, fs_dir: Path | None) -> Path | None:
        """In the daemon, holding the name lock: put a staged image in place; return what
        command() should boot (or None when the image went into fs_dir)."""
        raise VirtualBoardError(f"a {self.kind} board takes no image")
