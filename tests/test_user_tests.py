"""`boardkit test PATH...`: a user's own tests (tests/user_tests/) on cpython, wasm and the micro:bit.

One run of the real command on all three targets (each starts once) is shared by the
tests below: every fixture's verdict on every target, the JUnit XML parsed back, the GitHub
annotations, the exit status. tests/user_tests/README.md lists the fixtures.
"""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from boardkit.api.testing import github_annotations, junit_xml, run_tests
from boardkit.conformance.user_suite import load_user_tests
from boardkit.errors import InvalidInput
from cli_helpers import boardkit, one_line_error

FIXTURES = Path(__file__).resolve().parent / "user_tests"
REPO = FIXTURES.parent.parent
TEST_TIMEOUT = "3"  # seconds per test: never_ends.py meets it on every target

# file -> (cpython, wasm, microbit)
EXPECTED = {
    "passes.py": ("pass", "pass", "pass"),
    "exp_based.py": ("pass", "pass", "pass"),
    "fails_with_diff.py": ("fail", "fail", "fail"),
    "differs_from_cpython.py": ("pass", "fail", "fail"),
    "skips_without_json.py": ("pass", "pass", "unsupported"),
    "only_on_micropython.py": ("unsupported", "pass", "pass"),
    "exits_early.py": ("pass", "pass", "pass"),
    "needs_fstring.py": ("pass", "pass", "unsupported"),
    "unittest_passes.py": ("pass", "pass", "unsupported"),
    "unittest_fails.py": ("fail", "fail", "unsupported"),
    "never_ends.py": ("error", "error", "error"),
    "crashes_interpreter.py": ("pass", "error", "error"),
    "crashes_cpython.py": ("error", "unsupported", "unsupported"),
}
TARGETS = ("cpython", "wasm", "microbit")


@dataclass
class Run:
    returncode: int
    report: dict
    junit: ET.Element
    stderr: str

    def result(self, target: str, name: str) -> dict:
        found = [r for r in self.report["results"] if r["target"] == target and r["test"].endswith("/" + name)]
        assert len(found) == 1, (target, name, found)
        return found[0]


@pytest.fixture(scope="module")
def user_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("user-run")
    proc = boardkit(
        "test",
        "tests/user_tests",
        *[arg for target in TARGETS for arg in ("-t", target)],
        "--test-timeout",
        TEST_TIMEOUT,
        "--json",
        "--junit-xml",
        str(out / "report.xml"),
        cwd=REPO,
        timeout=400,
    )
    assert proc.stdout, proc.stderr.decode()
    return Run(proc.returncode, json.loads(proc.stdout), ET.parse(out / "report.xml").getroot(), proc.stderr.decode())


@pytest.mark.wasm
@pytest.mark.microbit
def test_every_fixture_gets_its_verdict_on_every_target(user_run: Run) -> None:
    wrong = []
    for name, statuses in EXPECTED.items():
        for target, status in zip(TARGETS, statuses, strict=True):
            got = user_run.result(target, name)
            if got["status"] != status:
                wrong.append(f"{target} {name}: {got['status']} (wanted {status}): {got['detail']}")
    assert not wrong, "\n".join(wrong)
    assert len(user_run.report["results"]) == len(EXPECTED) * len(TARGETS)


@pytest.mark.wasm
@pytest.mark.microbit
def test_details_name_what_went_wrong_and_where(user_run: Run) -> None:
    diff = user_run.result("wasm", "fails_with_diff.py")["detail"]
    assert "-2" in diff and "+two" in diff
    differs = user_run.result("microbit", "differs_from_cpython.py")["detail"]
    assert "-olleh" in differs and "+[raised] NotImplementedError" in differs
    for target in ("cpython", "wasm"):
        failed = user_run.result(target, "unittest_fails.py")
        assert failed["line"] == 11 and failed["file"] == "tests/user_tests/unittest_fails.py", failed
        assert "Strings.test_split" in failed["detail"] and 'unittest_fails.py", line 11' in failed["detail"]
    assert user_run.result("microbit", "unittest_passes.py")["missing"] == ["module:unittest"]
    assert user_run.result("microbit", "needs_fstring.py")["missing"] == ["fstring"]
    for target in TARGETS:
        assert "timeout" in user_run.result(target, "never_ends.py")["detail"]
    assert "crashed" in user_run.result("cpython", "crashes_cpython.py")["detail"]
    # After a crash or a hang the target was restarted, and the tests after it ran as usual.
    assert "restarted" in user_run.result("wasm", "crashes_interpreter.py")["detail"]
    assert "restarted" in user_run.result("microbit", "never_ends.py")["detail"]


