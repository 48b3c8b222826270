"""An interactive terminal between the user's console and a link (the `repl` command).

Keys go to the board as typed (Ctrl-C and Ctrl-D included, pastes in one piece);
Ctrl-] leaves. The board's output is copied to the console as it arrives.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from boardkit.links import Link

EXIT_KEY = b"\x1d"  # Ctrl-]


class Terminal:
    def __init__(self, link: Link, stdin_fd: int | None = None, stdout: BinaryIO | None = None) -> None:
        self.link = link
        self.stdin_fd = sys.stdin.fileno() if stdin_fd is None else stdin_fd
        self.stdout = stdout or sys.stdout.buffer
        self._stop = threading.Event()
        self.error: Exception | None = None

    def _pump_output(self) -> None:
        try:
            while not self._stop.is_set():
                data = self.link.read(4096, 0.05)
                if data:
                    self.stdout.write(data)
                    self.stdout.flush()
        except Exception as exc:  # the link broke: tell the input loop to stop
            self.error = exc
            self._stop.set()

    def run(self) -> None:
        reader = threading.Thread(target=self._pump_output, daemon=True)
        reader.start()
        with _raw_console(self.stdin_fd):
            while not self._stop.is_set():
                data = _read_keys(self.stdin_fd, self._stop)
                if data is None:
                    break  # end of input
                if not data:
                    continue
                if EXIT_KEY in data:
                    before = data.split(EXIT_KEY, 1)[0]
                    if before:
                        self.link.write(before)
                    break
                self.link.write(data.replace(b"\n", b"\r") if not os.isatty(self.stdin_fd) else data)
        self._stop.set()
        reader.join(timeout=1)
        if self.error:
            raise self.error


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import contextlib
    import msvcrt
    import time

    @contextlib.contextmanager
    def _raw_console(fd: int) -> Iterator[None]:
        yield

    def _read_keys(fd: int, stop: threading.Event) -> bytes | None:
        if not msvcrt.kbhit():
            time.sleep(0.01)
            return b""
        chunk = bytearray()
        while msvcrt.kbhit():
            ch = msvcrt.getwch()
            if ch in ("\x00", "\xe0"):  # arrow keys and friends: map the common ones to ANSI
                code = msvcrt.getwch()
                chunk += {"H": b"\x1b[A", "P": b"\x1b[B", "M": b"\x1b[C", "K": b"\x1b[D"}.get(code, b"")
            else:
                chunk += ch.encode("utf-8")
        return bytes(chunk)
else:
    import contextlib
    import select
    import termios
    import tty

    @contextlib.contextmanager
    def _raw_console(fd: int) -> Iterator[None]:
        if not os.isatty(fd):
            yield
            return
        saved = termios.tcgetattr(fd)
        try:
            tty.setraw(fd)
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def _read_keys(fd: int, stop: threading.Event) -> bytes | None:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if not ready:
            return b""
        data = os.read(fd, 4096)
        return data if data else None
