"""The conformance suite, a user's own tests and `check` as library calls: what `boardkit test`
and `boardkit check` run.

from boardkit.api.testing import check, run_suite, run_tests

report = run_suite(["cpython", "wasm"], pattern="strings")
print(report.counts("wasm"), report.failed)

mine = run_tests(["tests/"], ["cpython", "wasm", "microbit"])
Path("report.xml").write_text(junit_xml(mine))

found = check("lesson1/", target="microbit")
for problem in found.blocking:
    print(problem.path, problem.line, problem.what)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from boardkit.conformance import ci_reports
from boardkit.conformance.check import Problem, check_files, load_feature_data, python_files, resolve_targets
from boardkit.conformance.matrix import write_matrix
from boardkit.conformance.runner import Report, Result
from boardkit.conformance.runner import run_suite as run_tests_on
from boardkit.conformance.suite import ConformanceTest, load_suite
from boardkit.conformance.targets import MATRIX_TARGETS, Credentials, Target, open_target, target_class
from boardkit.conformance.user_suite import load_user_tests
from boardkit.errors import InvalidInput

# Where the suite runs when the caller names no target.
DEFAULT_TARGETS = ("cpython", "wasm")


@dataclass
class SuiteReport(Report):
    """A run of the suite: per target (`targets`) and per test (`results`), as in Report.

    tests: the tests that ran. written: the files a matrix run wrote (docs, feature data).
    """

    tests: list[ConformanceTest] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def run_suite(
    targets: Sequence[str | Target] = (),
    *,
    pattern: str | Sequence[str] | None = None,
    matrix: bool = False,
    timeout: float = 10.0,
    credentials: Credentials | None = None,
    suite: Path | None = None,
    on_result: Callable[[Result], None] | None = None,
    on_target: Callable[[Target, int], None] | None = None,
    on_open: Callable[[str], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> SuiteReport:
    """Run the conformance suite on each target; pass / fail / unsupported / error per test.

    targets: names from boardkit.conformance.targets.TARGETS (cpython, wasm, browser,
        microbit, ...), port URLs or virtual board names, which run_suite opens and closes;
        or Target objects the caller opened (and closes). Empty: cpython and wasm, or with
        matrix every target of the matrix.
    pattern: only tests whose id ("strings/split") contains it or matches it as a glob;
        several patterns select a test matching any of them.
    matrix: probe every feature on every target, and write docs/conformance.md and the
        feature data `check` reads (SuiteReport.written says where).
    timeout: seconds one test may run.
    credentials: url -> password, for WebREPL targets (ws://...).
    suite: a folder laid out like tests/conformance (default: the suite boardkit ships).
    on_result / on_target / on_open: progress (a test finished; a target starts running the
        given number of tests; a named target is being opened).
    on_note: told when a target's runtime is installed on first use (the wasm and browser
        targets: npm ci), one line when it starts and one when it is done.

    Raises InvalidInput when no test matches `pattern` or a target name is empty; the
    target's own errors (LinkError, VirtualBoardError, ...) when one cannot be opened.
    """
    tests = load_suite(suite, _patterns(pattern))
    wanted: list[str | Target] = list(targets) or list(MATRIX_TARGETS if matrix else DEFAULT_TARGETS)
    features = suite / "features.toml" if suite else None
    report = _run_on_targets(
        tests, wanted, matrix, timeout, credentials, features, on_result, on_target, on_open, on_note
    )
    written = write_matrix(report, tests) if matrix else []
    return SuiteReport(report.targets, report.results, tests=tests, written=written)


def run_tests(
    paths: Sequence[str | Path],
    targets: Sequence[str | Target] = (),
    *,
    pattern: str | Sequence[str] | None = None,
    timeout: float = 10.0,
    credentials: Credentials | None = None,
    on_result: Callable[[Result], None] | None = None,
    on_target: Callable[[Target, int], None] | None = None,
    on_open: Callable[[str], None] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> SuiteReport:
    """Run a user's own tests (the .py files in `paths`, files or folders) on each target.

    A test is MicroPython-style (a program that prints; expected output from NAME.py.exp
    or NAME.exp beside it, else CPython's; `print("SKIP")` + `raise SystemExit` skips it)
    or unittest-style (it imports unittest; its TestCases run with the target's unittest,
    "unsupported" where the target has none). `# requires: FEATURE ...` in its first lines
    makes it "unsupported", not failed, where a feature is missing. Each target starts
    once; each test gets a fresh heap; a test that times out or crashes the interpreter is
    that test's error, the target is restarted and the run goes on.

    targets, timeout, credentials and the callbacks: as for run_suite (default targets:
    cpython and wasm). pattern: only tests whose path contains it or matches it as a glob.
    Each Result carries `file` and `line` (where a failure points in the test file).

    Raises InvalidInput for a missing path, a folder without tests, a file that is not a
    .py UTF-8 file, an unknown feature in a header, or a pattern that matches nothing.
    """
    tests = load_user_tests(paths, _patterns(pattern))
    wanted: list[str | Target] = list(targets) or list(DEFAULT_TARGETS)
    report = _run_on_targets(tests, wanted, False, timeout, credentials, None, on_result, on_target, on_open, on_note)
    return SuiteReport(report.targets, report.results, tests=tests)


def junit_xml(report: Report) -> str:
    """The report as JUnit XML: one <testsuite> per target, one <testcase> per test
    (unsupported tests are <skipped/>, failures carry the diff, errors the reason)."""
    return ci_reports.junit_xml(report)


def github_annotations(report: Report) -> list[str]:
    """GitHub Actions workflow commands (`::error file=...,line=...::...`), one per failure or
    error, pointing at the test file's line; print them on a job's output."""
    return ci_reports.github_annotations(report)


def _patterns(pattern: str | Sequence[str] | None) -> list[str]:
    return [pattern] if isinstance(pattern, str) else list(pattern or ())


def _run_on_targets(
    tests: list[ConformanceTest],
    wanted: list[str | Target],
    matrix: bool,
    timeout: float,
    credentials: Credentials | None,
    features: Path | None,
    on_result: Callable[[Result], None] | None,
    on_target: Callable[[Target, int], None] | None,
    on_open: Callable[[str], None] | None,
    on_note: Callable[[str], None] | None,
) -> Report:
    """Open the named targets (the caller's own Target objects as they are), run, close them."""
    opened: list[Target] = []
    running: list[Target] = []
    try:
        for spec in wanted:
            if isinstance(spec, Target):
                running.append(spec)
                continue
            target_class(spec).prepare(on_note)  # an install on first use, said before "starting"
            if on_open:
                on_open(spec)
            target = open_target(spec, credentials=credentials)
            opened.append(target)
            running.append(target)
        starting = (lambda target: on_target(target, len(tests))) if on_target else None
        return run_tests_on(
            tests,
            running,
            probe_everything=matrix,
            on_result=on_result,
            on_target=starting,
            features_path=features,
            timeout=timeout,
        )
    finally:
        for target in opened:
            target.close()


@dataclass
class CheckReport:
    """What the code at one path uses that targets lack.

    files: the .py files read. targets: name -> description of each target checked.
    problems: every finding; `certain` False marks a "maybe" (depends on a type).
    named: the caller named the targets, so a certain problem means "cannot run there".
    """

    files: list[Path]
    targets: dict[str, str]
    problems: list[Problem]
    named: bool = False

    @property
    def blocking(self) -> list[Problem]:
        """Certain problems on targets the caller named (what makes `boardkit check` exit 1)."""
        return [p for p in self.problems if p.certain and self.named]

    @property
    def ok(self) -> bool:
        return not self.blocking

    def on(self, target: str) -> list[Problem]:
        """The problems on one target."""
        return [p for p in self.problems if p.target == target]

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [str(f) for f in self.files],
            "targets": dict(self.targets),
            "problems": [asdict(p) for p in self.problems],
            "ok": self.ok,
        }


def check(
    path: str | Path, target: str | Sequence[str] | None = None, *, feature_data: Path | None = None
) -> CheckReport:
    """What the Python at `path` (a file or a folder of .py files) uses that a target lacks.

    target: one target name (or several), e.g. "microbit"; None checks every target in the
        feature data. Aliases work ("microbit_v1").
    feature_data: the JSON a matrix run writes (default: the one boardkit ships).

    Raises InvalidInput for a missing path, code CPython cannot parse, or a target with no
    feature data.
    """
    data = load_feature_data(feature_data)
    names = [target] if isinstance(target, str) else list(target or ())
    if any(not name for name in names):
        raise InvalidInput("empty target name", hint=f"known targets: {', '.join(sorted(data))}")
    checked = resolve_targets(names, data) if names else sorted(data)
    files = python_files(Path(path))
    problems = check_files(files, checked, data)
    return CheckReport(files, {name: data[name]["description"] for name in checked}, problems, named=bool(names))
