"""Differential testing: hypothesis writes small programs, CPython and MicroPython run them.

Every printed line must agree, unless a rule in tests/differential/allowlist.toml (each with
its reason) covers the difference. A new difference fails and prints the program.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from boardkit.conformance.targets import DeviceTarget

sys.path.insert(0, str(Path(__file__).parent / "differential"))
from programs import CATEGORIES, Case, programs, render  # noqa: E402

RULES = tomllib.loads((Path(__file__).parent / "differential" / "allowlist.toml").read_text())["allow"]
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def on_cpython(source: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<generated>", "exec"), {"__name__": "__main__"})
    return out.getvalue().splitlines()


def allowed(target: str, case: Case, expected: str, actual: str) -> bool:
    for rule in RULES:
        if target not in rule["targets"] or not re.search(rule["case"], case.expr):
            continue
        if case.category not in rule.get("categories", [case.category]):
            continue
        if "actual" in rule and not re.search(rule["actual"], actual):
            continue
        if "tolerance" in rule and not _close(expected, actual, rule["tolerance"]):
            continue
        return True
    return False


def _close(expected: str, actual: str, tolerance: float) -> bool:
    a, b = NUMBER.findall(expected), NUMBER.findall(actual)
    if len(a) != len(b) or NUMBER.sub("#", expected) != NUMBER.sub("#", actual):
        return False
    return all(abs(float(x) - float(y)) <= tolerance + 1e-9 for x, y in zip(a, b, strict=True))


def compare(target, cases: list[Case]) -> None:
    source = render(cases)
    expected = on_cpython(source)
    outcome = target.run(source, timeout=20)
    actual = outcome.out.replace("\r\n", "\n").splitlines()
    problems = []
    if outcome.error or len(actual) != len(expected):
        problems.append(f"the program did not run through: {outcome.error or f'output has {len(actual)} lines'}")
    else:
        for case, want, got in zip(cases, expected, actual, strict=True):
            if want != got and not allowed(target.name, case, want, got):
                problems.append(f"{case.expr}\n    CPython:  {want}\n    {target.name}: {got}")
    assert not problems, f"new difference on {target.name}:\n  " + "\n  ".join(problems) + f"\n\nprogram:\n{source}"


def differential(target_fixture: str, examples: int):
    @pytest.mark.parametrize("category", sorted(CATEGORIES))
    def test(category, request):
        target = request.getfixturevalue(target_fixture)

        @given(cases=programs(category))
        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(cases):
            compare(target, cases)

        run()

    return test


@pytest.fixture(scope="module")
def wasm_target(wasm_board):
    with DeviceTarget(wasm_board.port, name="wasm") as target:
        yield target


@pytest.fixture(scope="module")
def microbit_target(microbit_board):
    with DeviceTarget(microbit_board.port, name="microbit") as target:
        yield target


test_wasm_agrees_with_cpython = pytest.mark.wasm(differential("wasm_target", examples=40))
test_microbit_agrees_with_cpython = pytest.mark.microbit(differential("microbit_target", examples=25))


def test_a_new_difference_is_caught_and_the_program_printed():
    class Lying:
        name = "wasm"

        def run(self, source, timeout=0):
            from boardkit.conformance.targets import Outcome

            return Outcome(on_cpython(source)[0].replace("2", "3") + "\n")

    with pytest.raises(AssertionError, match=r"(?s)new difference on wasm.*1 \+ 1.*program:"):
        compare(Lying(), [Case("int", "1 + 1")])
