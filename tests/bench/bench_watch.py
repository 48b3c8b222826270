"""Save-to-output: `boardkit watch` beside the same cycle done by hand with mpremote, one run.

The time measured is from a file's write to the first line its re-run prints, for a
one-file change (a module main.py imports), on a wasm virtual board at --baud 115200
(11,520 bytes/s, as a USB-serial board at 115200):

  boardkit_watch        `boardkit watch proj` running; the module is saved; main.py prints
                        and ends (the next save finds the board idle)
  boardkit_watch_loop   the same with a main.py that keeps running (while True: sleep):
                        each save must stop it first
  mpremote_cp_run       what a user types after each save: `mpremote connect PORT cp
                        mod0.py :mod0.py + run main.py` (timed from the write, the process
                        started at once: the user's own reaction time is not counted)
  mpremote_mount        `mpremote connect PORT mount proj exec "import main"`: no copy, the
                        board reads the files from the computer while it imports them

    .venv/bin/python tests/bench/bench_watch.py [--runs 5] [--modules 4] [--module-bytes 1500]

Prints one JSON object: median/min/max seconds per way, and whether boardkit met the goal
(<= 0.5 s from save to first output line).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_common import summary

BIN = Path(sys.executable).parent
GOAL_S = 0.5
BAUD = 115200


def make_project(root: Path, modules: int, size: int, loop: bool) -> Path:
    """main.py imports mod0..modN-1 (each about `size` bytes of code) and prints mod0.VALUE."""
    root.mkdir(parents=True)
    for i in range(modules):
        body = "".join(f"def f{i}_{k}(x):\n    return x * {k} + {i}\n" for k in range(size // 40))
        (root / f"mod{i}.py").write_text(f"VALUE = 'run 0'\n{body}")
    imports = "".join(f"import mod{i}\n" for i in range(modules))
    tail = "import time\nwhile True:\n    time.sleep(0.1)\n" if loop else ""
    (root / "main.py").write_text(f"{imports}print(mod0.VALUE)\n{tail}")
    return root


def edit(project: Path, n: int) -> None:
    """The one-file change: mod0.py's first line says which run this is."""
    module = project / "mod0.py"
    lines = module.read_text().split("\n", 1)
    tmp = module.with_name("mod0.py___jb_tmp___")  # saved as an editor saves: write, rename
    tmp.write_text(f"VALUE = 'run {n}'\n{lines[1]}")
    os.replace(tmp, module)


def first_line(proc: subprocess.Popen, want: bytes, timeout: float) -> float:
    """When proc printed a line holding `want` (perf_counter), reading its stdout line by line."""
    found: queue.Queue[float] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if want in line:
                found.put(time.perf_counter())
                return

    threading.Thread(target=read, daemon=True).start()
    return found.get(timeout=timeout)


def bench_boardkit(port: str, project: Path, runs: int, env: dict) -> list[float]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "boardkit", "-p", port, "watch", str(project), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    lines: queue.Queue[tuple[float, dict]] = queue.Queue()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put((time.perf_counter(), json.loads(line)))

    threading.Thread(target=read, daemon=True).start()

    def wait_output(text: str) -> float:
        deadline = time.monotonic() + 60
        while True:
            at, event = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            if event.get("event") == "output" and event.get("text") == text:
                return at

    samples = []
    try:
        wait_output("run 0")
        for n in range(1, runs + 1):
            time.sleep(0.5)  # the board is idle (or the program loops) before the save
            started = time.perf_counter()
            edit(project, n)
            samples.append(wait_output(f"run {n}") - started)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
    return samples


def bench_mpremote(port: str, project: Path, runs: int, mount: bool) -> list[float]:
    mp = [str(BIN / "mpremote"), "connect", port]
    subprocess.run([*mp, "cp", *(str(p) for p in sorted(project.glob("*.py"))), ":"], check=True, capture_output=True)
    samples = []
    for n in range(1, runs + 1):
        started = time.perf_counter()
        edit(project, n)
        if mount:
            command = [*mp, "mount", str(project), "exec", "import main"]
        else:
            command = [*mp, "cp", str(project / "mod0.py"), ":mod0.py", "+", "run", str(project / "main.py")]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=project)
        samples.append(first_line(proc, f"run {n}".encode(), 120) - started)
        proc.wait(timeout=60)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--modules", type=int, default=4)
    parser.add_argument("--module-bytes", type=int, default=1500)
    args = parser.parse_args()

    home = tempfile.mkdtemp(prefix="bk-bench-watch-")
    work = Path(tempfile.mkdtemp(prefix="bk-bench-watch-proj-"))
    env = {**os.environ, "BOARDKIT_HOME": home}
    os.environ["BOARDKIT_HOME"] = home
    from boardkit import virtual

    report: dict = {
        "benchmark": "watch",
        "measure": "seconds from a module's save to the first output line of the re-run",
        "board": {"kind": "wasm", "baud": BAUD},
        "project": {"files": args.modules + 1, "module_bytes": args.module_bytes},
        "runs": args.runs,
        "goal_s": GOAL_S,
        "mpremote": "1.29, unpatched",
    }
    try:
        board = virtual.start("wasm", name="bench-watch", baud=BAUD)
        for name, loop in (("boardkit_watch", False), ("boardkit_watch_loop", True)):
            project = make_project(work / name, args.modules, args.module_bytes, loop)
            report[name] = summary(bench_boardkit(board.name, project, args.runs, env))
            print(json.dumps({name: report[name]}), file=sys.stderr)
        for name, mount in (("mpremote_cp_run", False), ("mpremote_mount", True)):
            project = make_project(work / name, args.modules, args.module_bytes, False)
            try:
                report[name] = summary(bench_mpremote(board.port, project, args.runs, mount))
            except (subprocess.SubprocessError, queue.Empty, OSError) as exc:
                report[name] = {"error": str(exc)[:300]}
            print(json.dumps({name: report[name]}), file=sys.stderr)
        ours = report["boardkit_watch"]["median_s"]
        report["goal_met"] = ours <= GOAL_S and report["boardkit_watch_loop"]["median_s"] <= GOAL_S
        report["mpremote_over_boardkit"] = {
            name: round(report[name]["median_s"] / ours, 2)
            for name in ("mpremote_cp_run", "mpremote_mount")
            if "median_s" in report[name]
        }
    finally:
        virtual.stop_all()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
