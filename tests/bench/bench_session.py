"""Whole-process cost of one command: `boardkit exec "print(1)"` beside `mpremote exec "print(1)"`.

Both run as fresh processes against the same virtual board in the same run, as a user
would type them. Prints JSON. Usage:

    .venv/bin/python tests/bench/bench_session.py [--runs N] [--boards wasm,microbit,wasm@115200]

A board written KIND@BAUD is throttled to that UART rate (115200 baud = 11,520 bytes/s),
as a real board's USB-serial bridge would be.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def timed(cmd: list[str], env: dict) -> tuple[float, bytes]:
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, env=env, timeout=120)
    elapsed = time.perf_counter() - started
    if result.returncode != 0 or result.stdout.strip() != b"1":
        raise SystemExit(f"{cmd[0]} failed: {result.stdout!r} {result.stderr!r}")
    return elapsed, result.stdout


def summary(samples: list[float]) -> dict:
    return {
        "median_s": round(statistics.median(samples), 4),
        "min_s": round(min(samples), 4),
        "max_s": round(max(samples), 4),
        "runs": len(samples),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--boards", default="wasm,microbit,wasm@115200,microbit@115200")
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="bk-bench-")
    env = {**os.environ, "BOARDKIT_HOME": home}
    os.environ["BOARDKIT_HOME"] = home
    from boardkit import virtual

    report = {"benchmark": "session", "command": 'exec "print(1)"', "boards": {}}
    try:
        for spec in args.boards.split(","):
            kind, _, baud = spec.partition("@")
            board = virtual.start(kind, name=f"bench-{kind}-{baud or 'fast'}", baud=int(baud) if baud else None)
            bk_cmd = [str(BIN / "boardkit"), "-p", board.port, "exec", "print(1)"]
            mp_cmd = [str(BIN / "mpremote"), "connect", board.port, "exec", "print(1)"]
            timed(bk_cmd, env)  # warm the OS caches for both before measuring
            timed(mp_cmd, env)
            bk, mp = [], []
            for _ in range(args.runs):  # interleaved, so machine noise hits both alike
                bk.append(timed(bk_cmd, env)[0])
                mp.append(timed(mp_cmd, env)[0])
            entry = {"boardkit": summary(bk), "mpremote": summary(mp)}
            entry["mpremote_over_boardkit"] = round(statistics.median(mp) / statistics.median(bk), 2)
            report["boards"][spec] = entry
            virtual.stop(board.name)
    finally:
        virtual.stop_all()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
