"""Boards on two computers, through labgrid: a real coordinator and two exporters on loopback.

Each exporter is its own labgrid-exporter process (as on two machines) serving two wasm
virtual boards' ptys; it starts Debian's ser2net for a board when its place is acquired. The
roster comes from `fleet scan --labgrid`; fleet status, sync, run and collect then work across
both exporters as on local boards. Tests run in file order: the last ones take a place away
(held by someone else) and then a whole exporter (its computer vanishes mid-command), and the
very last checks that no process of the lab is left behind.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from cli_helpers import boardkit, one_line_error
from labgrid_helpers import Coordinator, Exporter, group_members, held, hold_place, release_place
from ser2net_helpers import ser2net_path

pytestmark = [pytest.mark.labgrid, pytest.mark.wasm, pytest.mark.fleet]

EXPORTERS = {"bench-a": ["pupil1", "pupil2"], "bench-b": ["pupil3", "pupil4"]}
PLACES = [place for places in EXPORTERS.values() for place in places]


@pytest.fixture(scope="module")
def lab(boardkit_home, tmp_path_factory):
    """Four wasm boards, a coordinator, two exporters, a place per board and one without a port."""
    from boardkit import virtual

    shared_home = os.environ["BOARDKIT_HOME"]
    os.environ["BOARDKIT_HOME"] = str(tmp_path_factory.mktemp("labgrid-home"))
    work = tmp_path_factory.mktemp("labgrid")
    coordinator, exporters = Coordinator(work / "coordinator"), []
    try:
        with ThreadPoolExecutor(4) as pool:
            boards = dict(zip(PLACES, pool.map(lambda n: virtual.start("wasm", name=f"lg-{n}"), PLACES), strict=True))
        coordinator.start()
        for name, places in EXPORTERS.items():
            exporter = Exporter(coordinator, name, {p: boards[p].port for p in places}, work / name)
            exporters.append(exporter)
            exporter.start()
            for place in places:
                coordinator.add_place(place, f"{name}/{place}/NetworkSerialPort")
        coordinator.add_place("bare")  # a place nobody has given a board yet
        yield {"coordinator": coordinator, "exporters": exporters, "boards": boards, "work": work}
    finally:
        for exporter in exporters:
            exporter.stop()
        coordinator.stop()
        virtual.stop_all()  # only this module's home: the session's boards live elsewhere
        os.environ["BOARDKIT_HOME"] = shared_home


def fleet_json(lab, *args, timeout=120):
    result = boardkit("fleet", *args, "--roster", str(lab["work"] / "classroom.toml"), "--json", timeout=timeout)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise AssertionError((result.returncode, result.stdout[-2000:], result.stderr[-2000:])) from None
    return result.returncode, report, {s["seat"]: s for s in report["seats"]}


def errors(report: dict) -> list:
    return [(s["seat"], s.get("error"), s.get("hint")) for s in report["seats"] if not s["ok"]]


def test_exporters_serve_ports_with_debian_ser2net(lab):
    """What the exporters run for a place's port is Debian's ser2net (the package `make test` installs)."""
    result = boardkit("--coordinator", lab["coordinator"].address, "-p", "labgrid://pupil3", "exec", "print(7 * 6)")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"42\n"
    commands = lab["exporters"][1].ser2net_commands()
    assert commands and all(c.split()[0] == ser2net_path() for c in commands), commands
    owner = subprocess.run(["dpkg", "-S", ser2net_path()], capture_output=True, text=True)
    assert owner.stdout.startswith("ser2net: "), owner  # Debian's package
    assert held(lab["coordinator"]) == {}  # acquired for the command, released after it


def test_scan_fills_the_roster_from_the_places(lab):
    coordinator = lab["coordinator"].address
    roster = lab["work"] / "classroom.toml"
    scan = boardkit(
        "--coordinator", coordinator, "fleet", "scan", "--labgrid", "--board", "virtual_wasm", "--roster", str(roster)
    )
    assert scan.returncode == 0, scan.stderr
    assert "labgrid place 'bare' has no serial port: not added" in scan.stderr.decode()
    text = roster.read_text()
    for place in PLACES:
        assert f'[seats.{place}]\nboard = "virtual_wasm"\nurl = "labgrid://{place}?coordinator={coordinator}"' in text
    # every board was labelled with its seat, through its place
    with_labels = boardkit("fleet", "status", "--roster", str(roster), "--json")
    seats = {s["seat"]: s for s in json.loads(with_labels.stdout)["seats"]}
    assert {name: s["label"] for name, s in seats.items()} == {p: p for p in PLACES}, with_labels.stderr
    # scanning again adds nothing; --match picks places by name
    again = boardkit("--coordinator", coordinator, "fleet", "scan", "--labgrid", "--roster", str(roster), "--json")
    assert json.loads(again.stdout)["added"] == [], again.stderr
    some = lab["work"] / "some.toml"
    matched = boardkit(
        "--coordinator", coordinator, "fleet", "scan", "--labgrid", "--match", "pupil[13]", "--no-label",
        "--board", "virtual_wasm", "--roster", str(some), "--json",
    )  # fmt: skip
    assert [a["seat"] for a in json.loads(matched.stdout)["added"]] == ["pupil1", "pupil3"], matched.stderr
    assert held(lab["coordinator"]) == {}


def test_status_sync_run_collect_across_two_exporters(lab, tmp_path):
    lesson = tmp_path / "lesson1"
    lesson.mkdir()
    for i in range(3):
        (lesson / f"step{i}.py").write_text(f"# step {i}\n" + "x = 1  # lesson code\n" * 40)
    code, report, seats = fleet_json(lab, "sync", str(lesson))
    assert code == 0, errors(report)
    assert {name: (s["sent"], s["skipped"]) for name, s in seats.items()} == {p: (3, 0) for p in PLACES}
    # the files are on the boards themselves (checked through their local ptys)
    listing = boardkit("-p", lab["boards"]["pupil4"].port, "ls")
    assert all(f"step{i}.py".encode() in listing.stdout for i in range(3)), listing.stderr

    code, report, seats = fleet_json(lab, "status")
    assert code == 0, errors(report)
    assert all(s["reachable"] and s["lesson"]["name"] == "lesson1" for s in seats.values()), seats

    program = tmp_path / "whoami.py"
    program.write_text(
        "f = open('boardkit_seat.txt')\ns = f.read().strip()\nf.close()\nprint('I am', s)\n"
        "f = open('work.py', 'w')\nf.write('# by ' + s + '\\n')\nf.close()\n"
    )
    code, report, seats = fleet_json(lab, "run", str(program))
    assert code == 0, errors(report)
    assert {name: s["output"] for name, s in seats.items()} == {p: f"I am {p}\n" for p in PLACES}

    out = tmp_path / "out"
    code, report, seats = fleet_json(lab, "collect", "--out", str(out))
    assert code == 0, errors(report)
    for place in PLACES:
        assert (out / place / "work.py").read_text() == f"# by {place}\n"
    assert held(lab["coordinator"]) == {}  # every place acquired by a command was released


def test_a_place_this_user_holds_is_used_and_kept(lab):
    coordinator = lab["coordinator"]
    hold_place(coordinator, "pupil2")  # `labgrid-client acquire` for a lesson's worth of commands
    try:
        env = {"LG_COORDINATOR": coordinator.address}
        result = boardkit("-p", "labgrid://pupil2", "exec", "print('held')", env=env)
        assert result.returncode == 0 and result.stdout == b"held\n", result.stderr
        assert held(coordinator) == {"pupil2": coordinator.client().user}  # still ours
    finally:
        release_place(coordinator, "pupil2")


def test_one_line_for_each_thing_that_can_be_wrong(lab):
    address = lab["coordinator"].address
    line = one_line_error(boardkit("--coordinator", address, "-p", "labgrid://pupil9", "ls"))
    assert "labgrid place 'pupil9' does not exist" in line and "did you mean" in line
    line = one_line_error(boardkit("--coordinator", address, "-p", "labgrid://bare", "ls"))
    assert "labgrid place 'bare' has no serial port" in line and "add-match" in line
    line = one_line_error(boardkit("-p", "labgrid://pupil1?coordinator=127.0.0.1:1", "ls"))
    assert "cannot reach the labgrid coordinator at 127.0.0.1:1" in line
    # a coordinator that takes the connection and never answers: a bounded wait
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        port = listener.getsockname()[1]
        started = time.monotonic()
        result = boardkit("-p", f"labgrid://pupil1?coordinator=127.0.0.1:{port}&timeout=2", "ls", timeout=30)
        line = one_line_error(result)
        assert f"the labgrid coordinator at 127.0.0.1:{port} did not answer within 2 s" in line
        assert time.monotonic() - started < 25  # bounded, not the test's own time-out
    finally:
        listener.close()
        for conn, _ in accepted:
            conn.close()
    assert held(lab["coordinator"]) == {}


def test_a_place_held_by_someone_else_is_reported_and_skipped(lab):
    coordinator = lab["coordinator"]
    hold_place(coordinator, "pupil3", user="teacher")
    try:
        code, report, seats = fleet_json(lab, "status")
        assert code == 1 and report["failed"] == ["pupil3"], errors(report)
        assert "labgrid place 'pupil3' is in use by elsewhere/teacher" in seats["pupil3"]["error"]
        assert all(seats[p]["reachable"] for p in ("pupil1", "pupil2", "pupil4"))
        assert held(coordinator) == {"pupil3": "elsewhere/teacher"}  # left as it was
        coordinator.client().release("pupil3")  # boardkit's release only ever lets go of its own
        assert held(coordinator) == {"pupil3": "elsewhere/teacher"}
    finally:
        release_place(coordinator, "pupil3", user="teacher")


def test_an_exporter_stopped_midway_fails_only_its_seats(lab, tmp_path):
    coordinator, bench_b = lab["coordinator"], lab["exporters"][1]
    program = tmp_path / "slow.py"
    program.write_text("import time\nprint('begun')\ntime.sleep(6)\nprint('done')\n")
    outcome = {}
    running = threading.Thread(target=lambda: outcome.update(result=fleet_json(lab, "run", str(program))))
    running.start()
    deadline = time.monotonic() + 60
    while len(held(coordinator)) < len(PLACES) and time.monotonic() < deadline:
        time.sleep(0.1)  # every seat has its place: the programs are starting
    time.sleep(1.5)
    bench_b.kill()  # bench-b's computer vanishes, ser2net and all
    running.join(120)
    code, report, seats = outcome["result"]
    assert code == 1 and sorted(report["failed"]) == ["pupil3", "pupil4"], errors(report)
    assert all(seats[p]["output"] == "begun\ndone\n" for p in ("pupil1", "pupil2")), seats
    for place in ("pupil3", "pupil4"):
        error = seats[place]["error"]
        assert "\n" not in error and f"labgrid place {place!r}" in error, seats[place]
    # afterwards: its places are named as unserved, the other exporter's seats work on
    code, report, seats = fleet_json(lab, "status")
    assert code == 1 and sorted(report["failed"]) == ["pupil3", "pupil4"], errors(report)
    assert "no exporter offers its board now" in seats["pupil3"]["error"], seats["pupil3"]
    assert "bench-b" in seats["pupil3"]["hint"]
    assert seats["pupil1"]["reachable"] and seats["pupil2"]["reachable"]
    assert not set(held(coordinator)) & {"pupil1", "pupil2"}


def test_nothing_of_the_lab_is_left_running(lab):
    for exporter in lab["exporters"]:
        exporter.stop()
        assert group_members(exporter.pid) == [], exporter.log()[-2000:]
    lab["coordinator"].stop()
    assert group_members(lab["coordinator"].pid) == []
