"""Conformance suite wall time per target: `boardkit test -t T`, beside one process per test.

boardkit runs the whole suite in one interpreter start per target (a fresh heap between
tests: a soft reset on boards). The comparison is what a user would otherwise script: one
`python test.py` per test on CPython, one `mpremote connect PORT run test.py` per test on
a board (only the time is taken; outputs are not compared). The browser has no such
baseline. Prints JSON. Goals (300 tests): wasm <= 15 s, microbit <= 60 s.

A user's folder (`--user-tests N`, default 200; 0 skips it): N small generated tests,
`boardkit test FOLDER -t wasm` (a fresh state folder, so CPython's expected outputs are
computed too) beside what a CI script would otherwise do: one `node micropython.mjs
test.py` process per test (the npm package's own command line), and one `mpremote connect
PORT run test.py` per test on a wasm virtual board. Goal: boardkit >= 10x faster than one
process per test.

    .venv/bin/python tests/bench/bench_conformance.py [--targets cpython,wasm,browser,microbit] [--baseline-tests N]
    .venv/bin/python tests/bench/bench_conformance.py --targets none --user-tests 200
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


def generate_user_tests(folder: Path, count: int) -> list[Path]:
    """`count` small MicroPython-style tests, each printing a few lines (no .exp: CPython's
    output is expected, as for most users' tests)."""
    bodies = (
        "total = 0\nfor n in range({n}):\n    total += n * n\nprint('squares', total)\n",
        "words = 'alpha beta gamma delta'.split()\nprint(len(words), words[{n} % 4].upper())\n",
        "values = [x * {n} for x in range(5) if x % 2 == 0]\nprint(values, sum(values))\n",
        "d = {{'k%d' % i: i for i in range({n} % 7 + 1)}}\nprint(sorted(d.items())[-1])\n",
        "def fib(k):\n    a, b = 0, 1\n    for _ in range(k):\n        a, b = b, a + b\n    return a\n"
        "print(fib({n} % 30))\n",
        "s = 'x%dy' % {n}\nprint(s, s.replace('x', '<').replace('y', '>'), s.startswith('x'))\n",
        "try:\n    [1, 2][{n}]\nexcept IndexError as e:\n    print('IndexError', {n})\n",
        "print({n} // 3, {n} % 3, divmod({n}, 7), -{n} // 4)\n",
    )
    folder.mkdir(parents=True, exist_ok=True)
    tests = []
    for i in range(count):
        path = folder / f"test_{i:03d}.py"
        path.write_text(f"# generated test {i}\n" + bodies[i % len(bodies)].format(n=i + 2))
        tests.append(path)
    return tests


def micropython_cli() -> Path:
    """The npm package's micropython.mjs, by its real path: run as `node micropython.mjs
    test.py` it is the package's own one-shot command line (through a symbolic link to
    node_modules it stays silent, as it checks that it is the main module)."""
    from boardkit import wasm_runtime

    return (wasm_runtime.ensure().package / "micropython.mjs").resolve()


def user_folder(count: int, env: dict) -> dict:
    """boardkit on a user's folder beside one node process and one mpremote run per test."""
    from boardkit import virtual

    folder = Path(tempfile.mkdtemp(prefix="bk-bench-user-")) / "tests"
    tests = generate_user_tests(folder, count)
    fresh_home = tempfile.mkdtemp(prefix="bk-bench-home-")
    started = time.perf_counter()
    result = subprocess.run(
        [str(BIN / "boardkit"), "test", str(folder), "-t", "wasm", "--json"],
        capture_output=True,
        env={**env, "BOARDKIT_HOME": fresh_home},
        timeout=1800,
    )
    boardkit_s = time.perf_counter() - started
    report = json.loads(result.stdout)
    entry = report["targets"][0]
    mjs = micropython_cli()
    started = time.perf_counter()
    node_ok = 0
    for path in tests:
        done = subprocess.run(["node", str(mjs), str(path)], capture_output=True, env=env, timeout=60)
        node_ok += done.returncode == 0 and bool(done.stdout.strip())
    node_s = time.perf_counter() - started
    board = virtual.start("wasm", name="bench-user-wasm")
    try:
        started = time.perf_counter()
        mpremote_ok = 0
        for path in tests:
            done = subprocess.run(
                [str(BIN / "mpremote"), "connect", board.port, "run", str(path)],
                capture_output=True,
                env=env,
                timeout=60,
            )
            mpremote_ok += done.returncode == 0 and bool(done.stdout.strip())
        mpremote_s = time.perf_counter() - started
    finally:
        virtual.stop(board.name)
    return {
        "tests": count,
        "boardkit": {
            "command": "boardkit test FOLDER -t wasm",
            "wall_s": round(boardkit_s, 2),
            "run_s": entry["seconds"],
            "counts": entry["counts"],
            "exit": result.returncode,
        },
        "node_per_test": {"command": "node micropython.mjs test.py", "wall_s": round(node_s, 2), "ran": node_ok},
        "mpremote_per_test": {
            "command": "mpremote connect PORT run test.py (wasm virtual board)",
            "wall_s": round(mpremote_s, 2),
            "ran": mpremote_ok,
        },
        "node_over_boardkit": round(node_s / boardkit_s, 1),
        "mpremote_over_boardkit": round(mpremote_s / boardkit_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="cpython,wasm,browser,microbit")
    parser.add_argument("--baseline-tests", type=int, default=0, help="how many tests the baseline runs (0: all)")
    parser.add_argument("--user-tests", type=int, default=200, help="size of the generated user folder (0: none)")
    args = parser.parse_args()
    home = tempfile.mkdtemp(prefix="bk-bench-")
    env = {**os.environ, "BOARDKIT_HOME": home}
    os.environ["BOARDKIT_HOME"] = home
    tests = sorted(SUITE.glob("*/*.py"))
    subset = tests[: args.baseline_tests] if args.baseline_tests else tests
    report: dict = {"benchmark": "conformance", "tests": len(tests), "targets": {}}
    targets = [t for t in args.targets.split(",") if t and t != "none"]
    for target in targets:
        entry = {"boardkit": boardkit_run(target, env)}
        if target != "browser":
            base = baseline(target, subset, env)
            base["extrapolated_wall_s"] = round(base["wall_s"] * len(tests) / len(subset), 1)
            entry["one_process_per_test"] = base
            entry["baseline_over_boardkit"] = round(base["extrapolated_wall_s"] / entry["boardkit"]["wall_s"], 1)
        report["targets"][target] = entry
        print(json.dumps({target: entry}), file=sys.stderr)
    if args.user_tests:
        report["user_folder"] = user_folder(args.user_tests, env)
        print(json.dumps({"user_folder": report["user_folder"]}), file=sys.stderr)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
