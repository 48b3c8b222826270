"""Fleet mode: a classroom of 30 real virtual boards (20 wasm + 10 micro:bit) driven at once.

The 30 boards start once for the module (at 115200 baud, like a USB-serial classroom) and the
roster comes from `fleet scan`, with two seats moved behind an RFC 2217 server on loopback (a
board on another computer). Tests run in file order: scan, flash, sync, run, status, collect,
and last the casualties (boards stopped or killed in the middle of a sync). Quick tests of
the roster and the path guards need no boards.
"""

from __future__ import annotations

import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from boardkit.errors import SyncError
from boardkit.fleet import RosterError, parse_roster
from boardkit.fleet.collect import seat_folder
from boardkit.fleet.runner import FleetReport, SeatResult, failed_last_time, save_state
from boardkit.sync import safe_local_path
from cli_helpers import boardkit
from net_bridge import SerialServer

pytestmark = pytest.mark.fleet

WASM, MICROBIT = 20, 10
BRIDGED = ("wasm19", "wasm20")  # these two seats are reached over rfc2217://


# -- the roster ------------------------------------------------------------------------------

GOOD = """\
[class]
name = "8B"

[seats.alice]
board = "virtual_wasm"
virtual = "wasm1"

[seats."table 3"]
board = "microbit_v1"
serial = "9900000037024e45"
"""


def problems(text: str) -> list[str]:
    with pytest.raises(RosterError) as caught:
        parse_roster(text, Path("classroom.toml"))
    return caught.value.problems


def test_a_good_roster():
    roster = parse_roster(GOOD, Path("classroom.toml"))
    assert roster.class_name == "8B"
    assert [(s.name, s.board, s.finder, s.value, s.line) for s in roster.seats] == [
        ("alice", "virtual_wasm", "virtual", "wasm1", 4),
        ("table 3", "microbit_v1", "serial", "9900000037024e45", 8),
    ]


def test_syntax_errors_have_line_and_column():
    (problem,) = problems(GOOD + "\n[seats.bob]\nboard = virtual_wasm\n")
    assert problem.startswith("classroom.toml:13:9: ") and "TOML syntax" in problem


def test_semantic_errors_have_their_lines():
    text = """\
[seats.alice]
board = "virtual_wasm"
virtual = "wasm1"

[seats.Alice]
board = "virtual_wasm"
virtual = "wasm2"

[seats.bob]
board = "microbit_v3"
port = "/dev/ttyACM0"

[seats.carol]
board = "virtual_wasm"

[seats.dan]
board = "virtual_wasm"
port = "/dev/ttyACM1"
url = "rfc2217://lab:4000"

[seats.erin]
bord = "virtual_wasm"
virtual = "wasm3"

[seats.frank]
board = "virtual_wasm"
virtual = "wasm1"

[seats."../x"]
board = "virtual_wasm"
url = "http://lab:80"
"""
    found = problems(text)
    expect = [
        ("classroom.toml:5:", "'Alice' is the same name as seat 'alice'"),
        ("classroom.toml:10:", "unknown board type 'microbit_v3' (did you mean"),
        ("classroom.toml:13:", "seat 'carol' has no way to find its board"),
        ("classroom.toml:19:", "give only one of port, url"),
        ("classroom.toml:22:", "unknown setting 'bord' (did you mean 'board'?)"),
        ("classroom.toml:21:", "seat 'erin' has no board type"),
        ("classroom.toml:27:", "seat 'frank' uses the same board as seat 'alice'"),
        ("classroom.toml:29:", "seat '../x': a seat name cannot start with '.'"),
        ("classroom.toml:31:", "is not a network URL"),
    ]
    for where, what in expect:
        assert any(p.startswith(where) and what in p for p in found), (where, what, found)
    assert len(found) == len(expect), found


def test_cli_lists_every_mistake(tmp_path):
    roster = tmp_path / "classroom.toml"
    roster.write_text('[seats.a]\nboard = "nope"\nvirtual = "wasm1"\n\n[seats.b]\nboard = "virtual_wasm"\n')
    result = boardkit("fleet", "status", "--roster", str(roster))
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"boardkit: {roster}:") for line in lines), err
    assert ":2: seat 'a': unknown board type 'nope'" in lines[0]
    assert ":5: seat 'b' has no way to find its board" in lines[1]


