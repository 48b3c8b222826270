"""The conformance suite on every target, through the library; and the runner's own rules.

Each target test fails if any test in the suite fails or errors there, and prints the
diffs. A test a target cannot support is "unsupported", which these tests allow.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boardkit.conformance import load_suite, run_suite
from boardkit.conformance.check import FEATURE_DATA
from boardkit.conformance.features import load_features
from boardkit.conformance.suite import suite_root
from boardkit.conformance.targets import CPythonTarget, DeviceTarget
from boardkit.errors import InvalidInput
from boardkit.paths import repo_root
from cli_helpers import boardkit, one_line_error

AREAS = {
    "syntax",
    "numbers",
    "strings",
    "containers",
    "comprehensions",
    "functions",
    "classes",
    "exceptions",
    "fstrings",
    "async",
    "builtins",
    "modules",
}


def assert_clean(report, least_passed: int) -> None:
    bad = [r for r in report.results if r.status in ("fail", "error")]
    assert not bad, "\n\n".join(f"{r.status} {r.target} {r.test}:\n{r.detail}" for r in bad[:15])
    passed = report.counts(report.targets[0].name)["pass"]
    assert passed >= least_passed, report.counts(report.targets[0].name)


def test_the_suite_covers_every_area_with_300_tests_or_more():
    tests = load_suite()
    assert len(tests) >= 300
    assert {t.area for t in tests} == AREAS
    features = load_features(suite_root() / "features.toml")
    for t in tests:  # every declared need is a known feature or a built-in form
        for need in t.requires:
            assert need in features or need.startswith(("module:", "heap>=")), (t.id, need)


def test_suite_on_cpython():
    # Each result is the cpython target's own run (one worker, fresh globals per test),
    # compared with a .exp file or with the test run as a script in a fresh interpreter
    # (conformance/reference.py): a broken worker, or a test that raises or prints nothing
    # under CPython, fails here.
    with CPythonTarget() as target:
        report = run_suite(load_suite(), [target])
    assert_clean(report, least_passed=450)
    exp_tests = {t.id for t in load_suite() if t.expected is not None}
    assert {r.test for r in report.results if r.status == "unsupported"} == exp_tests  # MicroPython-only


@pytest.mark.wasm
def test_suite_on_the_wasm_board(wasm_board):
    with DeviceTarget(wasm_board.port, name="wasm") as target:
        assert_clean(run_suite(load_suite(), [target]), least_passed=400)


@pytest.mark.browser
def test_suite_in_headless_chromium():
    from boardkit.conformance.targets import BrowserTarget

    with BrowserTarget() as target:
        assert_clean(run_suite(load_suite(), [target]), least_passed=400)


@pytest.mark.microbit
def test_suite_on_the_microbit(microbit_board):
    with DeviceTarget(microbit_board.port, name="microbit") as target:
        report = run_suite(load_suite(), [target])
    assert_clean(report, least_passed=300)
    assert report.counts("microbit")["unsupported"] > 100  # MicroPython 1.9: no f-strings, ...


def test_the_committed_matrix_knows_every_feature():
    # docs/conformance.md and the feature data come from one run; a feature added to the
    # suite since then means `boardkit test --matrix` must be run again.
    data = json.loads(FEATURE_DATA.read_text())
    assert set(data) == {"cpython", "wasm", "browser", "microbit"}
    features = set(load_features(suite_root() / "features.toml"))
    for target, entry in data.items():
        assert features <= set(entry["features"]), (target, sorted(features - set(entry["features"])))
    assert data["microbit"]["features"]["fstring"] is False and data["wasm"]["features"]["fstring"] is True


# -- the runner's rules, on a small suite of our own ---------------------------------------


@pytest.fixture
def tiny_suite(tmp_path: Path) -> Path:
    root = tmp_path / "suite"
    (root / "demo").mkdir(parents=True)
    (root / "features.toml").write_text(
        '[features.never]\ndescription = "nothing has it"\nprobe = "print(1)"\nexpect = "2"\n'
        '[features.always]\ndescription = "everything has it"\nprobe = "print(2)"\nexpect = "2"\n'
    )
    tests = {
        "ok.py": "print(1 + 1)\n",
        "wrong_exp.py": "print('actual')\n",
        "needs.py": "# requires: always never\nprint(1)\n",
        "needs_module.py": "# requires: module:no_such_module_here\nprint(1)\n",
        "skips.py": "print('SKIP')\n",
        "raises.py": "print('before')\n1 / 0\n",
    }
    for name, source in tests.items():
        (root / "demo" / name).write_text(source)
    (root / "demo" / "wrong_exp.exp").write_text("expected\n")
    return root


def tiny_report(root: Path):
    with CPythonTarget() as target:
        report = run_suite(load_suite(root), [target], features_path=root / "features.toml")
    return {r.test.split("/")[1]: r for r in report.results}


def test_runner_statuses(tiny_suite):
    results = tiny_report(tiny_suite)
    assert results["ok"].status == "pass"
    assert results["wrong_exp"].status == "fail"
    assert "-expected" in results["wrong_exp"].detail and "+actual" in results["wrong_exp"].detail
    assert results["needs"].status == "unsupported" and results["needs"].missing == ["never"]
    assert results["needs_module"].status == "unsupported"
    assert results["skips"].status == "unsupported"
    assert results["raises"].status == "error" and "ZeroDivisionError" in results["raises"].detail


def test_an_unknown_feature_is_invalid_input(tiny_suite):
    (tiny_suite / "demo" / "typo.py").write_text("# requires: flaot\nprint(1)\n")
    with pytest.raises(InvalidInput, match="unknown feature 'flaot'"):
        tiny_report(tiny_suite)


def test_the_cpython_target_is_compared_with_a_fresh_interpreter(tiny_suite):
    # The worker runs every test in one process: module state set by one test is still there
    # for the next. The reference runs each test alone, so the leak shows as a failure.
    (tiny_suite / "demo" / "a_leaks.py").write_text("import sys\nsys.bk_leak = 1\nprint('set')\n")
    (tiny_suite / "demo" / "b_sees.py").write_text("import sys\nprint(hasattr(sys, 'bk_leak'))\n")
    results = tiny_report(tiny_suite)
    assert results["a_leaks"].status == "pass"
    assert results["b_sees"].status == "fail"
    assert "-False" in results["b_sees"].detail and "+True" in results["b_sees"].detail


def test_a_test_that_prints_nothing_under_cpython_is_an_error(tiny_suite):
    (tiny_suite / "demo" / "silent.py").write_text("x = 1 + 1\n")
    result = tiny_report(tiny_suite)["silent"]
    assert result.status == "error" and "CPython printed nothing" in result.detail


# -- the library API (boardkit.api.testing) ---------------------------------------------------


def test_api_run_suite_opens_and_closes_named_targets():
    from boardkit.api.testing import run_suite as api_run_suite

    seen: list[tuple[str, int]] = []
    report = api_run_suite(
        ["cpython"], pattern="strings/split", on_target=lambda target, total: seen.append((target.name, total))
    )
    assert seen == [("cpython", len(report.tests))] and report.tests
    assert all(r.test.startswith("strings/split") for r in report.results)
    assert report.counts("cpython")["pass"] == len(report.tests) and not report.failed
    with pytest.raises(InvalidInput, match="empty conformance target"):
        api_run_suite([""], pattern="strings/split")


def test_api_check_resolves_aliases_and_blocks_only_named_targets():
    from boardkit.api.testing import check

    lesson = repo_root() / "examples" / "lesson2"
    named = check(lesson, target="microbit_v1")
    assert list(named.targets) == ["microbit"] and not named.ok
    assert {p.feature for p in named.blocking} >= {"fstring", "walrus", "module:json"}
    everywhere = check(lesson)
    assert set(everywhere.targets) == {"cpython", "wasm", "browser", "microbit"} and everywhere.ok
    with pytest.raises(InvalidInput, match="no feature data for target 'esp99'"):
        check(lesson, target="esp99")


# -- the command line ------------------------------------------------------------------------


def test_boardkit_test_json_on_cpython():
    result = boardkit("test", "-t", "cpython", "-k", "modules/json", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    counts = report["targets"][0]["counts"]
    assert counts["pass"] >= 3 and counts["fail"] == 0
    assert all(r["test"].startswith("modules/json") for r in report["results"])


def test_boardkit_test_bad_input_is_one_line():
    assert "no test matches" in one_line_error(boardkit("test", "-t", "cpython", "-k", "zzz-nothing"))
    assert "boardkit:" in one_line_error(boardkit("test", "-t", "/dev/no-such-port"))


def test_check_names_what_the_microbit_lacks():
    result = boardkit("check", "examples/lesson2", "-t", "microbit", cwd=repo_root())
    assert result.returncode == 1
    out = result.stdout.decode()
    assert "f-string at line 14: not on microbit (MicroPython 1.9.2)" in out
    assert "walrus operator := at line 17" in out and "import json at line 3" in out
    assert boardkit("check", "examples/lesson2", "-t", "wasm", cwd=repo_root()).returncode == 0  # a "maybe"
    assert boardkit("check", "examples/hello.py", "-t", "microbit", cwd=repo_root()).returncode == 0


def test_check_bad_input_is_one_line(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("print('unclosed'\n")
    assert "syntax error at line 1" in one_line_error(boardkit("check", str(broken)))
    assert "no feature data for target 'esp99'" in one_line_error(
        boardkit("check", str(repo_root() / "examples"), "-t", "esp99")
    )
    assert "no such file" in one_line_error(boardkit("check", str(tmp_path / "missing.py")))


def test_the_reference_is_kept_per_test_source_and_reused(tmp_path):
    import dataclasses

    from boardkit.conformance.reference import reference_outputs
    from boardkit.conformance.targets.base import Outcome

    tests = [t for t in load_suite() if t.expected is None][:3]
    calls: list[str] = []

    def run(source: str, timeout: float) -> Outcome:  # stands in for a CPython process
        calls.append(source)
        return Outcome(f"ran {len(calls)}\n")

    cache = tmp_path / "reference.json"
    first = reference_outputs(tests, run=run, cache=cache)
    assert len(calls) == 3 and cache.is_file()
    again = reference_outputs(tests, run=run, cache=cache)
    assert len(calls) == 3 and again == first  # nothing ran: all three came from the cache
    changed = [*tests[:2], dataclasses.replace(tests[2], source=tests[2].source + "\nprint(1)\n")]
    reference_outputs(changed, run=run, cache=cache)
    assert len(calls) == 4  # only the test whose source changed ran again
