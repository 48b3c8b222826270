"""`boardkit watch --json` in a subprocess, its events read as they come, every wait bounded."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

Event = dict[str, Any]


class WatchProcess:
    """A running `boardkit -p PORT watch FOLDER ... --json`; events() so far, wait_for(...) more."""

    def __init__(
        self,
        port: str,
        folder: Path,
        *args: str,
        timeout: float = 10.0,
        options: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
    ) -> None:
        """options: boardkit's own, before the command (e.g. --password-env VAR)."""
        command = [sys.executable, "-m", "boardkit", "-p", port, "--timeout", str(timeout), *options]
        self.proc = subprocess.Popen(
            [*command, "watch", str(folder), *args, "--json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        self.seen: list[Event] = []
        self._lines: queue.Queue[Event | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.stderr = b""

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                self._lines.put(json.loads(line))
            except ValueError:
                self._lines.put({"event": "not-json", "line": line.decode(errors="replace")})
        self._lines.put(None)

    def wait_for(self, want: Callable[[Event], bool], timeout: float = 60.0, what: str = "") -> Event:
        """The next event (after those already taken) that `want` accepts; fails after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            try:
                event = self._lines.get(timeout=max(0.01, remaining))
            except queue.Empty:
                event = None if remaining <= 0 else {}
            if event is None:
                self._fail(f"no {what or 'matching event'} within {timeout} s (or the watch ended)")
            if not event:
                continue
            self.seen.append(event)
            if want(event):
                return event

    def output(self, text: str, timeout: float = 60.0) -> Event:
        return self.wait_for(lambda e: e["event"] == "output" and e["text"] == text, timeout, f"output {text!r}")

    def event(self, kind: str, timeout: float = 60.0, **fields: Any) -> Event:
        return self.wait_for(
            lambda e: e["event"] == kind and all(e.get(k) == v for k, v in fields.items()),
            timeout,
            f"{kind} event {fields or ''}",
        )

    def since(self, event: Event) -> list[Event]:
        """The events taken after `event` (itself not included)."""
        index = max(i for i, e in enumerate(self.seen) if e is event)
        return self.seen[index + 1 :]

    def interrupt(self, timeout: float = 30.0) -> subprocess.CompletedProcess:
        """Ctrl-C, as at a terminal; the finished process (its stderr read)."""
        self.proc.send_signal(signal.SIGINT)
        return self.finish(timeout)

    def finish(self, timeout: float = 30.0) -> subprocess.CompletedProcess:
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self._fail(f"the watch did not end within {timeout} s")
        self._reader.join(timeout=10)
        while True:
            try:
                event = self._lines.get_nowait()
            except queue.Empty:
                break
            if event:
                self.seen.append(event)
        assert self.proc.stderr is not None
        self.stderr = self.proc.stderr.read()
        return subprocess.CompletedProcess(self.proc.args, self.proc.returncode, b"", self.stderr)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def _fail(self, message: str) -> None:
        if self.proc.poll() is not None and self.proc.stderr is not None:
            self.stderr = self.proc.stderr.read()
        raise AssertionError(f"{message}\nevents: {self.seen[-20:]}\nstderr: {self.stderr.decode(errors='replace')}")

    def __enter__(self) -> WatchProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def save(path: Path, text: str) -> None:
    """Save as JetBrains editors do: write a temporary file beside it, then rename it over the old one."""
    tmp = path.with_name(f"{path.name}___jb_tmp___")
    tmp.write_text(text)
    os.replace(tmp, path)
