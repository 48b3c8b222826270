"""One conformance suite for every target: CPython, the WebAssembly build, boards.

    suite = load_suite()                        # tests/conformance/**.py
    with open_target("wasm") as target:         # a name in TARGETS, or a port URL
        report = run_suite(suite, [target])

A test is a small program that prints; its expected output is CPython's (or a .exp file).
A test names what it needs (`# requires: float fstring`); a target that lacks it reports
"unsupported", never "failed". Features are data (tests/conformance/features.toml), each
with a probe program run on the target.
"""

from boardkit.conformance.runner import Report, Result, run_suite
from boardkit.conformance.suite import ConformanceTest, load_suite
from boardkit.conformance.targets import TARGETS, Target, open_target

__all__ = ["TARGETS", "ConformanceTest", "Report", "Result", "Target", "load_suite", "open_target", "run_suite"]
