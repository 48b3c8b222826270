"""Sync speed: `boardkit sync` beside `mpremote cp -r` on the same virtual boards, in one run.

Cases, each timed as a whole process the way a user types it:
  first    - the project onto a board that does not have it
  noop     - the same again, nothing changed
  one      - one file edited, then synced again
  large    - one large source file pushed (the link-rate figure)

Boards: a wasm board unthrottled, a wasm board at --baud 115200 (11,520 bytes/s), the same
115200 board over WebREPL (mpremote has no WebREPL), and the micro:bit (a smaller project:
10 files, 5 KB, flat, and a 3 KB large file: the emulated flash holds about 15 KB; mpremote
cannot copy to it, the failure is recorded).

mpremote 1.29 runs unpatched: the wasm board reports MicroPython's errno numbers.
mpremote's `cp -r` is compared as users use it for syncing: it skips files whose hash matches.

    .venv/bin/python tests/bench/bench_sync.py [--runs 3] [--boards wasm,wasm115200,webrepl,microbit]
    .venv/bin/python tests/bench/bench_sync.py --compile [--boards wasm115200,wasm]   # bench_compile

Over WebREPL (webrepl, and webreplfast: the same unthrottled, not in the default list)
boardkit runs twice: with WebREPL's file transfer (PUT/GET, its default) and with
BOARDKIT_WEBREPL_FILES=0 (the raw REPL), as "boardkit" and "boardkit_raw_repl".

On boards at a baud rate boardkit also runs with --no-compress ("boardkit_no_compress"):
compressed transfers beside today's plain ones, and the issue 13 goals are checked ("goals").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import RMTREE, summary

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
LINK_RATE_115200 = 11_520
# Boards reached over WebREPL: at 115200 baud like the others, and unthrottled (webreplfast),
# where the transfer's own cost shows rather than the line's.
WEBREPL_BOARDS = ("webrepl", "webreplfast")
PASSWORD = "bench-pw"
WORDS = (
    "led",
    "pin",
    "value",
    "sleep",
    "button",
    "display",
    "count",
    "total",
    "sensor",
    "read",
    "write",
    "state",
    "index",
    "speed",
    "angle",
    "motor",
    "music",
    "radio",
    "pixel",
    "loop",
)

# The micro:bit's filesystem is flat and its os.listdir takes no argument.
WIPE_FLAT = "import os\nfor n in os.listdir():\n if n.startswith('mod'): os.remove(n)\n"


def source_text(rng: random.Random, size: int) -> bytes:
    """Python-looking source of about `size` bytes: what a lesson project is made of."""
    lines, total = [], 0
    while total < size:
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        line = f"{a}_{rng.randrange(100)} = {b}({rng.randrange(1000)}, '{rng.choice(WORDS)}')  # {a} {b}\n"
        lines.append(line)
        total += len(line)
    return "".join(lines).encode()[:size]


def make_project(root: Path, files: int, total: int, flat: bool = False, seed: int = 7) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True)
    for i in range(files):
        folder = root / ("" if flat or i < files // 2 else f"pkg{i % 3}")
        folder.mkdir(exist_ok=True)
        (folder / f"mod{i:02d}.py").write_bytes(source_text(rng, total // files))
    return root


def run(
    cmd: list[str], env: dict, cwd: Path | None = None, check: bool = True
) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, env=env, cwd=cwd, timeout=900)
    elapsed = time.perf_counter() - started
    if check and result.returncode != 0:
        raise RuntimeError(
            f"{Path(cmd[1]).name} ... failed ({result.returncode}): {(result.stderr or result.stdout).decode()[-400:]}"
        )
    return elapsed, result


class Tool:
    """One way of syncing a folder: a name and the command lines it needs."""

    def __init__(self, name: str, sync, push, wipe):
        self.name, self.sync, self.push, self.wipe = name, sync, push, wipe


def wipe_code(remote: str) -> str:
    return WIPE_FLAT if remote == "/" else RMTREE % remote


def boardkit_tool(url: str, extra: list[str], flags: tuple[str, ...] = ()) -> Tool:
    """boardkit; flags go to push and sync (e.g. --no-compress)."""
    bk = [str(BIN / "boardkit"), "-p", url, *extra]
    return Tool(
        "boardkit",
        sync=lambda local, remote: [*bk, "sync", str(local), remote, *flags],
        push=lambda path, remote: [*bk, "push", *flags, str(path), remote],
        wipe=lambda remote: [*bk, "exec", wipe_code(remote)],
    )


def mpremote_tool(port: str) -> Tool:
    mp = [str(BIN / "mpremote"), "connect", port]

    # What a user types: `mpremote cp -r * :/proj/` (cp(1) rules: an existing target folder
    # receives the sources). mpremote skips files whose hash already matches.
    def sync(local: Path, remote: str) -> list[str]:
        return [*mp, "cp", "-r", *sorted(str(p) for p in local.iterdir()), f":{remote.rstrip('/')}/"]

    return Tool(
        "mpremote",
        sync=sync,
        push=lambda path, remote: [*mp, "cp", str(path), f":{remote}/"],
        wipe=lambda remote: [
            *mp,
            "exec",
            wipe_code(remote) if remote == "/" else RMTREE % remote + f"os.mkdir({remote!r})",
        ],
    )


def bench_tool(tool: Tool, project: Path, remote: str, big: Path, runs: int, env: dict) -> dict:
    size = sum(p.stat().st_size for p in project.rglob("*") if p.is_file())
    result: dict = {}
    try:
        first, noop, one = [], [], []
        for i in range(runs):
            run(tool.wipe(remote), env)
            first.append(run(tool.sync(project, remote), env)[0])
            noop.append(run(tool.sync(project, remote), env)[0])
            edited = project / "mod00.py"
            edited.write_bytes(edited.read_bytes() + f"# edit {tool.name} {i}\n".encode())
            one.append(run(tool.sync(project, remote), env)[0])
        result["first"] = {**summary(first), "bytes": size, "bytes_per_s": round(size / statistics.median(first))}
        result["noop"] = summary(noop)
        result["one"] = summary(one)
        if big is not None:
            large = []
            for i in range(runs):  # new content each time, or it would be skipped as unchanged
                big.write_bytes(source_text(random.Random(i), big.stat().st_size))
                large.append(run(tool.push(big, remote), env)[0])
            result["large"] = {
                **summary(large),
                "bytes": big.stat().st_size,
                "bytes_per_s": round(big.stat().st_size / statistics.median(large)),
            }
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        result["error"] = str(exc).strip().splitlines()[-1][:300]
    return result


def ratios(entry: dict) -> dict:
    bk, mp = entry.get("boardkit", {}), entry.get("mpremote", {})
    out = {}
    for case in ("first", "noop", "one", "large"):
        if case in bk and case in mp:
            out[case] = round(mp[case]["median_s"] / bk[case]["median_s"], 2)
    return out


# Issue 13's goals at 115200 baud: mpremote / boardkit at least this much faster, per case.
GOALS_OVER_MPREMOTE = {"first": 2.0, "noop": 3.0, "one": 3.0}
GOAL_LARGE_OF_LINK = 2.0  # effective source bytes/s of one large file, over the raw link rate
GOAL_NOOP_SECONDS = 0.3  # a no-op re-sync, the whole process


def bench_compression(
    entry: dict, url: str, extra: list[str], project: Path, remote: str, big: Path, runs: int, env: dict
) -> None:
    """boardkit --no-compress beside boardkit (compressed where the board has deflate)."""
    entry["boardkit_no_compress"] = bench_tool(
        boardkit_tool(url, extra, ("--no-compress",)), project, remote, big, runs, env
    )
    plain, packed = entry["boardkit_no_compress"], entry["boardkit"]
    entry["no_compress_over_compressed"] = {
        case: round(plain[case]["median_s"] / packed[case]["median_s"], 2)
        for case in ("first", "noop", "one", "large")
        if case in plain and case in packed
    }


def goals(entry: dict) -> dict:
    """Each issue 13 goal: the figure measured, the goal, met or not."""
    bk, over = entry.get("boardkit", {}), entry.get("mpremote_over_boardkit", {})
    out: dict = {}
    for case, want in GOALS_OVER_MPREMOTE.items():
        if case in over:
            out[f"{case}_over_mpremote"] = {"measured": over[case], "goal": want, "met": over[case] >= want}
    rate = bk.get("large", {}).get("of_link_rate")
    if rate is not None:
        out["large_of_link_rate"] = {"measured": rate, "goal": GOAL_LARGE_OF_LINK, "met": rate >= GOAL_LARGE_OF_LINK}
    noop = bk.get("noop", {}).get("median_s")
    if noop is not None:
        out["noop_seconds"] = {"measured": noop, "goal": GOAL_NOOP_SECONDS, "met": noop <= GOAL_NOOP_SECONDS}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--boards", default="wasm,wasm115200,webrepl,microbit")
    parser.add_argument("--files", type=int, default=40)
    parser.add_argument("--kb", type=int, default=200, help="project size in KB")
    parser.add_argument("--compile", action="store_true", help="only the --compile variant (bench_compile)")
    args = parser.parse_args()
    if args.compile:
        print(json.dumps(bench_compile(args), indent=2))
        return

    home = tempfile.mkdtemp(prefix="bk-bench-")
    work = Path(tempfile.mkdtemp(prefix="bk-bench-proj-"))
    env = {**os.environ, "BOARDKIT_HOME": home, "BK_BENCH_PW": PASSWORD}
    # Both tools start from compiled bytecode, as an install leaves them (mpremote's .pyc files
    # are in site-packages; boardkit's are written on its first run): a whole-process figure
    # must not count compiling boardkit's sources on every command.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["BOARDKIT_HOME"] = home
    from boardkit import virtual

    big = work / "large.py"
    big.write_bytes(source_text(random.Random(1), 100_000))
    small_big = work / "large_mb.py"
    small_big.write_bytes(source_text(random.Random(2), 3_000))
    report: dict = {
        "benchmark": "sync",
        "runs": args.runs,
        "boards": {},
        "mpremote": "1.29, unpatched",
    }
    try:
        for which in args.boards.split(","):
            kind = "microbit" if which == "microbit" else "wasm"
            baud = 115200 if which in ("wasm115200", "webrepl") else None
            web = which in WEBREPL_BOARDS
            files, kb = (10, 5) if kind == "microbit" else (args.files, args.kb)
            project = make_project(work / which / "proj", files, kb * 1000, flat=kind == "microbit")
            board = virtual.start(
                kind,
                name=f"bench-{which}",
                baud=baud,
                webrepl_port=0 if web else None,
                webrepl_password=PASSWORD if web else None,
            )
            url = f"ws://127.0.0.1:{board.webrepl_port}" if web else board.port
            extra = ["--password-env", "BK_BENCH_PW"] if web else []
            entry: dict = {
                "kind": kind,
                "baud": baud,
                "link": "webrepl" if web else "pty",
                "project": {"files": files, "bytes": kb * 1000},
            }
            large = small_big if kind == "microbit" else big
            remote = "/" if kind == "microbit" else "/proj"
            entry["boardkit"] = bench_tool(boardkit_tool(url, extra), project, remote, large, args.runs, env)
            if baud and kind == "wasm":
                bench_compression(entry, url, extra, project, remote, large, args.runs, env)
            if which in WEBREPL_BOARDS:
                # Both ways over WebREPL: its file transfer (PUT/GET, boardkit's default where
                # the board has it) above, the raw REPL here.
                raw_env = {**env, "BOARDKIT_WEBREPL_FILES": "0"}
                entry["boardkit_raw_repl"] = bench_tool(
                    boardkit_tool(url, extra), project, remote, large, args.runs, raw_env
                )
                entry["raw_repl_over_file_transfer"] = {
                    case: round(entry["boardkit_raw_repl"][case]["median_s"] / entry["boardkit"][case]["median_s"], 2)
                    for case in ("first", "noop", "one", "large")
                    if case in entry["boardkit"] and case in entry["boardkit_raw_repl"]
                }
                entry["mpremote"] = {"error": "mpremote has no WebREPL support"}
            else:
                shutil.rmtree(project)
                project = make_project(work / which / "proj", files, kb * 1000, flat=kind == "microbit")
                entry["mpremote"] = bench_tool(mpremote_tool(board.port), project, remote, large, args.runs, env)
            entry["mpremote_over_boardkit"] = ratios(entry)
            if baud:
                for tool in ("boardkit", "boardkit_no_compress", "mpremote"):
                    for case in ("first", "large"):
                        rate = entry.get(tool, {}).get(case, {}).get("bytes_per_s")
                        if rate:
                            entry[tool][case]["of_link_rate"] = round(rate / LINK_RATE_115200, 3)
                if not web:
                    entry["goals"] = goals(entry)
            report["boards"][which] = entry
            virtual.stop(board.name)
            print(json.dumps({which: entry}), file=sys.stderr)
    finally:
        virtual.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=2))


# -- the --compile variant ---------------------------------------------------------------

COMPILE_BOARDS = ("wasm", "wasm115200")


def importable_source(rng: random.Random, size: int) -> bytes:
    """A module of about `size` bytes that imports cleanly (functions, constants, comments)."""
    parts, total = [], 0
    while total < size:
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        n = rng.randrange(1000)
        part = f"# {a} then {b}\n{a.upper()}_{n} = {n}\n\ndef {a}_{b}_{n}(x, y={n}):\n    return x * y + {n}  # {b}\n\n"
        parts.append(part)
        total += len(part)
    return "".join(parts).encode()


def bench_compile(args: argparse.Namespace) -> dict:
    """boardkit sync --compile beside plain boardkit sync and mpremote (copying the .py files, and
    copying .mpy files compiled beforehand, compiling untimed), on wasm boards; then import time
    and heap on the board of one module as .py and as .mpy. The one-file edit changes code (a
    comment alone would leave the .mpy the same, and --compile would send nothing)."""
    from boardkit import virtual

    home = tempfile.mkdtemp(prefix="bk-bench-")
    work = Path(tempfile.mkdtemp(prefix="bk-bench-compile-"))
    env = {**os.environ, "BOARDKIT_HOME": home, "BOARDKIT_CACHE": str(work / "cache")}
    os.environ.update(BOARDKIT_HOME=home, BOARDKIT_CACHE=str(work / "cache"))
    boards = [b for b in args.boards.split(",") if b in COMPILE_BOARDS] or ["wasm115200"]
    report: dict = {"benchmark": "sync --compile", "runs": args.runs, "mpremote": "1.29, unpatched", "boards": {}}
    try:
        for which in boards:
            board = virtual.start("wasm", name=f"bench-c-{which}", baud=115200 if which == "wasm115200" else None)
            original = _compilable_project(work / which / "original", args.files, args.kb * 1000)
            bk = [str(BIN / "boardkit"), "-p", board.port]
            mp = mpremote_tool(board.port)
            wipe_bk, wipe_mp = [*bk, "exec", RMTREE % "/proj"], mp.wipe("/proj")
            entry: dict = {"baud": 115200 if which == "wasm115200" else None}
            for name, sync, wipe, compiled in (
                ("boardkit", lambda d, bk=bk: [*bk, "sync", str(d), "/proj"], wipe_bk, False),
                ("boardkit_compile", lambda d, bk=bk: [*bk, "sync", str(d), "/proj", "--compile"], wipe_bk, False),
                ("mpremote", lambda d, mp=mp: mp.sync(d, "/proj"), wipe_mp, False),
                ("mpremote_mpy", lambda d, mp=mp: mp.sync(d, "/proj"), wipe_mp, True),
            ):
                project = work / which / name
                shutil.copytree(original, project)
                entry[name] = _bench_cases(name, project, sync, wipe, compiled, args.runs, env)
            entry["bytes"] = {"py": _tree_size(original), "mpy": entry["mpremote_mpy"].pop("mpy_bytes", None)}
            ours = entry["boardkit_compile"]
            entry["speedup_of_boardkit_compile"] = {
                f"over_{other}": {
                    case: round(entry[other][case]["median_s"] / ours[case]["median_s"], 2)
                    for case in ("first", "noop", "one")
                    if case in entry[other] and case in ours
                }
                for other in ("boardkit", "mpremote", "mpremote_mpy")
            }
            entry["import"] = _bench_import(board.port, MPY_VERSION, env)
            report["boards"][which] = entry
            virtual.stop(board.name)
            print(json.dumps({which: entry}), file=sys.stderr)
    finally:
        virtual.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    return report


MPY_VERSION = 774  # the wasm board's sys.implementation._mpy (MicroPython 1.27: .mpy v6.3)


def _compilable_project(root: Path, files: int, total: int) -> Path:
    """make_project's layout (half the files in pkgN/ folders), every module valid Python."""
    rng = random.Random(11)
    for i in range(files):
        folder = root / ("" if i < files // 2 else f"pkg{i % 3}")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"mod{i:02d}.py").write_bytes(importable_source(rng, total // files))
    return root


def _tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _compile_tree(project: Path, out: Path) -> int:
    """Every module of project compiled into out (what a user of mpremote would do); its size."""
    from boardkit import mpy_compile

    for source in project.rglob("*.py"):
        target = out / source.relative_to(project).with_suffix(".mpy")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(mpy_compile.compile_source(source.read_bytes(), source.name, MPY_VERSION))
    return _tree_size(out)


def _bench_cases(name: str, project: Path, sync, wipe: list[str], compiled: bool, runs: int, env: dict) -> dict:
    """first / noop / one for one tool; compiled: copy .mpy files made from project (untimed)."""
    local = project.with_name(name + "_mpy") if compiled else project
    result: dict = {}
    first, noop, one = [], [], []
    try:
        for i in range(runs):
            if compiled:
                result["mpy_bytes"] = _compile_tree(project, local)
            run(wipe, env)
            first.append(run(sync(local), env)[0])
            noop.append(run(sync(local), env)[0])
            edited = project / "mod00.py"
            edited.write_bytes(edited.read_bytes() + f"EDITED_{i} = {i}\n".encode())
            if compiled:
                _compile_tree(project, local)
            one.append(run(sync(local), env)[0])
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        result["error"] = str(exc).strip().splitlines()[-1][:300]
        return result
    size = _tree_size(project)
    result.update(first={**summary(first), "bytes_per_s": round(size / statistics.median(first))})
    result.update(noop=summary(noop), one=summary(one))
    return result


# Imports bigmod (as .py or .mpy) fresh from `folder` on the board, `n` times in a row (the
# board's clock may tick in ms): [(microseconds for the n imports, heap bytes one import took)].
IMPORT_CODE = """import sys, gc, time
sys.path.insert(0, {folder!r})
r = []
for _ in range(5):
    sys.modules.pop('bigmod', None)
    gc.collect()
    m = gc.mem_free()
    import bigmod
    h = m - gc.mem_free()
    t = time.ticks_us()
    for _ in range({n}):
        sys.modules.pop('bigmod', None)
        import bigmod
    r.append((time.ticks_diff(time.ticks_us(), t), h))
sys.path.pop(0)
print(r)
"""
IMPORTS_TIMED = 20


def _bench_import(port: str, mpy_version: int, env: dict) -> dict:
    """Import time and heap of one 20 KB module on the board: as .py (compiled there) and as .mpy."""
    from boardkit import mpy_compile

    bk = [str(BIN / "boardkit"), "-p", port]
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bigmod.py"
        source.write_bytes(importable_source(random.Random(3), 20_000))
        compiled = Path(tmp) / "bigmod.mpy"
        compiled.write_bytes(mpy_compile.compile_source(source.read_bytes(), "bigmod.py", mpy_version))
        result: dict = {"module_bytes": {"py": source.stat().st_size, "mpy": compiled.stat().st_size}}
        for form, path in (("py", source), ("mpy", compiled)):
            folder = f"/imp_{form}"
            run([*bk, "exec", RMTREE % folder + f"os.mkdir({folder!r})"], env)
            run([*bk, "push", str(path), folder], env)
            out = run([*bk, "exec", IMPORT_CODE.format(folder=folder, n=IMPORTS_TIMED)], env)[1].stdout
            samples = json.loads(out.decode().replace("(", "[").replace(")", "]"))
            result[form] = {
                "import_ms": round(statistics.median(s[0] for s in samples) / 1000 / IMPORTS_TIMED, 2),
                "heap_bytes": int(statistics.median(s[1] for s in samples)),
            }
            run([*bk, "exec", RMTREE % folder], env)
        result["py_over_mpy_time"] = round(result["py"]["import_ms"] / max(result["mpy"]["import_ms"], 0.001), 2)
    return result


if __name__ == "__main__":
    main()
