"""Run the suite on targets and compare with the expected output."""

from __future__ import annotations

import difflib
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from boardkit.conformance.features import Feature, FeatureProbe, load_features
from boardkit.conformance.suite import ConformanceTest, suite_root
from boardkit.conformance.targets import CPythonTarget, Outcome, Target

STATUSES = ("pass", "fail", "unsupported", "error")
BROKEN_LIMIT = 3   # consecutive link failures before a target is given up


@dataclass
class Result:
    test: str
    target: str
    status: str                    # pass | fail | unsupported | error
    detail: str = ""               # the diff, the missing features, or the error
    missing: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class TargetReport:
    name: str
    description: str
    seconds: float = 0.0
    features: dict[str, bool] = field(default_factory=dict)
    heap: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    targets: list[TargetReport] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)

    def counts(self, target: str) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for r in self.results:
            if r.target == target:
                counts[r.status] += 1
        return counts

    @property
    def failed(self) -> bool:
        return any(r.status in ("fail", "error") for r in self.results)

    def to_dict(self) -> dict:
        return {"targets": [dict(t.to_dict(), counts=self.counts(t.name)) for t in self.targets],
                "results": [asdict(r) for r in self.results]}


def normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip("\n").split("\n"))


def diff(expected: str, actual: str) -> str:
    lines = difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected", "actual", lineterm="")
    return "\n".join(lines)


def reference_outputs(tests: list[ConformanceTest], cpython: Target) -> dict[str, Outcome]:
    """CPython's output for each test that has no .exp file (the expected output)."""
    return {t.id: cpython.run(t.source) for t in tests if t.expected is None}


def run_target(tests: list[ConformanceTest], target: Target, features: dict[str, Feature],
               reference: dict[str, Outcome], probe_everything: bool = False,
               on_result: Callable[[Result], None] | None = None, timeout: float = 10.0
               ) -> tuple[TargetReport, list[Result]]:
    started = time.perf_counter()
    probe = FeatureProbe(features, lambda code: _as_pair(target.run(code, timeout)))
    results: list[Result] = []
    broken = 0
    for test in tests:
        result = _run_one(test, target, probe, reference, timeout) if broken < BROKEN_LIMIT else \
            Result(test.id, target.name, "error", "the target stopped responding")
        broken = broken + 1 if result.status == "error" and result.detail.startswith("link:") else 0
        results.append(result)
        if on_result:
            on_result(result)
    if probe_everything and broken < BROKEN_LIMIT:
        from boardkit.conformance.matrix import CLASSROOM_MODULES

        probe.probe_all()
        for module in CLASSROOM_MODULES:
            probe.has(f"module:{module}")
        probe.heap_bytes()
    report = TargetReport(target.name, target.description, round(time.perf_counter() - started, 2),
                          dict(sorted(probe.known.items())), probe.heap if probe.heap and probe.heap > 0 else None)
    return report, results


def _as_pair(outcome: Outcome) -> tuple[str, str | None]:
    return outcome.out, outcome.error


def _run_one(test: ConformanceTest, target: Target, probe: FeatureProbe,
             reference: dict[str, Outcome], timeout: float) -> Result:
    started = time.perf_counter()
    missing = probe.missing(test.requires)
    if missing:
        return Result(test.id, target.name, "unsupported", "needs " + " ".join(missing), missing)
    ref = None
    if test.expected is not None:
        expected = test.expected
    else:
        ref = reference[test.id]
        if ref.error is not None:
            return Result(test.id, target.name, "error",
                          f"no expected output: CPython raised {ref.error} (add a .exp file or fix the test)")
        expected = ref.out
    # CPython as a target: its run for the expected output is the run (the same interpreter).
    outcome = ref if test.expected is None and target.name == "cpython" else target.run(test.source, timeout)
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


def run_suite(tests: list[ConformanceTest], targets: list[Target], probe_everything: bool = False,
              on_result: Callable[[Result], None] | None = None,
              on_target: Callable[[Target], None] | None = None,
              features_path: Path | None = None, timeout: float = 10.0) -> Report:
    features = load_features(features_path or suite_root() / "features.toml")
    cpython = next((t for t in targets if isinstance(t, CPythonTarget)), None)
    own = cpython is None
    cpython = cpython or CPythonTarget()
    try:
        reference = reference_outputs(tests, cpython)
    finally:
        if own:
            cpython.close()
    report = Report()
    for target in targets:
        if on_target:
            on_target(target)
        target_report, results = run_target(tests, target, features, reference, probe_everything,
                                            on_result, timeout)
        report.targets.append(target_report)
        report.results += results
    return report