def test_no_roster_is_explained(tmp_path):
    result = boardkit("fleet", "status", "--roster", str(tmp_path / "classroom.toml"))
    assert result.returncode == 2
    assert "fleet scan" in result.stderr.decode()


def test_retry_failed_remembers_per_command(tmp_path):
    state = tmp_path / ".classroom-state.json"

    def report(command, failed, ok):
        return FleetReport(
            command,
            [SeatResult(s, False, 0.1, error="gone") for s in failed] + [SeatResult(s, True, 0.1) for s in ok],
            0.2,
        )

    save_state(state, report("sync", ["bob", "carol"], ["alice"]), ["alice", "bob", "carol"])
    save_state(state, report("status", [], ["alice", "bob", "carol"]), ["alice", "bob", "carol"])
    assert failed_last_time(state, "sync")[0] == ["bob", "carol"]
    save_state(state, report("sync", [], ["bob"]), ["bob"])  # --only bob: carol still failed
    assert failed_last_time(state, "sync")[0] == ["carol"]
    assert failed_last_time(state, "run") == ([], None)


# -- the path guard, without boards ---------------------------------------------------------------

HOSTILE = [
    "../x",
    "../../x",
    "/../x",
    "a/../../x",
    "..",
    ".",
    "",
    "/",
    "a\\..\\..\\x",
    "..\\x",
    "C:x",
    "C:\\x",
    "a/\x00b",
    "a/../b",
]


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("remote_dir", ["/", "", "/work"])
def test_safe_local_path_refuses_escaping_names(tmp_path, name, remote_dir):
    root = tmp_path / "out" / "alice"
    board_path = (remote_dir.rstrip("/") + "/" + name) if remote_dir.strip("/") else name
    with pytest.raises(SyncError):
        safe_local_path(root, remote_dir, board_path)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(["..", ".", "a", "b.py", "", "\\", ":", "C:", "~", "\x00", "é", " "]), min_size=1, max_size=6
    ).map("/".join),
    st.sampled_from(["/", "", "/work"]),
)
def test_safe_local_path_never_leaves_the_seat_folder(tmp_path_factory, name, remote_dir):
    root = tmp_path_factory.mktemp("out") / "alice"
    base = remote_dir.strip("/")
    rel = name[len(base) + 1 :] if base and name.startswith(base + "/") else name
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." or any(c in p for c in "\\:\x00") for p in parts):
        with pytest.raises(SyncError):
            safe_local_path(root, remote_dir, name)
        return
    # A name with no climbing part, separator, drive mark or NUL must be accepted, inside the seat.
    target = safe_local_path(root, remote_dir, name)
    assert target.resolve().is_relative_to(root.resolve()), (name, target)


