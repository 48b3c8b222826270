"""The teacher's view with five virtual boards: tiles, push a lesson, run, collect, stop, and
a board that goes away in the middle of a run failing alone (boardkit.fleet's isolation)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from studio_helpers import chromium, open_page, studio_server, wait

pytestmark = [pytest.mark.studio, pytest.mark.fleet]
SEATS = {f"seat{i}": f"studio-wasm{i}" for i in range(1, 6)}


@pytest.fixture(scope="module")
def boards(boardkit_home):
    from boardkit import virtual

    with ThreadPoolExecutor(5) as pool:
        started = list(pool.map(lambda name: virtual.start("wasm", name=name), SEATS.values()))
    yield started
    for board in started:
        if virtual.find(board.name):
            virtual.stop(board.name)


@pytest.fixture(scope="module")
def teacher(boards, tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    roster = folder / "classroom.toml"
    roster.write_text(
        '[class]\nname = "5A"\n\n'
        + "".join(
            f'[seats.{s}]\nboard = "virtual_wasm"\nvirtual = "{b}"\npupil = "P{s[-1]}"\n\n' for s, b in SEATS.items()
        )
    )
    with studio_server(roster) as server, chromium() as browser:
        page = open_page(browser, server.links().teacher)
        wait(page, "Object.keys(studio.seats || {}).length === 5")
        # the status look at start-up fills in reachability
        wait(page, "Object.values(studio.seats).every(s => s.reachable === true)", timeout=60)
        yield {"page": page, "server": server, "folder": folder}


def act(page, button: str, op: str, timeout: float = 90) -> dict:
    page.click(button)
    return ended(page, op, timeout)


def ended(page, op: str, timeout: float = 90) -> dict:
    """The next end of `op` the page heard of (each end is taken once)."""
    found = wait(page, f"studio.teacherOps.findIndex(m => m.op === '{op}') + 1", timeout)
    return page.evaluate(f"studio.teacherOps.splice({int(found) - 1}, 1)[0]")


def test_tiles_show_every_seat(teacher):
    page = teacher["page"]
    assert page.locator(".tile").count() == 5
    assert "P3" in page.locator('.tile[data-seat="seat3"]').inner_text()


def test_push_run_and_collect_on_every_seat(teacher, tmp_path):
    page = teacher["page"]
    lesson = tmp_path / "lesson1"
    lesson.mkdir()
    (lesson / "main.py").write_text('print("lesson one")\n')
    (lesson / "helper.py").write_text("ANSWER = 42\n")
    page.fill("#lesson", str(lesson))
    pushed = act(page, "#t-push", "push")
    assert pushed["failed"] == []
    wait(page, "Object.values(studio.seats).every(s => s.lesson === 'lesson1')")
    page.evaluate("studio.setCode('import helper\\nprint(\"answer\", helper.ANSWER)\\n')")
    ran = act(page, "#t-run", "run")
    assert ran["failed"] == []
    assert all(s["output"].strip() == "answer 42" for s in ran["report"]["seats"])
    assert "answer 42" in page.locator('.tile[data-seat="seat2"]').inner_text()
    out = tmp_path / "collected"
    page.fill("#collect-dir", str(out))
    collected = act(page, "#t-collect", "collect")
    assert collected["failed"] == []
    for seat in SEATS:
        assert (out / seat / "main.py").read_text() == 'print("lesson one")\n'
        assert (out / seat / "helper.py").read_text() == "ANSWER = 42\n"


def test_stop_all_ends_a_run_on_every_board(teacher):
    page = teacher["page"]
    # (time.sleep: the wasm board sees a Ctrl-C when the program calls out of the interpreter)
    page.evaluate("studio.setCode('import time\\nprint(\"forever\")\\nwhile True:\\n    time.sleep(0.01)\\n')")
    page.click("#t-run")
    wait(page, "Object.values(studio.seats).every(s => (s.text || '').includes('forever'))", timeout=60)
    stopped = act(page, "#t-stop", "stop")
    assert stopped["failed"] == []
    ran = ended(page, "run", 60)
    assert sorted(ran["failed"]) == sorted(SEATS)  # each run ended by KeyboardInterrupt
    assert all("KeyboardInterrupt" in s["error"] for s in ran["report"]["seats"])


def test_a_board_that_goes_away_mid_run_fails_alone(teacher):
    from boardkit import virtual

    page = teacher["page"]
    page.evaluate(
        "studio.setCode('import time\\nfor i in range(30):\\n    print(\"tick\", i)\\n    time.sleep(0.1)\\n')"
    )
    page.click("#t-run")
    wait(page, "(studio.seats.seat4.text || '').includes('tick')", timeout=60)
    threading.Thread(target=virtual.stop, args=(SEATS["seat4"],)).start()
    ran = ended(page, "run", 90)
    assert ran["failed"] == ["seat4"]
    ok = [s for s in ran["report"]["seats"] if s["ok"]]
    assert len(ok) == 4 and all("tick 29" in s["output"] for s in ok)
    assert "failed" in page.locator('.tile[data-seat="seat4"]').get_attribute("class")
    time.sleep(0.1)
