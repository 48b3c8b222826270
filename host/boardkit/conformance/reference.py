"""The expected output of a test without a .exp file: what CPython prints running it as a script.

Each test runs in a fresh CPython of its own, the way MicroPython's own test runner asks
CPython for expected output: a fork of a clean reference server (reference_server.py; no
interpreter start-up per test), or where there is no fork a `python -` process per test. That is deliberately
not how the `cpython` target runs tests (many in one worker, fresh globals each), so the
`cpython` target is checked against an independent run, never against itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO

from boardkit.conformance.suite import ConformanceTest
from boardkit.conformance.targets.base import Outcome

# -S: no site-packages (the suite uses the standard library only); -s: no user site.
REFERENCE_COMMAND = (sys.executable, "-S", "-s", "-")
SERVER = Path(__file__).with_name("reference_server.py")


def _env() -> dict[str, str]:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONSTARTUP", None)
    return env


def _outcome_of(out: str, err: str, status: int | None) -> Outcome:
    out = out.replace("\r\n", "\n")
    if status is None:
        return Outcome(out, "timeout")
    if status == 0:
        return Outcome(out)
    trace = err.strip()
    lines = trace.splitlines()
    return Outcome(out, lines[-1] if lines else f"exit status {status}", traceback=trace)


class ForkedReference:
    """A pool of reference servers (reference_server.py): clean CPythons that fork per test.

    Callable like run_script, from several threads at once (one server each at a time).
    Each test still runs in an interpreter no other test touched; no process start per test.
    """

    def __init__(self, size: int) -> None:
        self._idle: queue.Queue[subprocess.Popen[str]] = queue.Queue()
        self._all: list[subprocess.Popen[str]] = []
        for _ in range(size):
            proc = subprocess.Popen(
                [*REFERENCE_COMMAND[:-1], str(SERVER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=_env(),
                text=True,
                encoding="utf-8",
            )
            self._all.append(proc)
            self._idle.put(proc)

    def __call__(self, source: str, timeout: float = 10.0) -> Outcome:
        proc = self._idle.get()
        try:
            stdin: IO[str] = proc.stdin  # type: ignore[assignment]  # PIPE: never None
            stdout: IO[str] = proc.stdout  # type: ignore[assignment]
            stdin.write(json.dumps({"code": source, "timeout": timeout}) + "\n")
            stdin.flush()
            line = stdout.readline()
        finally:
            self._idle.put(proc)
        if not line:
            return run_script(source, timeout)  # the server died: this test the slow way
        reply = json.loads(line)
        return _outcome_of(reply["out"], reply["err"], reply["status"])

    def close(self) -> None:
        for proc in self._all:
            proc.kill()
            proc.wait()


def run_script(source: str, timeout: float = 10.0) -> Outcome:
    """`source` as a script in a fresh CPython: its stdout, and the last traceback line if it failed.

    It runs in an empty folder of its own, so a test that writes files meets no other test's.
    """
    env = _env()
    try:
        with tempfile.TemporaryDirectory(prefix="boardkit-reference-") as cwd:
            done = subprocess.run(
                REFERENCE_COMMAND,
                check=False,
                input=source.encode("utf-8"),
                capture_output=True,
                timeout=timeout,
                env=env,
                cwd=cwd,
            )
    except subprocess.TimeoutExpired:
        return Outcome("", "timeout")
    out = done.stdout.decode("utf-8", errors="replace")
    return _outcome_of(out, done.stderr.decode("utf-8", errors="replace"), done.returncode)


def reference_outputs(
    tests: list[ConformanceTest],
    timeout: float = 10.0,
    run: Callable[[str, float], Outcome] | None = None,
    cache: Path | None = None,
) -> dict[str, Outcome]:
    """CPython's output for each test that has no .exp file, keyed by test id.

    The runs go in parallel, as many at a time as there are cores: each in a fork of a clean
    reference server (ForkedReference) where os.fork exists, else one process per test.
    run: how to run one test (default: as said).
    cache: a JSON file keeping each output under the hash of its test's source and this
    Python's version, so the next run of an unchanged suite starts no process for it (the
    490 processes cost about a second of every `boardkit test`). A run that timed out is
    not kept.
    """
    todo = [t for t in tests if t.expected is None]
    kept = _read_cache(cache)
    keys = {t.id: _cache_key(t.source) for t in todo}
    fresh = [t for t in todo if keys[t.id] not in kept]
    workers = min(os.cpu_count() or 2, len(fresh)) or 1
    forked = ForkedReference(workers) if run is None and fresh and hasattr(os, "fork") else None
    runner = run or forked or run_script
    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(lambda t: runner(t.source, timeout), fresh))
    finally:
        if forked is not None:
            forked.close()
    for test, outcome in zip(fresh, outcomes, strict=True):
        if outcome.error != "timeout":
            kept[keys[test.id]] = [outcome.out, outcome.error]
    if cache is not None and fresh:
        _write_cache(cache, kept)
    return {t.id: _outcome(kept.get(keys[t.id])) for t in todo}


def _outcome(kept: list[str | None] | None) -> Outcome:
    if kept is None:
        return Outcome("", "timeout")  # timed out this run (never kept)
    out, error = kept
    return Outcome(out or "", error)


def _cache_key(source: str) -> str:
    return hashlib.sha256(f"{sys.version}\0{source}".encode()).hexdigest()


def _read_cache(cache: Path | None) -> dict[str, list[str | None]]:
    if cache is None:
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # none yet, or damaged: computed again
    return data if isinstance(data, dict) else {}


def _write_cache(cache: Path, kept: dict[str, list[str | None]]) -> None:
    # Beside it, then renamed: two runs at once never leave half a file.
    tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        tmp.unlink(missing_ok=True)  # a cache that cannot be written costs time, nothing else
