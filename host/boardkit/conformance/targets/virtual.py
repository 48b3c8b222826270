"""A virtual board of its own, started for the run and stopped after it (base of `wasm`, `microbit`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import ClassVar, Self

from boardkit import virtual
from boardkit.conformance.targets.base import IMPLEMENTATIONS, Credentials
from boardkit.conformance.targets.device import DeviceTarget
from boardkit.errors import BoardkitError


class VirtualTarget(DeviceTarget):
    """A fresh virtual board of `kind` (a boardkit.virtual kind), private to this run."""

    kind: ClassVar[str] = ""
    runtime: ClassVar[str] = "{machine}"  # how the description says it runs; {machine}: the board's

    def __init__(self, kind: str | None = None) -> None:
        kind = kind or self.kind
        self._kind = kind
        self._board = virtual.start(kind, name=f"conformance-{kind}-{os.getpid()}")
        try:
            super().__init__(self._board.port, name=kind)
        except BaseException:
            virtual.stop(self._board.name)
            raise
        caps = self.device.caps
        runtime = self.runtime.format(machine=caps.machine)
        self.description = (
            f"{IMPLEMENTATIONS.get(caps.implementation, caps.implementation)} {caps.version_text} ({runtime})"
        )

    @classmethod
    def prepare(cls, on_note: Callable[[str], None] | None = None) -> None:
        """What the board's kind installs on first use (the wasm kind: its npm runtime)."""
        from boardkit.virtual.kinds import backend

        backend(cls.kind).prepare(on_note)

    @classmethod
    def open(cls, spec: str, *, credentials: Credentials | None = None) -> Self:
        """Start a board of this class's kind (spec may be an alias; a virtual board needs no password)."""
        return cls()

    def recover(self) -> bool:
        """The board's reset button (a fresh node process, QEMU's system reset); a board whose
        emulator died is started again under the same name. Then connect again."""
        self._drop()
        try:
            self._board = virtual.hard_reset(self._board.name)
        except BoardkitError:
            # Its emulator died with the test, and the daemon with it (or is going): the
            # same board again, under the same name.
            self._stop_quietly()
            self._wait_name_free()
            self._board = virtual.start(self._kind, name=self._board.name)
        self.url = self._board.port
        self._reconnect()
        return True

    def _wait_name_free(self, seconds: float = 10) -> None:
        """A daemon whose emulator died may still hold the board's name while it exits."""
        import time

        from boardkit.virtual.registry import name_in_use

        deadline = time.monotonic() + seconds
        while name_in_use(self._board.name) and time.monotonic() < deadline:
            time.sleep(0.05)

    def _stop_quietly(self) -> None:
        try:
            virtual.stop(self._board.name)
        except BoardkitError:
            pass  # already gone

    def close(self) -> None:
        super().close()
        self._stop_quietly()
