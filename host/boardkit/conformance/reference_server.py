"""CPython's reference runs without a process start each: a clean interpreter that forks per test.

Run as a script (`python -S -s reference_server.py`, so it imports nothing of boardkit and
no site-packages). It reads one JSON object a line, {"code": "...", "timeout": S}, and for
each forks a child of its own pristine self: the child runs the code as `__main__` in an
empty temporary folder, its stdout and stderr going to files, and exits as a script would
(status 0, 1 after a traceback, or SystemExit's code). Each test therefore still starts
from an interpreter no other test touched, as with one `python -` per test, minus the
interpreter's start-up (most of the cost of the 200 runs of a user's folder). The answer
is one JSON line: {"out": stdout, "err": stderr, "status": exit status or null on timeout}.
Only where os.fork exists (reference.py falls back to a process per test elsewhere).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import tempfile
import time


def child(code: str, folder: str) -> None:
    """In the forked child: run `code` as a script would run, then exit."""
    out = os.open(os.path.join(folder, "out"), os.O_WRONLY | os.O_CREAT)
    err = os.open(os.path.join(folder, "err"), os.O_WRONLY | os.O_CREAT)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.chdir(folder)
    sys.argv[:] = ["-"]  # as for `python -`: the program came on stdin
    sys.path[0] = ""  # the current folder, not this file's (no boardkit module is importable)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)  # never the protocol pipe: a test calling input() reads nothing
    status = 0
    try:
        exec(compile(code, "<stdin>", "exec"), {"__name__": "__main__", "__builtins__": __builtins__})
    except SystemExit as exc:
        if exc.code is None:
            status = 0
        elif isinstance(exc.code, int):
            status = exc.code
        else:
            print(exc.code, file=sys.stderr)
            status = 1
    except BaseException:  # noqa: BLE001 - a script's uncaught exception: traceback, status 1
        import traceback

        traceback.print_exc()
        status = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status & 0xFF)


def run(code: str, timeout: float) -> dict[str, str | int | None]:
    """One test in a fork of this clean interpreter: its stdout, stderr and exit status."""
    folder = tempfile.mkdtemp(prefix="boardkit-reference-")
    try:
        pid = os.fork()
        if pid == 0:
            child(code, folder)
        deadline = time.monotonic() + timeout
        status = None
        while True:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(wait_status)
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            time.sleep(0.001)
        return {"out": read(folder, "out"), "err": read(folder, "err"), "status": status}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read(folder: str, name: str) -> str:
    try:
        with open(os.path.join(folder, name), "rb") as handle:
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def main() -> None:
    protocol = sys.stdout
    for line in sys.stdin:
        request = json.loads(line)
        protocol.write(json.dumps(run(request["code"], request["timeout"])) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
