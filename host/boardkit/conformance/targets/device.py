"""The fallback target: any board boardkit can connect to, named by a port URL or a virtual board's name.

/dev/ttyACM0, COM3, socket://host:port, rfc2217://host:port, ws://host:8266 (WebREPL, with a
credentials provider), or the name of a running virtual board. Each test runs after a soft
reset, so it starts with a fresh heap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from boardkit.conformance.targets.base import IMPLEMENTATIONS, Credentials, Outcome, Target
from boardkit.errors import BoardkitError, LinkTimeout

if TYPE_CHECKING:
    from boardkit.device import Device


class DeviceTarget(Target):
    """A board (real or virtual) through boardkit's own session and raw REPL."""

    def __init__(self, url: str, name: str | None = None, credentials: Credentials | None = None) -> None:
        # boardkit.api re-exports the testing API, which imports this module: import at call time.
        from boardkit.api import connect

        self.name = name or url
        # TODO(merge): always connect(url, credentials=credentials) once api's connect takes it.
        self.device: Device = connect(url, credentials=credentials) if credentials else connect(url)
        self.repl = self.device.repl
        caps = self.device.caps
        implementation = IMPLEMENTATIONS.get(caps.implementation, caps.implementation)
        self.description = f"{implementation} {caps.version_text} on {caps.machine}"
        self._dirty = False

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
            return Outcome("", "timeout")
        except BoardkitError as exc:
            return Outcome("", str(exc), broken=True)
        out = result.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
        err = result.stderr.decode("utf-8", errors="replace").replace("\r\n", "\n").strip()
        return Outcome(out, err.splitlines()[-1] if err else None)

    def close(self) -> None:
        try:
            if self._dirty:
                self.repl.soft_reset()  # leave the board as fresh as we found it, not full of test objects
            self.device.close()
        except BoardkitError:
            pass
