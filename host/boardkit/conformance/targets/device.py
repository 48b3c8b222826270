"""The fallback target: any board boardkit can connect to, named by a port URL or a virtual board's name.

/dev/ttyACM0, COM3, socket://host:port, rfc2217://host:port, ws://host:8266 (WebREPL, with a
credentials provider), or the name of a running virtual board. Each test runs after a soft
reset, so it starts with a fresh heap.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Self

from boardkit.conformance.targets.base import IMPLEMENTATIONS, Credentials, Outcome, Target
from boardkit.errors import BoardHung, BoardkitError, LinkTimeout

if TYPE_CHECKING:
    from boardkit.device import Device

RECONNECT_SECONDS = 10.0  # how long a reset board may take to answer again
# What a board prints when it faults and reboots mid-program (the wasm board's crash line,
# like a firmware's panic message), at the start of a line.
CRASH_MARKERS = ("FATAL: ",)


def _crash_line(text: str) -> str:
    for line in text.splitlines():
        if line.startswith(CRASH_MARKERS):
            return line.strip()
    return ""


class DeviceTarget(Target):
    """A board (real or virtual) through boardkit's own session and raw REPL."""

    def __init__(self, url: str, name: str | None = None, credentials: Credentials | None = None) -> None:
        self.name = name or url
        self.url = url
        self._credentials = credentials
        self.device: Device = self._connect()
        self.repl = self.device.repl
        caps = self.device.caps
        implementation = IMPLEMENTATIONS.get(caps.implementation, caps.implementation)
        self.description = f"{implementation} {caps.version_text} on {caps.machine}"
        self._dirty = False

    def _connect(self) -> Device:
        from boardkit.api import connect

        # TODO(merge): always connect(url, credentials=credentials) once api's connect takes it.
        return connect(self.url, credentials=self._credentials) if self._credentials else connect(self.url)

    @classmethod
    def open(cls, spec: str, *, credentials: Credentials | None = None) -> Self:
        """The board at port URL (or virtual board name) `spec`."""
        return cls(spec, credentials=credentials)

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        try:
            if self._dirty:
                self.repl.soft_reset()
            self._dirty = True
            result = self.repl.exec(code, timeout=timeout)
        except LinkTimeout:
            return Outcome("", "timeout")  # Ctrl-C stopped it: the board is at its prompt again
        except BoardHung as exc:
            return Outcome("", f"timeout, and {exc}", broken=True)
        except BoardkitError as exc:
            return Outcome("", str(exc), broken=True)
        out = result.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
        err = result.stderr.decode("utf-8", errors="replace").replace("\r\n", "\n").strip()
        crash = _crash_line(out + "\n" + err)
        if crash:
            # The board faulted and rebooted in the middle of the test (it keeps its port).
            return Outcome(out, f"the interpreter crashed: {crash}", broken=True)
        return Outcome(out, err.splitlines()[-1] if err else None, traceback=err)

    def recover(self) -> bool:
        """Reset the board (the reset button, by whatever means it has) and connect again."""
        from boardkit import resets

        self._drop()
        try:
            resets.hard_reset(self.url, credentials=self._credentials)
        except BoardkitError:
            pass  # no way to reset it from here: a new connection may still find it well
        self._reconnect()
        return True

    def _drop(self) -> None:
        try:
            self.device.close()
        except (BoardkitError, OSError):
            pass
        self._dirty = False

    def _reconnect(self) -> None:
        # A board that was just reset may take a moment to offer its port again (USB).
        deadline = time.monotonic() + RECONNECT_SECONDS
        while True:
            try:
                self.device = self._connect()
                break
            except BoardkitError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        self.repl = self.device.repl

    def close(self) -> None:
        try:
            if self._dirty:
                self.repl.soft_reset()  # leave the board as fresh as we found it, not full of test objects
            self.device.close()
        except BoardkitError:
            pass
