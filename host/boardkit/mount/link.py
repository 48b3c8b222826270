"""A Link that serves a mount as it goes: what reads it sees only the program's output.

MountedLink wraps the board's link. Reading through it answers every request
lib/bk_mount.py makes (from whichever thread reads: the raw REPL's, or a terminal's pump),
so RawRepl and Terminal run unchanged on top. Writes are whole under one lock, so typed
keys never land inside an answer.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from boardkit.mount.protocol import Demuxer, answer
from boardkit.mount.server import FolderServer

if TYPE_CHECKING:
    from boardkit.links import Link

CTRL_C = b"\x03"
SOFT_REBOOT = b"soft reboot\r\n"  # what a board says as its soft reset starts


class MountedLink:
    """The board's link with a folder mounted on it (see the module's docstring)."""

    def __init__(self, link: Link, server: FolderServer) -> None:
        self.link = link
        self.url = link.url
        self.server = server
        self._demux = Demuxer()
        self._out = bytearray()
        self._write_lock = threading.Lock()
        self._stop_pending = False  # Ctrl-C to deliver with the next answer
        # Called (from the reading thread) when the board soft-resets, which unmounts it.
        self.on_soft_reboot: Callable[[LockedLink], None] | None = None
        self._tail = b""  # the last bytes of output, to see SOFT_REBOOT across chunks
        self._remount_due = False
        self._held_keys = bytearray()  # typed while a request was in flight

    # -- Link ----------------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        if data == CTRL_C:  # a typed Ctrl-C, or the raw REPL's: never inside an answer
            self.interrupt()
            return
        with self._write_lock:
            if self._demux.in_request:
                self._held_keys += data  # the board reads only its answer now: keys after it
                return
            self.link.write(data)
        self._deliver_stop()

    def read(self, max_bytes: int, timeout: float) -> bytes:
        if self._remount_due and not self._out and self.on_soft_reboot is not None:
            self._remount_due = False
            self.on_soft_reboot(LockedLink(self.link, self._write_lock))
        self._deliver_stop()
        deadline = time.monotonic() + timeout
        while not self._out:
            remaining = deadline - time.monotonic()
            chunk = self.link.read(65536, max(0.0, remaining))
            if chunk:
                self._take(chunk)
            elif timeout > 0:
                self._out += self._demux.flush()  # a lone prefix byte was the program's
            if remaining <= 0:
                break
        data = bytes(self._out[:max_bytes])
        del self._out[:max_bytes]
        return data

    def pending(self) -> int:
        if self.link.pending():
            self._take(self.link.read(65536, 0))
        if not self._out:
            self._out += self._demux.flush()
        return len(self._out)

    def close(self) -> None:
        self.link.close()

    # -- Ctrl-C --------------------------------------------------------------------------

    def interrupt(self) -> None:
        """Ctrl-C for the running program, at a moment it cannot land inside an answer.

        Safe to call from a signal handler: with a request in flight it rides on the answer
        (the board raises KeyboardInterrupt once it has read it).
        """
        self._stop_pending = True
        if not self._demux.in_request:
            self._deliver_stop()

    def _deliver_stop(self) -> None:
        if not self._stop_pending or self._demux.in_request:
            return
        if not self._write_lock.acquire(blocking=False):
            return  # an answer is being written (maybe by the code this handler interrupted)
        try:
            if self._stop_pending and not self._demux.in_request:
                self._stop_pending = False
                self.link.write(CTRL_C)
        finally:
            self._write_lock.release()

    # -- serving -------------------------------------------------------------------------

    def _take(self, chunk: bytes) -> None:
        output, requests = self._demux.feed(chunk)
        self._out += output
        if output and self.on_soft_reboot is not None:
            seen = self._tail + output
            self._tail = seen[-len(SOFT_REBOOT) :]
            if SOFT_REBOOT in seen:
                self._tail = b""
                self._remount_due = True  # once what came before it has been read
        for request in requests:
            status, payload = self.server.handle(request)
            with self._write_lock:
                stop, self._stop_pending = self._stop_pending, False
                self.link.write(answer(status, payload, stop) + self._held_keys)
                self._held_keys.clear()
        self._deliver_stop()  # one that came while the answer was being written


class LockedLink:
    """The plain link, written under the mount's lock: for talking to the board while
    nothing is mounted (after a soft reset), from the thread that reads."""

    def __init__(self, link: Link, lock: threading.Lock) -> None:
        self.link = link
        self.url = link.url
        self._lock = lock

    def write(self, data: bytes) -> None:
        with self._lock:
            self.link.write(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        return self.link.read(max_bytes, timeout)

    def pending(self) -> int:
        return self.link.pending()

    def close(self) -> None:
        self.link.close()
