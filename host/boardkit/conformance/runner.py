"""Run the suite on targets and compare with the expected output."""

from __future__ import annotations

import difflib
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from boardkit import paths
from boardkit.conformance import unittest_style
from boardkit.conformance.features import CLASSROOM_MODULES, Feature, FeatureProbe, load_features
from boardkit.conformance.reference import reference_outputs
from boardkit.conformance.suite import ConformanceTest, suite_root
from boardkit.conformance.targets.base import Outcome, Target
from boardkit.errors import BoardkitError

STATUSES = ("pass", "fail", "unsupported", "error")
REFERENCE_CACHE = "conformance-reference.json"  # in the state folder: CPython's outputs, kept
BROKEN_LIMIT = 3  # consecutive link failures before a target that cannot recover is given up
# A clean end: `raise SystemExit`, `sys.exit()`, `sys.exit(0)` (CPython's worker reports it).
CLEAN_EXIT = re.compile(r"^SystemExit(:\s*(0|None)?)?$")


@dataclass
class Result:
    """One test on one target."""

    test: str
    target: str
    status: str  # pass | fail | unsupported | error
    detail: str = ""  # the diff, the missing features, or the error
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0
    file: str = ""  # a user's test: its file, for annotations (empty for the built-in suite)
    line: int | None = None  # where in that file it went wrong, when known


@dataclass
class TargetReport:
    """One target's run: what it is, how long it took, what its features are."""

    name: str
    description: str
    seconds: float = 0.0
    features: dict[str, bool] = field(default_factory=dict)
    heap: int | None = None

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Report:
    """Every target's run of the suite."""

    targets: list[TargetReport] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def counts(self, target: str) -> dict[str, int]:
        """How many tests had each status (pass, fail, unsupported, error) on `target`."""
        counts = dict.fromkeys(STATUSES, 0)
        for r in self.results:
            if r.target == target:
                counts[r.status] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(r.status in ("fail", "error") for r in self.results)

    def to_dict(self) -> dict[str, object]:
        return {
            "targets": [dict(t.to_dict(), counts=self.counts(t.name)) for t in self.targets],
            "results": [asdict(r) for r in self.results],
        }


def normalise(text: str) -> str:
    """Text as compared: no trailing blanks on lines, no leading or trailing empty lines."""
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n"))


def diff(expected: str, actual: str) -> str:
    """A unified diff, expected against actual."""
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm="")
    return "\n".join(lines)


def run_target(
    tests: list[ConformanceTest],
    target: Target,
    features: dict[str, Feature],
    reference: dict[str, Outcome],
    probe_everything: bool = False,
    on_result: Callable[[Result], None] | None = None,
    timeout: float = 10.0,
) -> tuple[TargetReport, list[Result]]:
    """Every test on one target, compared with its .exp file or CPython's reference output."""
    started = time.perf_counter()
    probe = FeatureProbe(features, lambda code: _as_pair(target.run(code, timeout)))
    results: list[Result] = []
    broken = 0
    gone = ""  # why the target was given up
    for test in tests:
        if gone:
            result = Result(test.id, target.name, "error", gone, file=test.file)
        else:
            outcome = _Ran()
            result = _run_one(test, target, probe, reference, timeout, outcome)
            if outcome.value is not None and (outcome.value.broken or outcome.value.error == "timeout"):
                broken += 1
                gone = _recover(target, broken)
                if outcome.value.broken and not gone:
                    result.detail += f"\n({target.name} was restarted; the run goes on)"
            else:
                broken = 0
        results.append(result)
        if on_result:
            on_result(result)
    if probe_everything and not gone:
        probe.probe_all()
        for module in CLASSROOM_MODULES:
            probe.has(f"module:{module}")
        probe.heap_bytes()
    report = TargetReport(
        target.name,
        target.description,
        round(time.perf_counter() - started, 2),
        dict(sorted(probe.known.items())),
        probe.heap if probe.heap and probe.heap > 0 else None,
    )
    return report, results


def _as_pair(outcome: Outcome) -> tuple[str, str | None]:
    return outcome.out, outcome.error


@dataclass
class _Ran:
    """What the target answered for the test (None: it was not run)."""

    value: Outcome | None = None


def _recover(target: Target, broken: int) -> str:
    """Get the target a fresh interpreter after a crash, hang or timeout; why it was given up, or ""."""
    try:
        if target.recover():
            return ""
    except BoardkitError as exc:
        return f"the target could not be restarted: {exc}"
    return "the target stopped responding" if broken >= BROKEN_LIMIT else ""


def _expected(test: ConformanceTest, target: Target, reference: dict[str, Outcome]) -> str | Result:
    """The output `test` must print: its .exp file, or CPython's run of it (or why there is none)."""
    if test.expected is not None:
        return test.expected
    # The reference is a separate script run (reference.py), the cpython target included:
    # a test that fails there, or prints nothing, checks nothing on any target.
    ref = reference[test.id]
    if ref.error is not None:
        why = "timed out" if ref.error == "timeout" else f"raised {ref.error}"
        return Result(
            test.id,
            target.name,
            "error",
            f"no expected output: CPython {why} (add a .exp file or fix the test)",
            file=test.file,
            line=unittest_style.test_line(ref.traceback) if test.file else None,
        )
    if not normalise(ref.out):
        return Result(
            test.id,
            target.name,
            "error",
            "no expected output: CPython printed nothing (a test must print what it checks)",
            file=test.file,
        )
    return ref.out