@pytest.mark.wasm
@pytest.mark.microbit
def test_exit_status_and_junit_xml(user_run: Run) -> None:
    assert user_run.returncode == 1  # something failed
    root = user_run.junit
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == set(TARGETS)
    for index, target in enumerate(TARGETS):
        suite = suites[target]
        cases = suite.findall("testcase")
        assert len(cases) == int(suite.get("tests")) == len(EXPECTED)
        wanted = [statuses[index] for statuses in EXPECTED.values()]
        assert int(suite.get("failures")) == wanted.count("fail") == len(suite.findall("testcase/failure"))
        assert int(suite.get("errors")) == wanted.count("error") == len(suite.findall("testcase/error"))
        assert int(suite.get("skipped")) == wanted.count("unsupported") == len(suite.findall("testcase/skipped"))
        by_name = {Path(case.get("file")).name: case for case in cases}
        assert set(by_name) == set(EXPECTED)
        for name, statuses in EXPECTED.items():
            tag = {"pass": None, "fail": "failure", "error": "error", "unsupported": "skipped"}[statuses[index]]
            children = [child.tag for child in by_name[name]]
            assert children == ([tag] if tag else []), (target, name, children)
    failing = suites["wasm"].find("testcase[@file='tests/user_tests/unittest_fails.py']")
    assert failing is not None and failing.get("line") == "11"
    assert "AssertionError" in failing.find("failure").text


