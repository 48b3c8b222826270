"""Install speed: `boardkit install` beside `mpremote mip install` of the same 5 packages from
the same loopback index (micropython-lib's layout, built here) onto the same wasm virtual board
at 115200 baud (11,520 bytes/s), in one run.

Cases, each timed as a whole process the way a user types it:
  first  - the 5 packages (and their deps) onto a board whose /lib is empty
  again  - the same command once more (everything is there already)

Both tools take the board's .mpy files (the index has .mpy version 6, what the board loads).
mpremote 1.29 runs unpatched. boardkit runs with --no-lock (no lock file to read or write).

    .venv/bin/python tests/bench/bench_install.py [--runs 3] [--baud 115200]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/package_index.py

from bench_common import RMTREE, summary  # noqa: E402

from package_index import Package, serve, write_index  # noqa: E402

BIN = Path(sys.executable).parent
WIPE = RMTREE % "/lib" + "os.mkdir('/lib')\n"
WORDS = ("led", "pin", "value", "sleep", "button", "display", "count", "sensor", "read", "write", "motor", "pixel")


def module_source(rng: random.Random, functions: int) -> str:
    """A library module: functions with docstrings, arithmetic and strings (compiles to .mpy)."""
    lines = ['"""A driver module."""', "", "_STATE = {}", ""]
    for i in range(functions):
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        lines += [
            f"def {a}_{b}_{i}(x, y={rng.randrange(100)}):",
            f'    """Set the {a} from the {b} reading and return the {rng.choice(WORDS)} value."""',
            f"    total = x * {rng.randrange(1, 50)} + y - {rng.randrange(100)}",
            f"    _STATE['{a}{i}'] = total",
            f"    if total > {rng.randrange(1000)}:",
            f"        return '{a} {b} high', total",
            f"    return '{b} {a} low', total // {rng.randrange(1, 9)}",
            "",
        ]
    return "\n".join(lines) + "\n"


def packages() -> tuple[list[Package], list[str]]:
    """5 packages as micropython-lib's are made: one-module ones and packages with a folder,
    some with dependencies (9 index packages, 17 files, about 40 KB of source)."""
    rng = random.Random(5)
    base = [
        Package("bench_core", "1.0", {"bench_core.py": module_source(rng, 20)}),
        Package("bench_log", "0.4", {"bench_log.py": module_source(rng, 12)}),
        Package("bench_bus", "2.1", {f"bench_bus/{n}.py": module_source(rng, 8) for n in ("__init__", "i2c", "spi")}),
        Package("bench_units", "1.2", {"bench_units.py": module_source(rng, 10)}, deps=[("bench_core", "latest")]),
    ]
    wanted = [
        Package(
            "bench_display",
            "0.9",
            {f"bench_display/{n}.py": module_source(rng, 10) for n in ("__init__", "font", "draw", "text")},
            deps=[("bench_bus", "latest"), ("bench_core", "latest")],
        ),
        Package("bench_sensor", "1.5", {"bench_sensor.py": module_source(rng, 16)}, deps=[("bench_bus", "latest")]),
        Package(
            "bench_net",
            "0.2",
            {f"bench_net/{n}.py": module_source(rng, 9) for n in ("__init__", "http", "mqtt")},
            deps=[("bench_log", "latest")],
        ),  # fmt: skip
        Package("bench_motor", "3.0", {"bench_motor.py": module_source(rng, 14)}, deps=[("bench_units", "latest")]),
        Package("bench_music", "1.1", {"bench_music.py": module_source(rng, 12)}),
    ]
    return base + wanted, [p.name for p in wanted]


def run(cmd: list[str], env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, env=env, timeout=900)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(
            f"{Path(cmd[0]).name} failed ({result.returncode}): {(result.stderr or result.stdout).decode()[-400:]}"
        )
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baud", type=int, default=115200)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="bk-bench-install-")
    env = {**os.environ, "BOARDKIT_HOME": home}
    os.environ["BOARDKIT_HOME"] = home
    from boardkit import virtual

    made, wanted = packages()
    root = write_index(Path(tempfile.mkdtemp(prefix="bk-bench-index-")), made)
    files = sorted(p for p in (root / "file").rglob("*") if p.is_file())
    mpy_bytes = sum(
        f.stat().st_size for f in files if f.read_bytes()[:1] == b"M"
    )  # the .mpy files (what both tools send)
    board = virtual.start("wasm", name="bench-install", baud=args.baud)
    try:
        with serve(root) as url:
            tools = {
                "boardkit": [str(BIN / "boardkit"), "-p", board.port, "install", "--no-lock", "--index", url, *wanted],
                "mpremote": [str(BIN / "mpremote"), "connect", board.port, "mip", "install", "--index", url, *wanted],
            }
            wipe = [str(BIN / "boardkit"), "-p", board.port, "exec", WIPE]
            report: dict = {
                "benchmark": "install",
                "board": {"kind": "wasm", "baud": args.baud},
                "packages": wanted,
                "index_packages": len(made),
                "mpy_bytes": mpy_bytes,
                "runs": args.runs,
                "mpremote": "1.29, unpatched",
            }
            for name, cmd in tools.items():
                first, again = [], []
                try:
                    for _ in range(args.runs):
                        run(wipe, env)
                        first.append(run(cmd, env))
                        again.append(run(cmd, env))
                    report[name] = {"first": summary(first), "again": summary(again)}
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    report[name] = {"error": str(exc).strip().splitlines()[-1][:300]}
                print(json.dumps({name: report[name]}), file=sys.stderr)
            bk, mp = report.get("boardkit", {}), report.get("mpremote", {})
            report["mpremote_over_boardkit"] = {
                case: round(mp[case]["median_s"] / bk[case]["median_s"], 2)
                for case in ("first", "again")
                if case in bk and case in mp
            }
            report["goal"] = {"first": ">= 2x", "met": report["mpremote_over_boardkit"].get("first", 0) >= 2}
    finally:
        virtual.stop(board.name)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
