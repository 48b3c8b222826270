"""Conformance suite wall time per target: `boardkit test -t T`, beside one process per test.

boardkit runs the whole suite in one interpreter start per target (a fresh heap between
tests: a soft reset on boards). The comparison is what a user would otherwise script: one
`python test.py` per test on CPython, one `mpremote connect PORT run test.py` per test on
a board (only the time is taken; outputs are not compared). The browser has no such
baseline. Prints JSON. Goals (300 tests): wasm <= 15 s, microbit <= 60 s.

    .venv/bin/python tests/bench/bench_conformance.py [--targets cpython,wasm,browser,microbit] [--baseline-tests N]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SUITE = Path(__file__).resolve().parents[1] / "conformance"


def boardkit_run(target: str, env: dict) -> dict:
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "boardkit"), "test", "-t", target, "--json"], capture_output=True, env=env, timeout=1800
    )
    seconds = time.perf_counter() - started
    report = json.loads(result.stdout)
    entry = report["targets"][0]
    return {
        "wall_s": round(seconds, 2),
        "suite_s": entry["seconds"],
        "counts": entry["counts"],
        "implementation": entry["description"],
        "exit": result.returncode,
    }


def baseline(target: str, tests: list[Path], env: dict) -> dict:
    from boardkit import virtual

    board = None
    if target == "cpython":
        command = lambda path: [sys.executable, str(path)]  # noqa: E731
    else:
        board = virtual.start(target, name=f"bench-conf-{target}")
        command = lambda path: [str(BIN / "mpremote"), "connect", board.port, "run", str(path)]  # noqa: E731
    try:
        started = time.perf_counter()
        for path in tests:
            subprocess.run(command(path), capture_output=True, env=env, timeout=60)
        seconds = time.perf_counter() - started
    finally:
        if board:
            virtual.stop(board.name)
    tool = "python per test" if target == "cpython" else "mpremote run per test"
    return {"tool": tool, "tests": len(tests), "wall_s": round(seconds, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="cpython,wasm,browser,microbit")
    parser.add_argument("--baseline-tests", type=int, default=0, help="how many tests the baseline runs (0: all)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bk-bench-")
    env = {**os.environ, "BOARDKIT_HOME": home}
    os.environ["BOARDKIT_HOME"] = home
    tests = sorted(SUITE.glob("*/*.py"))
    subset = tests[: args.baseline_tests] if args.baseline_tests else tests
    report: dict = {"benchmark": "conformance", "tests": len(tests), "targets": {}}
    for target in args.targets.split(","):
        entry = {"boardkit": boardkit_run(target, env)}
        if target != "browser":
            base = baseline(target, subset, env)
            base["extrapolated_wall_s"] = round(base["wall_s"] * len(tests) / len(subset), 1)
            entry["one_process_per_test"] = base
            entry["baseline_over_boardkit"] = round(base["extrapolated_wall_s"] / entry["boardkit"]["wall_s"], 1)
        report["targets"][target] = entry
        print(json.dumps({target: entry}), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
