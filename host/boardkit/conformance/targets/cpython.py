"""The `cpython` target: this Python, in a worker process (tests cannot disturb the runner)."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from typing import IO

from boardkit.conformance.targets.base import Outcome, Target

WORKER = "boardkit.conformance.cpython_worker"


class CPythonTarget(Target):
    """Many tests in one CPython worker, each in fresh globals (see cpython_worker)."""

    name = "cpython"
    # Interpreter options before `-m worker` (a subclass may add `-X dev`, `-O`, ...).
    interpreter_options: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.description = f"CPython {'.'.join(map(str, sys.version_info[:3]))}"
        self._proc: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        if self._proc is None or self._proc.poll() is not None:
            env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
            self._proc = subprocess.Popen(
                [sys.executable, *self.interpreter_options, "-m", WORKER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                text=True,
                encoding="utf-8",
            )
        return self._proc

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        proc = self._start()
        stdin: IO[str] = proc.stdin  # type: ignore[assignment]  # PIPE: never None
        stdout: IO[str] = proc.stdout  # type: ignore[assignment]
        stdin.write(json.dumps({"code": code}) + "\n")
        stdin.flush()
        ready, _, _ = select.select([stdout], [], [], timeout)
        if not ready:
            self.close()
            return Outcome("", "timeout")
        line = stdout.readline()
        if not line:
            status = proc.wait()
            self.close()
            return Outcome("", f"the CPython worker crashed (exit status {status})", broken=True)
        reply = json.loads(line)
        return Outcome(reply["out"], reply["error"], traceback=reply.get("traceback") or "")

    def recover(self) -> bool:
        """A fresh worker starts with the next test (a timed-out or crashed one was killed)."""
        self.close()
        return True

    def close(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None