def _run_one(
    test: ConformanceTest,
    target: Target,
    probe: FeatureProbe,
    reference: dict[str, Outcome],
    timeout: float,
    ran: _Ran,
) -> Result:
    started = time.perf_counter()
    missing = probe.missing(test.requires)
    if missing:
        return Result(test.id, target.name, "unsupported", "needs " + " ".join(missing), missing, file=test.file)
    if test.style == "unittest":
        ran.value = outcome = target.run(unittest_style.program(test.source), timeout)
        return _unittest_result(test, target, outcome, round(time.perf_counter() - started, 3))
    expected = _expected(test, target, reference)
    if isinstance(expected, Result):
        return expected
    ran.value = outcome = target.run(test.source, timeout)
    seconds = round(time.perf_counter() - started, 3)
    first = 1 if test.file else None  # a failed comparison points at the test file itself
    if outcome.broken or outcome.error == "timeout":
        return _broken(test, target, outcome, seconds)
    actual = normalise(outcome.out)
    if actual == "SKIP":
        return Result(test.id, target.name, "unsupported", "the test skipped itself", seconds=seconds, file=test.file)
    if outcome.error is not None and not CLEAN_EXIT.match(outcome.error):
        actual = (actual + "\n" if actual else "") + f"[raised] {outcome.error}"
        if test.file:
            first = unittest_style.test_line(outcome.traceback) or first
    if actual == normalise(expected):
        return Result(test.id, target.name, "pass", seconds=seconds, file=test.file)
    return Result(
        test.id, target.name, "fail", diff(normalise(expected), actual), seconds=seconds, file=test.file, line=first
    )


def _broken(test: ConformanceTest, target: Target, outcome: Outcome, seconds: float) -> Result:
    """A test that crashed the interpreter, hung it, timed out or lost the link: its error."""
    if outcome.error == "timeout":
        detail = "timeout: the test was still running at the time limit (--test-timeout); stopped it"
    elif test.file:
        detail = f"the interpreter crashed or stopped responding: {outcome.error}"
    else:
        detail = f"link: {outcome.error}"
    line = 1 if test.file else None
    return Result(test.id, target.name, "error", detail, seconds=seconds, file=test.file, line=line)


def _unittest_result(test: ConformanceTest, target: Target, outcome: Outcome, seconds: float) -> Result:
    """The verdict of a unittest-style test from what the harness printed (unittest_style)."""
    if outcome.broken or outcome.error == "timeout":
        return _broken(test, target, outcome, seconds)
    run = unittest_style.parse(outcome.out)

    def result(status: str, detail: str = "", line: int | None = None) -> Result:
        return Result(test.id, target.name, status, detail, seconds=seconds, file=test.file, line=line)

    if not run.ended:
        # It raised before its TestCases ran (an import, a syntax error, a module-level assert).
        why = outcome.error if outcome.error and not CLEAN_EXIT.match(outcome.error) else "it ended early"
        trace = unittest_style.relabel(outcome.traceback, test.file or test.id)
        detail = f"the test module did not finish loading: {why}" + (f"\n{trace}" if trace else "")
        return result("error", detail, unittest_style.test_line(outcome.traceback, unittest_style.PRELUDE_LINES) or 1)
    if run.bad:
        parts = [
            f"{f.kind.upper()}: {f.name}\n{unittest_style.relabel(f.text, test.file or test.id).rstrip()}"
            for f in run.bad
        ]
        status = "error" if all(f.kind == "error" for f in run.bad) else "fail"
        summary = f"{len(run.bad)} of {run.ran} unittest test(s) did not pass"
        return result(status, summary + "\n" + "\n\n".join(parts), run.bad[0].line or 1)
    if run.ran == 0:
        return result("error", "no unittest TestCase with a test method ran", 1)
    if len(run.skipped) == run.ran:
        return result("unsupported", "every test skipped itself: " + run.skipped[0].text)
    return result("pass")


def run_suite(
    tests: list[ConformanceTest],
    targets: list[Target],
    probe_everything: bool = False,
    on_result: Callable[[Result], None] | None = None,
    on_target: Callable[[Target], None] | None = None,
    features_path: Path | None = None,
    timeout: float = 10.0,
) -> Report:
    """The tests on each (open) target in turn; expected output from .exp files or CPython.

    probe_everything: probe every feature and classroom module too (for the matrix).
    on_result / on_target: called as each test finishes / each target starts.
    """
    features = load_features(features_path or suite_root() / "features.toml")
    reference = reference_outputs(tests, timeout, cache=paths.state_dir() / REFERENCE_CACHE)
    report = Report()
    for target in targets:
        if on_target:
            on_target(target)
        target_report, results = run_target(tests, target, features, reference, probe_everything, on_result, timeout)
        report.targets.append(target_report)
        report.results += results
    return report
