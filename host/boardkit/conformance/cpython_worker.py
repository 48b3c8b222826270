"""The CPython target's interpreter: runs many tests in one process, each in fresh globals.

Protocol on stdin/stdout: one JSON object per line. In: {"code": "..."}. Out:
{"out": "what it printed", "error": "LastTracebackLine" or null, "traceback": "..."}.
"""

import contextlib
import gc
import io
import json
import sys
import traceback


def run(code: str) -> dict[str, str | None]:
    """Run one test program in fresh globals: what it printed and how it ended."""
    buffer = io.StringIO()
    error = None
    trace = ""
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compile(code, "<test>", "exec"), {"__name__": "__main__"})
    except BaseException as exc:  # noqa: BLE001 - a test's SystemExit/KeyboardInterrupt is its result
        error = traceback.format_exception_only(type(exc), exc)[-1].strip()
        trace = "".join(traceback.format_exception(exc))
    gc.collect()
    return {"out": buffer.getvalue(), "error": error, "traceback": trace}


def main() -> None:
    protocol = sys.stdout
    sys.stdout = sys.stderr  # stray writes must not corrupt the protocol
    for line in sys.stdin:
        protocol.write(json.dumps(run(json.loads(line)["code"])) + "\n")
        protocol.flush()


if __name__ == "__main__":
    main()