def test_a_passing_folder_exits_0_and_annotations_follow_github_actions(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ("passes.py", "exp_based.py", "exp_based.exp", "exits_early.py", "only_on_micropython.py"):
        shutil.copy(FIXTURES / name, folder / name)
    shutil.copy(FIXTURES / "only_on_micropython.exp", folder)
    ok = boardkit("test", "mine", "-t", "cpython", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert ok.returncode == 0, ok.stdout.decode() + ok.stderr.decode()
    assert "::error" not in ok.stdout.decode()
    shutil.copy(FIXTURES / "unittest_fails.py", folder)
    bad = boardkit("test", "mine", "-t", "cpython", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert bad.returncode == 1
    annotations = [line for line in bad.stdout.decode().splitlines() if line.startswith("::error ")]
    assert len(annotations) == 1, bad.stdout.decode()
    assert annotations[0].startswith("::error file=mine/unittest_fails.py,line=11,title=fail on cpython%3A ")
    quiet = boardkit(
        "test", "mine", "-t", "cpython", "--no-github-annotations", cwd=tmp_path, env={"GITHUB_ACTIONS": "true"}
    )
    assert quiet.returncode == 1 and "::error" not in quiet.stdout.decode()
    # Outside GitHub Actions only the flag prints them.
    flagged = boardkit(
        "test", "mine", "-t", "cpython", "--github-annotations", cwd=tmp_path, env={"GITHUB_ACTIONS": ""}
    )
    assert "::error file=mine/unittest_fails.py,line=11" in flagged.stdout.decode()


def test_the_library_call_and_its_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    seen = []
    report = run_tests(
        [FIXTURES / "passes.py", FIXTURES / "unittest_fails.py", FIXTURES / "only_on_micropython.py"],
        ["cpython"],
        on_result=seen.append,
    )
    assert [r.status for r in seen] == ["pass", "fail", "unsupported"] and report.failed
    assert [t.style for t in report.tests] == ["script", "unittest", "script"]
    root = ET.fromstring(junit_xml(report))
    assert root.get("tests") == "3" and root.get("failures") == "1" and root.get("skipped") == "1"
    (annotation,) = github_annotations(report)
    assert annotation.startswith("::error file=tests/user_tests/unittest_fails.py,line=11,")


def test_discovery_and_bad_input(tmp_path: Path) -> None:
    tests = load_user_tests([FIXTURES])
    assert {Path(t.file).name for t in tests} == set(EXPECTED)
    assert all(t.id == t.file for t in tests)
    by_name = {Path(t.file).name: t for t in tests}
    assert by_name["exp_based.py"].expected == "4 FOX\n"  # NAME.exp
    assert by_name["fails_with_diff.py"].expected == "one\n2\nthree\n"  # NAME.py.exp
    assert by_name["unittest_passes.py"].requires == ("module:unittest",)
    assert by_name["crashes_cpython.py"].requires == ("module:ctypes",)
    assert len(load_user_tests([FIXTURES, FIXTURES / "passes.py"])) == len(EXPECTED)  # each once
    assert len(load_user_tests([FIXTURES], ["*/unittest_*"])) == 2  # a glob sees the whole path
    assert len(load_user_tests([FIXTURES], ["crashes"])) == 2
    with pytest.raises(InvalidInput, match="no test matches"):
        load_user_tests([FIXTURES], ["unittest_*"])
    (tmp_path / "empty").mkdir()
    (tmp_path / "notes.txt").write_text("hi")
    for paths, message in (
        ([tmp_path / "missing"], "no such file or folder"),
        ([tmp_path / "empty"], "no tests in"),
        ([tmp_path / "notes.txt"], "is not a Python file"),
        ([], "no test files or folders named"),
    ):
        with pytest.raises(InvalidInput, match=message):
            load_user_tests(paths)
    (tmp_path / "typo.py").write_text("# requires: flaot\nprint(1)\n")
    assert "unknown feature 'flaot'" in one_line_error(boardkit("test", str(tmp_path / "typo.py"), "-t", "cpython"))
    assert "no such file or folder" in one_line_error(boardkit("test", str(tmp_path / "missing"), "-t", "cpython"))
    nowhere = boardkit("test", str(FIXTURES), "-t", "cpython", "--junit-xml", str(tmp_path / "no" / "r.xml"))
    assert nowhere.returncode == 2 and "no folder" in one_line_error(nowhere)
    matrix = boardkit("test", str(FIXTURES), "--matrix")
    assert matrix.returncode == 2 and "--matrix" in one_line_error(matrix)


@pytest.mark.browser
def test_the_browser_gives_the_wasm_verdicts() -> None:
    # The same npm build in headless Chromium, in a Web Worker: a never-ending test is
    # stopped by terminating the worker, a crash costs a new worker, and the run goes on.
    proc = boardkit("test", "tests/user_tests", "-t", "browser", "--test-timeout", TEST_TIMEOUT, "--json", cwd=REPO)
    assert proc.returncode == 1, proc.stderr.decode()
    results = {Path(r["test"]).name: r for r in json.loads(proc.stdout)["results"]}
    wrong = [
        f"{name}: {results[name]['status']} (wanted {statuses[1]}): {results[name]['detail']}"
        for name, statuses in EXPECTED.items()
        if results[name]["status"] != statuses[1]
    ]
    assert not wrong, "\n".join(wrong)
    assert "memory access out of bounds" in results["crashes_interpreter.py"]["detail"]
    assert results["unittest_fails.py"]["line"] == 11


def test_the_unittest_harness_lines_are_read_back() -> None:
    from boardkit.conformance import unittest_style

    out = (
        "test_a (T) ... ok\n"
        "@bk-unittest ran 3\n"
        "@bk-unittest fail T.test_b\n"
        "@bk| Traceback (most recent call last):\n"
        '@bk|   File "<stdin>", line 9, in test_b\n'
        '@bk|   File "unittest/__init__.py", line 97, in assertEqual\n'
        "@bk| AssertionError: 1 != 2\n"
        "@bk-unittest skip T.test_c not on this board\n"
        "@bk-unittest end\n"
    )
    run = unittest_style.parse(out)
    assert run.ended and run.ran == 3 and run.output.startswith("test_a (T) ... ok")
    (bad,) = run.bad
    assert (bad.kind, bad.name, bad.line) == ("fail", "T.test_b", 8)  # minus the one-line prelude
    assert run.skipped[0].text == "not on this board"
    relabelled = unittest_style.relabel(bad.text, "tests/t.py")
    assert 'File "tests/t.py", line 8, in test_b' in relabelled and "unittest/__init__.py" in relabelled
    assert not unittest_style.parse("1/0 before the harness\n").ended


def test_annotations_escape_what_github_reads_as_syntax() -> None:
    from boardkit.conformance.runner import Report, Result, TargetReport

    report = Report(
        [TargetReport("wasm", "MicroPython")],
        [
            Result("a,b:c.py", "wasm", "fail", "100% wrong\nline two", file="a,b:c.py", line=3),
            Result("ok.py", "wasm", "pass", file="ok.py"),
            Result("gone.py", "wasm", "error", "the target stopped responding", file="gone.py"),
        ],
    )
    first, second = github_annotations(report)
    assert first == "::error file=a%2Cb%3Ac.py,line=3,title=fail on wasm%3A a%2Cb%3Ac.py::100%25 wrong%0Aline two"
    assert second.startswith("::error file=gone.py,line=1,")
    root = ET.fromstring(junit_xml(report))
    (suite,) = root
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    assert suite.find("testcase[@name='a,b:c.py']/failure").text == "100% wrong\nline two"
