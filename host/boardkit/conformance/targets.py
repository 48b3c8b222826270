"""Where the suite runs, named like any boardkit port: cpython, wasm, browser, microbit, or a URL.

Every target runs a test program and returns what it printed and, if it raised, the last
line of the traceback. Tests share one interpreter start per target; each test gets a fresh
heap: fresh globals on CPython and in the browser, a soft reset on boards.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from dataclasses import dataclass

from boardkit.errors import BoardkitError, LinkTimeout, UsageError

VIRTUAL_KINDS = ("wasm", "microbit")
NAMED_TARGETS = ("cpython", "wasm", "browser", "microbit")
IMPLEMENTATIONS = {"micropython": "MicroPython", "circuitpython": "CircuitPython"}


@dataclass
class Outcome:
    out: str
    error: str | None = None      # last traceback line, "timeout", or a link problem
    broken: bool = False          # the target itself failed (not the test)


class Target:
    name: str = "?"
    description: str = "?"

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CPythonTarget(Target):
    """This Python, in a worker process (tests cannot disturb the runner)."""

    name = "cpython"

    def __init__(self):
        self.description = f"CPython {'.'.join(map(str, sys.version_info[:3]))}"
        self._proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
            self._proc = subprocess.Popen([sys.executable, "-m", "boardkit.conformance.cpython_worker"],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=subprocess.DEVNULL, env=env, text=True, encoding="utf-8")
        return self._proc

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        proc = self._start()
        proc.stdin.write(json.dumps({"code": code}) + "\n")
        proc.stdin.flush()
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            self.close()
            return Outcome("", "timeout")
        line = proc.stdout.readline()
        if not line:
            self.close()
            return Outcome("", "the CPython worker died", broken=True)
        reply = json.loads(line)
        return Outcome(reply["out"], reply["error"])

    def close(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None


class DeviceTarget(Target):
    """A board (real or virtual) through boardkit's own session and raw REPL."""


    def __init__(self, url: str, name: str | None = None, password: str | None = None):
        from boardkit.api import connect

        self.name = name or url
        self.device = connect(url, password=password)
        self.repl = self.device.repl
        caps = self.device.caps
        implementation = IMPLEMENTATIONS.get(caps.implementation, caps.implementation)
        self.description = f"{implementation} {caps.version_text} on {caps.machine}"
        self._dirty = False

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


class VirtualTarget(DeviceTarget):
    """A virtual board of its own, started for the run and stopped after it."""

    def __init__(self, kind: str):
        from boardkit import virtual

        self._board = virtual.start(kind, name=f"conformance-{kind}-{os.getpid()}")
        try:
            super().__init__(self._board.port, name=kind)
        except BaseException:
            virtual.stop(self._board.name)
            raise
        caps = self.device.caps
        runtime = "WebAssembly, node" if kind == "wasm" else f"{caps.machine}, QEMU"
        self.description = f"{IMPLEMENTATIONS.get(caps.implementation, caps.implementation)} {caps.version_text} ({runtime})"

    def close(self) -> None:
        from boardkit import virtual

        super().close()
        virtual.stop(self._board.name)


def open_target(spec: str, password: str | None = None) -> Target:
    """cpython | wasm | browser | microbit | a port URL or virtual board name."""
    if spec == "cpython":
        return CPythonTarget()
    if spec in VIRTUAL_KINDS:
        return VirtualTarget(spec)
    if spec == "browser":
        from boardkit.conformance.browser import BrowserTarget

        return BrowserTarget()
    if not spec:
        raise UsageError("empty target", hint=f"use one of {', '.join(NAMED_TARGETS)} or a port URL")
    return DeviceTarget(spec, password=password)
