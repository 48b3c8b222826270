"""Run the suite on targets and compare with the expected output."""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from boardkit import paths
from boardkit.conformance.features import CLASSROOM_MODULES, Feature, FeatureProbe, load_features
from boardkit.conformance.reference import reference_outputs
from boardkit.conformance.suite import ConformanceTest, suite_root
from boardkit.conformance.targets.base import Outcome, Target

STATUSES = ("pass", "fail", "unsupported", "error")
REFERENCE_CACHE = "conformance-reference.json"  # in the state folder: CPython's outputs, kept
BROKEN_LIMIT = 3  # consecutive link failures before a target is given up


@dataclass
class Result:
    """One test on one target."""

    test: str
    target: str
    status: str  # pass | fail | unsupported | error
    detail: str = ""  # the diff, the missing features, or the error
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0


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
    for test in tests:
        result = (
            _run_one(test, target, probe, reference, timeout)
            if broken < BROKEN_LIMIT
            else Result(test.id, target.name, "error", "the target stopped responding")
        )
        broken = broken + 1 if result.status == "error" and result.detail.startswith("link:") else 0
        results.append(result)
        if on_result:
            on_result(result)
    if probe_everything and broken < BROKEN_LIMIT:
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


def _run_one(
    test: ConformanceTest, target: Target, probe: FeatureProbe, reference: dict[str, Outcome], timeout: float
) -> Result:
    started = time.perf_counter()
    missing = probe.missing(test.requires)
    if missing:
        return Result(test.id, target.name, "unsupported", "needs " + " ".join(missing), missing)
    if test.expected is not None:
        expected = test.expected
    else:
        # The reference is a separate script run (reference.py), the cpython target included:
        # a test that fails there, or prints nothing, checks nothing on any target.
        ref = reference[test.id]
        if ref.error is not None:
            return Result(
                test.id,
                target.name,
                "error",
                f"no expected output: CPython raised {ref.error} (add a .exp file or fix the test)",
            )
        if not normalise(ref.out):
            return Result(
                test.id,
                target.name,
                "error",
                "no expected output: CPython printed nothing (a test must print what it checks)",
            )
        expected = ref.out
    outcome = target.run(test.source, timeout)
    seconds = round(time.perf_counter() - started, 3)
    if outcome.broken:
        return Result(test.id, target.name, "error", f"link: {outcome.error}", seconds=seconds)
    actual = normalise(outcome.out)
    if actual == "SKIP":
        return Result(test.id, target.name, "unsupported", "the test skipped itself", seconds=seconds)
    if outcome.error is not None:
        actual = (actual + "\n" if actual else "") + f"[raised] {outcome.error}"
    if actual == normalise(expected):
        return Result(test.id, target.name, "pass", seconds=seconds)
    return Result(test.id, target.name, "fail", diff(normalise(expected), actual), seconds=seconds)


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
