"""unittest-style tests: the program sent to the target, and its verdict read back.

The test runs with `__name__` set to something other than "__main__", so its own
`unittest.main()` (if any) stays quiet; then lib/bk_unittest.py runs its TestCase classes
with the target's unittest and prints "@bk-unittest" lines (ran N, fail/error NAME with the
traceback, skip NAME REASON, end). A test passes when every TestCase passed; it fails when
one failed or raised; it is unsupported when every test was skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from boardkit import paths

PRELUDE = '__name__ = "bk_user_test"\n'  # one line: test line N is program line N + 1
PRELUDE_LINES = 1
MARK = "@bk-unittest "
TRACE = "@bk| "
# A frame in the test's own code: "<stdin>" on a board's raw REPL, "<test>" in boardkit's
# CPython worker.
FRAME = re.compile(r'File "<(?:stdin|test|string)>", line (\d+)')


@cache
def harness() -> str:
    """lib/bk_unittest.py's source (device code lives in lib/, as real Python)."""
    return (paths.device_lib_dir() / "bk_unittest.py").read_text(encoding="utf-8")


def program(source: str) -> str:
    """What runs on the target for a unittest-style test `source`."""
    return f"{PRELUDE}{source.rstrip()}\n\n{harness()}\n_bk_unittest(globals())\n"


@dataclass
class Finding:
    """One TestCase method that did not pass: "fail", "error" or "skip"."""

    kind: str
    name: str
    text: str = ""  # the traceback (fail, error) or the reason (skip)
    line: int | None = None  # the last line of the test file in the traceback


@dataclass
class UnittestRun:
    """What the harness printed: how many ran, what did not pass, the test's own output."""

    ran: int = 0
    findings: list[Finding] = field(default_factory=list)
    ended: bool = False
    output: str = ""

    @property
    def bad(self) -> list[Finding]:
        return [f for f in self.findings if f.kind in ("fail", "error")]

    @property
    def skipped(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "skip"]


def test_line(traceback: str, offset: int = 0) -> int | None:
    """The last line of the test file's own code in a traceback, or None.

    offset: lines the program had before the test's first (PRELUDE_LINES for a unittest run).
    """
    lines = [int(n) - offset for n in FRAME.findall(traceback)]
    lines = [n for n in lines if n >= 1]
    return lines[-1] if lines else None


def relabel(traceback: str, file: str) -> str:
    """The traceback with the test's frames named by its file and its own line numbers."""

    def frame(match: re.Match[str]) -> str:
        return f'File "{file}", line {int(match[1]) - PRELUDE_LINES}'

    return FRAME.sub(frame, traceback)


def parse(out: str) -> UnittestRun:
    """Read the harness's lines from everything the program printed."""
    run = UnittestRun()
    plain: list[str] = []
    current: Finding | None = None
    for line in out.replace("\r\n", "\n").split("\n"):
        if line.startswith(TRACE) and current is not None:
            current.text += line[len(TRACE) :] + "\n"
        elif line.startswith(MARK):
            words = line[len(MARK) :].split(" ", 2)
            if words[0] == "ran" and len(words) > 1 and words[1].isdigit():
                run.ran = int(words[1])
            elif words[0] == "end":
                run.ended = True
            elif words[0] in ("fail", "error", "skip") and len(words) > 1:
                current = Finding(words[0], words[1], words[2] if len(words) > 2 else "")
                run.findings.append(current)
        else:
            plain.append(line)
    for finding in run.findings:
        finding.line = test_line(finding.text, PRELUDE_LINES)
    run.output = "\n".join(plain)
    return run