def test_seat_folder_guards(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    assert seat_folder(out, "alice", False, "20250101-0900") == out / "alice"
    (out / "alice").mkdir()
    assert seat_folder(out, "alice", False, "20250101-0900") == out / "alice"  # empty: reuse
    (out / "alice" / "main.py").write_text("earlier work")
    assert seat_folder(out, "alice", False, "20250101-0900") == out / "alice-20250101-0900"
    (out / "alice-20250101-0900").mkdir()
    assert seat_folder(out, "alice", False, "20250101-0900") == out / "alice-20250101-0900-2"
    assert seat_folder(out, "alice", True, "20250101-0900") == out / "alice"
    (out / "bob").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    with pytest.raises(SyncError):
        seat_folder(out, "bob", True, "x")
    for bad in ("..", "../x", "a/b", ".hidden", "C:x"):
        with pytest.raises(SyncError):
            seat_folder(out, bad, True, "x")


# -- thirty boards ------------------------------------------------------------------------------


def fleet(classroom, *args, timeout=240):
    result = boardkit("fleet", *args, "--roster", str(classroom["roster"]), timeout=timeout)
    return result


def fleet_json(classroom, *args, timeout=240):
    result = fleet(classroom, *args, "--json", timeout=timeout)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise AssertionError((result.returncode, result.stdout[-2000:], result.stderr[-2000:])) from None
    return result.returncode, report, {s["seat"]: s for s in report["seats"]}


@pytest.fixture(scope="module")
def classroom(boardkit_home, tmp_path_factory):
    """30 virtual boards at 115200 baud, a roster from `fleet scan`, two seats behind RFC 2217.

    The classroom lives in a BOARDKIT_HOME of its own: `fleet scan` must see these 30 boards
    and no others, and fleet commands must never restart the session's shared test boards.
    """
    from boardkit import virtual

    shared_home = os.environ["BOARDKIT_HOME"]
    os.environ["BOARDKIT_HOME"] = str(tmp_path_factory.mktemp("classroom-home"))
    names = [f"wasm{i}" for i in range(1, WASM + 1)] + [f"microbit{i}" for i in range(1, MICROBIT + 1)]
    servers = []
    try:
        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            boards = list(pool.map(lambda n: virtual.start(n.rstrip("0123456789"), name=n, baud=115200), names))
        start_seconds = time.monotonic() - started
        home = tmp_path_factory.mktemp("classroom")
        roster = home / "classroom.toml"
        scan = boardkit("fleet", "scan", "--virtual-only", "--roster", str(roster), "--json", timeout=120)
        assert scan.returncode == 0, scan.stderr
        scanned = json.loads(scan.stdout)
        by_board = {a["virtual"]: a["seat"] for a in scanned["added"]}
        ports = {b.name: b.port for b in boards}
        servers = [SerialServer(ports[name], rfc2217=True).__enter__() for name in BRIDGED]
        text = roster.read_text()
        for name, server in zip(BRIDGED, servers, strict=True):
            text = text.replace(f'virtual = "{name}"', f'url = "{server.url}"')
        roster.write_text(text)
        yield {
            "roster": roster,
            "home": home,
            "boards": boards,
            "seat_of": by_board,
            "scan": scanned,
            "servers": servers,
            "start_seconds": start_seconds,
        }
    finally:
        for server in servers:
            server.__exit__(None, None, None)
        virtual.stop_all()  # only this classroom's home: the session's boards live elsewhere
        os.environ["BOARDKIT_HOME"] = shared_home


def errors(report: dict) -> list:
    return [(s["seat"], s.get("error"), s.get("hint")) for s in report["seats"] if not s["ok"]]


def local_seats(classroom) -> list[str]:
    return [seat for board, seat in classroom["seat_of"].items() if board not in BRIDGED]


def bridged_seats(classroom) -> list[str]:
    return [classroom["seat_of"][b] for b in BRIDGED]


@pytest.mark.slow
def test_scan_fills_the_roster_and_labels_each_board(classroom):
    scanned = classroom["scan"]
    assert len(scanned["added"]) == WASM + MICROBIT and scanned["known"] == 0
    assert scanned["failed_labels"] == [] and scanned["unknown_type"] == [], scanned.get("label_errors")
    kinds = {a["virtual"]: a["board"] for a in scanned["added"]}
    assert kinds["wasm7"] == "virtual_wasm" and kinds["microbit3"] == "virtual_microbit"
    # the label is on the board: `boardkit info` shows it
    seat = classroom["seat_of"]["microbit3"]
    info = json.loads(boardkit("-p", "microbit3", "info", "--json").stdout)
    assert info["seat"] == seat
    # a second scan adds nothing: the bridged boards are in as URLs, and their labels say so
    again = boardkit("fleet", "scan", "--virtual-only", "--roster", str(classroom["roster"]), "--json")
    assert again.returncode == 0, again.stderr
    rescan = json.loads(again.stdout)
    assert rescan["added"] == [] and rescan["known"] == WASM + MICROBIT
    assert sorted(k["seat"] for k in rescan["labelled_known"]) == sorted(bridged_seats(classroom))


@pytest.mark.slow
def test_flash_a_kit(classroom, tmp_path):
    kit = tmp_path / "kit3"
    (kit / "lib").mkdir(parents=True)
    (kit / "lib" / "kitlib.py").write_text("def hello():\n    return 'kit3 says hi'\n")
    (kit / "main.py").write_text("print('kit3 main')\n")
    local = local_seats(classroom)
    code, report, seats = fleet_json(classroom, "flash", "--kit", str(kit), "--offline", "--only", ",".join(local))
    assert code == 0, errors(report)
    assert sorted(seats) == sorted(local)
    versions = {s["kit"]["version"] for s in seats.values()}
    assert len(versions) == 1  # the same kit version on both board types
    # every board runs the kit's library and still knows its seat
    code, report, seats = fleet_json(
        classroom, "exec", "import kitlib; print(kitlib.hello())", "--only", ",".join(local)
    )
    assert code == 0, errors(report)
    assert {s["output"] for s in seats.values()} == {"kit3 says hi\n"}
    code, report, seats = fleet_json(classroom, "status", "--only", ",".join(local))
    assert code == 0, errors(report)
    assert all(s["kit"]["name"] == "kit3" and s["label"] == name for name, s in seats.items())
    # a virtual board behind a network link cannot be flashed from here: said so, others unaffected
    code, report, seats = fleet_json(classroom, "flash", "--offline", "--only", bridged_seats(classroom)[0])
    assert code == 1 and "another computer" in report["seats"][0]["error"]


def make_lesson(root: Path, files: int = 10, size: int = 600) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        body = f"# lesson file {i}\n" + "".join(f"x{j} = {i * 1000 + j}\n" for j in range(size // 12))
        (root / f"step{i}.py").write_text(body[:size] + f"\nprint('step {i}')\n")
    return root


@pytest.mark.slow
def test_sync_a_lesson_to_thirty_boards(classroom, tmp_path):
    lesson = make_lesson(tmp_path / "lesson1")
    code, report, seats = fleet_json(classroom, "sync", str(lesson))
    assert code == 0, errors(report)
    assert len(seats) == WASM + MICROBIT
    assert all(s["sent"] == 10 and s["skipped"] == 0 for s in seats.values()), seats
    # again: nothing to send
    code, report, seats = fleet_json(classroom, "sync", str(lesson))
    assert code == 0, errors(report)
    assert all(s["sent"] == 0 and s["skipped"] == 10 for s in seats.values()), seats
    # status shows the lesson, firmware, memory; the bridged seats answer like the others
    code, report, seats = fleet_json(classroom, "status")
    assert code == 0, errors(report)
    for name, s in seats.items():
        assert s["reachable"] and s["label"] == name and s["lesson"]["name"] == "lesson1"
        assert s["version"] == ("1.9.2" if s["machine"].startswith("micro:bit") else "1.27.0")
        assert s["mem_free"] > 0
    for name in bridged_seats(classroom):
        assert seats[name]["url"].startswith("rfc2217://127.0.0.1:")


@pytest.mark.slow
def test_run_a_program_everywhere(classroom, tmp_path):
    program = tmp_path / "whoami.py"
    program.write_text("f = open('boardkit_seat.txt')\nprint('I am', f.read().strip())\nf.close()\n")
    code, report, seats = fleet_json(classroom, "run", str(program))
    assert code == 0, errors(report)
    assert {name: s["output"] for name, s in seats.items()} == {name: f"I am {name}\n" for name in seats}


@pytest.mark.slow
def test_a_failing_program_fails_only_its_seat(classroom):
    victim = classroom["seat_of"]["wasm3"]
    code, report, seats = fleet_json(
        classroom, "exec", f"f = open('boardkit_seat.txt')\nif f.read().strip() == {victim!r}: 1/0\nprint('fine')"
    )
    assert code == 1 and report["failed"] == [victim]
    assert "ZeroDivisionError" in seats[victim]["error"] and "Traceback" in seats[victim]["traceback"]
    assert all(s["output"] == "fine\n" for name, s in seats.items() if name != victim)


@pytest.mark.slow
def test_collect_brings_work_home_and_never_escapes(classroom, tmp_path):
    out = tmp_path / "out"
    code, report, _ = fleet_json(
        classroom,
        "exec",
        "f = open('boardkit_seat.txt')\ns = f.read().strip()\nf.close()\n"
        "f = open('work.py', 'w')\nf.write('# by ' + s + '\\n')\nf.close()",
    )
    assert code == 0, errors(report)
    # boards that report hostile names: the micro:bit stores '../../evil.txt' as a file name;
    # the wasm board stores backslashes and drive-letter colons in names
    mb, wasm = classroom["seat_of"]["microbit2"], classroom["seat_of"]["wasm5"]
    assert (
        fleet(classroom, "exec", "f = open('../../evil.txt', 'w')\nf.write('x')\nf.close()", "--only", mb).returncode
        == 0
    )
    assert (
        fleet(
            classroom,
            "exec",
            "for n in ('a\\\\..\\\\..\\\\evil.txt', 'C:evil.txt'):\n f = open(n, 'w')\n f.write('x')\n f.close()",
            "--only",
            wasm,
        ).returncode
        == 0
    )
    code, report, seats = fleet_json(classroom, "collect", "--out", str(out))
    assert code == 1 and sorted(report["failed"]) == sorted([mb, wasm]), [
        (s["seat"], s["error"]) for s in report["seats"] if not s["ok"]
    ]
    assert "'../../evil.txt'" in seats[mb]["error"] and seats[mb]["refused"] == ["../../evil.txt"]
    assert sorted(seats[wasm]["refused"]) == sorted(["/a\\..\\..\\evil.txt", "/C:evil.txt"])
    for name in seats:
        folder = out / name
        assert (folder / "work.py").read_text() == f"# by {name}\n"
        assert (folder / "work.py").is_file()
        assert not (folder / "boardkit_seat.txt").exists()
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(p.is_relative_to(out) for p in written), written
    assert not any("evil" in p.name for p in written), written
    # tidy the hostile files away, then collect again: a new timestamped folder, not over the old one
    fleet(classroom, "exec", "import os\nos.remove('../../evil.txt')", "--only", mb)
    fleet(
        classroom,
        "exec",
        "import os\nfor n in ('a\\\\..\\\\..\\\\evil.txt', 'C:evil.txt'): os.remove(n)",
        "--only",
        wasm,
    )
    (out / mb / "work.py").write_text("the teacher's marks")
    code, report, seats = fleet_json(classroom, "collect", "--out", str(out), "--retry-failed")
    assert code == 0 and sorted(seats) == sorted([mb, wasm]), report
    assert Path(seats[mb]["folder"]).name.startswith(f"{mb}-")
    assert (out / mb / "work.py").read_text() == "the teacher's marks"
    code, report, seats = fleet_json(classroom, "collect", "--out", str(out), "--force", "--only", mb)
    assert code == 0 and seats[mb]["folder"] == str(out / mb)
    assert (out / mb / "work.py").read_text() == f"# by {mb}\n"


@pytest.mark.slow
def test_boards_lost_mid_sync_do_not_stop_the_others(classroom, tmp_path):
    """Stop two boards and SIGKILL a third's daemon while a 40 KB lesson is on its way to them."""
    from boardkit import virtual

    lesson = make_lesson(tmp_path / "big", files=10, size=4000)
    wasm_seats = [classroom["seat_of"][f"wasm{i}"] for i in range(1, WASM + 1)]  # the bridged two included
    victims = ["wasm2", "wasm9", "wasm14"]
    proc = _start_fleet(classroom, "sync", str(lesson), "--only", ",".join(wasm_seats), "--json")
    try:
        time.sleep(1.5)
        virtual.stop("wasm2")
        virtual.stop("wasm9")
        os.kill(virtual.find("wasm14").pid, signal.SIGKILL)
        stdout, stderr = proc.communicate(timeout=240)
        report = json.loads(stdout)
        seats = {s["seat"]: s for s in report["seats"]}
        casualties = sorted(classroom["seat_of"][v] for v in victims)
        assert proc.returncode == 1, stderr
        assert sorted(report["failed"]) == casualties, report
        for name in casualties:
            assert seats[name]["error"], seats[name]
        assert all(s["ok"] and s["sent"] + s["skipped"] == 10 for n, s in seats.items() if n not in casualties)
        # the summary table names them too
        text = boardkit("fleet", "status", "--roster", str(classroom["roster"]), "--only", ",".join(casualties))
        assert text.returncode == 1
        assert all(name in text.stdout.decode() for name in casualties)
        assert "FAILED" in text.stdout.decode()
    finally:
        for name in victims:
            if virtual.find(name) is None:
                virtual.start("wasm", name=name, baud=115200)
    # back on their feet: --retry-failed sends to those three only
    code, report, seats = fleet_json(classroom, "sync", str(lesson), "--retry-failed")
    assert code == 0, errors(report)
    assert sorted(seats) == casualties


def _start_fleet(classroom, *args):
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "boardkit", "fleet", *args, "--roster", str(classroom["roster"])],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
