"""The expected output of a test without a .exp file: what CPython prints running it as a script.

Each test runs in a fresh CPython process of its own (`python -`, the program on stdin),
the way MicroPython's own test runner asks CPython for expected output. That is deliberately
not how the `cpython` target runs tests (many in one worker, fresh globals each), so the
`cpython` target is checked against an independent run, never against itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from boardkit.conformance.suite import ConformanceTest
from boardkit.conformance.targets.base import Outcome

# -S: no site-packages (the suite uses the standard library only); -s: no user site.
REFERENCE_COMMAND = (sys.executable, "-S", "-s", "-")


def run_script(source: str, timeout: float = 10.0) -> Outcome:
    """`source` as a script in a fresh CPython: its stdout, and the last traceback line if it failed.

    It runs in an empty folder of its own, so a test that writes files meets no other test's.
    """
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONSTARTUP", None)
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
    out = done.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
    if done.returncode == 0:
        return Outcome(out)
    lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return Outcome(out, lines[-1] if lines else f"exit status {done.returncode}")


def reference_outputs(
    tests: list[ConformanceTest], timeout: float = 10.0, run: Callable[[str, float], Outcome] = run_script
) -> dict[str, Outcome]:
    """CPython's output for each test that has no .exp file, keyed by test id.

    The runs go in parallel: one process per test, as many at a time as there are cores.
    """
    todo = [t for t in tests if t.expected is None]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        outcomes = list(pool.map(lambda t: run(t.source, timeout), todo))
    return {t.id: outcome for t, outcome in zip(todo, outcomes, strict=True)}
