"""Typing to a program that runs on the board (`run`, `exec`): its input() gets the keys.

While the program runs, the terminal is in cbreak mode without echo: each key goes to the
board as typed, and the board echoes it and edits the line (backspace) as its input() does
over a serial cable. Ctrl-C still stops the program (the terminal turns it into SIGINT, which
boardkit answers by interrupting the board). Only a terminal is forwarded: with stdin a pipe
or a file, nothing is read from it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def keys_to(send: Callable[[bytes], None], fd: int | None = None) -> Iterator[None]:
    """Forward what is typed on stdin (a terminal) to send(bytes) until the block ends."""
    if fd is None:
        try:
            fd = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):
            yield
            return
    if sys.platform == "win32" or not os.isatty(fd):
        yield
        return
    import termios

    stop = threading.Event()
    try:
        saved = termios.tcgetattr(fd)
    except termios.error:
        yield
        return
    thread = threading.Thread(target=_pump, args=(fd, send, stop), daemon=True, name="keys")
    try:
        _cbreak_no_echo(fd, saved)
        thread.start()
        yield
    finally:
        stop.set()
        if thread.is_alive():
            thread.join(timeout=1)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _cbreak_no_echo(fd: int, saved: list[Any]) -> None:
    import termios

    mode: list[Any] = list(saved)
    mode[3] = mode[3] & ~(termios.ICANON | termios.ECHO)  # keys one by one, the board echoes
    cc = list(mode[6])
    cc[termios.VMIN], cc[termios.VTIME] = 1, 0
    mode[6] = cc
    termios.tcsetattr(fd, termios.TCSADRAIN, mode)


def _pump(fd: int, send: Callable[[bytes], None], stop: threading.Event) -> None:
    import select

    while not stop.is_set():
        try:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            data = os.read(fd, 1024)
        except OSError:
            return
        if not data:
            return
        try:
            send(data)
        except Exception:  # noqa: BLE001 -- the link broke: the main thread reports it
            return
