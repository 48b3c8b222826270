"""Fleet speed: one `boardkit fleet` command on 1, 10 and 30 boards, beside the same work done
one board after another (30 separate `boardkit -p NAME ...` processes, as a teacher would script it).

Boards: 30 wasm virtual boards at --baud 115200 (11,520 bytes/s each, like a USB-serial classroom).
Cases, each timed as a whole process:
  sync   - a 10-file lesson (about 10 KB) onto boards that do not have it
  flash  - a kit (a lib/ module compiled to .mpy, a main.py and two data files): each board
           restarts on it, then gets its seat label back
The goal: 30 boards in at most 1.5x the time of one.

--labgrid: only the sync case on 10 boards, local against the same 10 boards behind labgrid
(a coordinator and two exporters on loopback, tests/labgrid_helpers.py), in the same run:
once with each command acquiring and releasing the places itself, once with the places
already held by this user (labgrid-client acquire, as for a lesson). Goal: at most 1.3x local.

    .venv/bin/python tests/bench/bench_fleet.py [--runs 3] [--boards 30] [--labgrid]
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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BIN = Path(sys.executable).parent
BOARDKIT = [str(BIN / "boardkit")]
WIPE = "import os\nfor n in os.listdir():\n if n.startswith('step'): os.remove(n)\n"


def make_lesson(root: Path) -> Path:
    root.mkdir(parents=True)
    for i in range(10):
        lines = [f"# step {i} of the lesson", "from microbit import *" if i == 0 else "import time"]
        lines += [f"value_{j} = {i * 100 + j}  # a line of lesson code" for j in range(28)]
        (root / f"step{i}.py").write_text("\n".join(lines) + f"\nprint('step {i}')\n")
    return root


def make_kit(root: Path) -> Path:
    (root / "lib").mkdir(parents=True)
    (root / "lib" / "kitlib.py").write_text("def hello(name):\n    return 'hello ' + name\n" * 20)
    (root / "main.py").write_text("import kitlib\nprint(kitlib.hello('class'))\n")
    (root / "notes.txt").write_text("Lesson 3: loops\n" * 20)
    (root / "data.csv").write_text("".join(f"{i},{i * i}\n" for i in range(100)))
    return root


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, env=env, timeout=900, check=False)
    return time.monotonic() - started, result


def check(result: subprocess.CompletedProcess, what: str) -> None:
    if result.returncode != 0:
        raise SystemExit(
            f"{what} failed ({result.returncode}):\n{result.stdout.decode()[-2000:]}\n{result.stderr.decode()[-2000:]}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--boards", type=int, default=30)
    parser.add_argument("--baud", type=int, default=115200)
    parser.add_argument("--labgrid", action="store_true", help="sync on 10 boards: local against behind labgrid")
    args = parser.parse_args()
    if args.labgrid:
        labgrid_main(args)
        return
    sizes = sorted({1, min(10, args.boards), args.boards})
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "BOARDKIT_HOME": str(work / "home")}
        os.environ["BOARDKIT_HOME"] = env["BOARDKIT_HOME"]
        from boardkit import virtual

        names = [f"pupil{i}" for i in range(1, args.boards + 1)]
        started = time.monotonic()
        try:
            with ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda n: virtual.start("wasm", name=n, baud=args.baud), names))
            start_seconds = time.monotonic() - started
            lesson, kit = make_lesson(work / "lesson1"), make_kit(work / "kit3")
            rosters = {}
            for n in sizes:
                path = work / f"class{n}.toml"
                path.write_text(
                    "".join(f'[seats.{name}]\nboard = "virtual_wasm"\nvirtual = "{name}"\n\n' for name in names[:n])
                )
                rosters[n] = path
            full = rosters[args.boards]
            check(
                subprocess.run(
                    [*BOARDKIT, "fleet", "label", "--roster", str(full)], capture_output=True, check=False, env=env
                ),
                "fleet label",
            )

            def wipe():
                check(
                    subprocess.run(
                        [*BOARDKIT, "fleet", "exec", WIPE, "--roster", str(full)],
                        capture_output=True,
                        env=env,
                        check=False,
                    ),
                    "wipe",
                )

            results = {
                "boards": args.boards,
                "baud": args.baud,
                "runs": args.runs,
                "lesson_bytes": sum(p.stat().st_size for p in lesson.iterdir()),
                "start_boards_seconds": round(start_seconds, 2),
                "sync": {},
                "flash": {},
            }
            for case, command in (
                ("sync", ["sync", str(lesson)]),
                ("flash", ["flash", "--kit", str(kit), "--offline"]),
            ):
                for n in sizes:
                    times = []
                    for _ in range(args.runs):
                        if case == "sync":
                            wipe()
                        seconds, result = timed(
                            [*BOARDKIT, "fleet", *command, "--roster", str(rosters[n]), "--json"], env
                        )
                        check(result, f"fleet {case} on {n}")
                        times.append(seconds)
                    results[case][f"fleet_{n}"] = round(statistics.median(times), 2)
                # the same work one board at a time: separate processes, one after another (one run)
                if case == "sync":
                    wipe()
                started = time.monotonic()
                for name in names:
                    cmd = (
                        [*BOARDKIT, "-p", name, "sync", str(lesson)]
                        if case == "sync"
                        else [*BOARDKIT, "-p", name, "flash", "--kit", str(kit), "--offline"]
                    )
                    check(subprocess.run(cmd, capture_output=True, env=env, check=False), f"{case} {name}")
                results[case][f"one_by_one_{args.boards}"] = round(time.monotonic() - started, 2)
                one, many = results[case]["fleet_1"], results[case][f"fleet_{args.boards}"]
                results[case][f"ratio_{args.boards}_to_1"] = round(many / one, 2)
                results[case]["goal_1_5x_met"] = many <= 1.5 * one
                results[case]["speedup_vs_one_by_one"] = round(results[case][f"one_by_one_{args.boards}"] / many, 1)
        finally:
            virtual.stop_all()
    print(json.dumps(results, indent=2))


def labgrid_main(args: argparse.Namespace) -> None:
    """Sync a lesson onto 10 boards: local, then behind labgrid (see the module docstring)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: labgrid_helpers
    from labgrid_helpers import Coordinator, Exporter, held, hold_place, release_place

    count = 10
    with tempfile.TemporaryDirectory(prefix="bench-fleet-labgrid-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "BOARDKIT_HOME": str(work / "home")}
        os.environ["BOARDKIT_HOME"] = env["BOARDKIT_HOME"]
        from boardkit import virtual

        names = [f"pupil{i}" for i in range(1, count + 1)]
        coordinator = Coordinator(work / "coordinator")
        exporters: list[Exporter] = []
        try:
            with ThreadPoolExecutor(8) as pool:
                started = pool.map(lambda n: virtual.start("wasm", name=n, baud=args.baud), names)
                boards = dict(zip(names, started, strict=True))
            coordinator.start()
            halves = {"bench-a": names[: count // 2], "bench-b": names[count // 2 :]}
            for exporter_name, group in halves.items():
                exporter = Exporter(
                    coordinator, exporter_name, {n: boards[n].port for n in group}, work / exporter_name
                )
                exporters.append(exporter)
                exporter.start()
                for name in group:
                    coordinator.add_place(name, f"{exporter_name}/{name}/NetworkSerialPort")
            lesson = make_lesson(work / "lesson1")
            local, remote = work / "local.toml", work / "labgrid.toml"
            local.write_text("".join(f'[seats.{n}]\nboard = "virtual_wasm"\nvirtual = "{n}"\n\n' for n in names))
            url = "labgrid://{}?coordinator=" + coordinator.address
            remote.write_text(
                "".join(f'[seats.{n}]\nboard = "virtual_wasm"\nurl = "{url.format(n)}"\n\n' for n in names)
            )

            def sync(roster: Path) -> float:
                check(
                    subprocess.run(
                        [*BOARDKIT, "fleet", "exec", WIPE, "--roster", str(local)], capture_output=True, env=env
                    ),
                    "wipe",
                )
                seconds, result = timed(
                    [*BOARDKIT, "fleet", "sync", str(lesson), "--roster", str(roster), "--json"], env
                )
                check(result, f"fleet sync ({roster.stem})")
                return seconds

            # the same ser2net ports by their rfc2217:// URLs, as the link opens them: what the
            # transport costs without labgrid (the ports exist while the places are held)
            direct = work / "rfc2217.toml"
            times: dict[str, list[float]] = {
                "local": [],
                "labgrid_acquired_per_command": [],
                "labgrid_held": [],
                "rfc2217_direct_same_ports": [],
            }
            for _ in range(args.runs):  # interleaved, so a slow moment of the machine hits each alike
                times["local"].append(sync(local))
                times["labgrid_acquired_per_command"].append(sync(remote))
                for name in names:
                    hold_place(coordinator, name)
                times["labgrid_held"].append(sync(remote))
                ports = {p.name: p.serial.url for p in coordinator.client().places() if p.serial}
                direct.write_text(
                    "".join(
                        f'[seats.{n}]\nboard = "virtual_wasm"\nurl = "{ports[n]}?ign_set_control"\n\n' for n in names
                    )
                )
                times["rfc2217_direct_same_ports"].append(sync(direct))
                for name in names:
                    release_place(coordinator, name)
            if held(coordinator):
                raise SystemExit(f"places left acquired: {held(coordinator)}")
        finally:
            for exporter in exporters:
                exporter.stop()
            coordinator.stop()
            virtual.stop_all()
    medians = {case: round(statistics.median(t), 2) for case, t in times.items()}
    results = {
        "boards": count,
        "exporters": len(halves),
        "baud": args.baud,
        "runs": args.runs,
        "sync_seconds": medians,
        "all_seconds": {case: [round(x, 2) for x in t] for case, t in times.items()},
        "ratio_acquired_per_command_to_local": round(medians["labgrid_acquired_per_command"] / medians["local"], 2),
        "ratio_held_to_local": round(medians["labgrid_held"] / medians["local"], 2),
        "ratio_rfc2217_direct_to_local": round(medians["rfc2217_direct_same_ports"] / medians["local"], 2),
    }
    results["goal_1_3x_met_held"] = results["ratio_held_to_local"] <= 1.3
    results["goal_1_3x_met_acquired_per_command"] = results["ratio_acquired_per_command_to_local"] <= 1.3
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
