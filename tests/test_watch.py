"""`boardkit watch`: sync on every save, re-run, stream the output; against real MicroPython.

Each test runs the real command in a subprocess with --json and edits files as a user's
editor would; every wait is bounded, nothing is timed. Each test syncs into its own folder
on the shared wasm board, so the board's top folder stays as other tests expect it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from boardkit import api
from cli_helpers import boardkit, one_line_error
from pty_helpers import TerminalScreen
from watch_helpers import WatchProcess, save

pytestmark = pytest.mark.wasm


@pytest.fixture(scope="module", autouse=True)
def leave_the_shared_board_clean(wasm_board) -> Iterator[None]:
    """The session's wasm board is shared: the /w_* folders these tests sync into go afterwards
    (a later `sync --delete` of the top folder would otherwise count them)."""
    yield
    with api.connect(wasm_board.port) as device:
        for entry in device.listdir("/"):
            if entry.is_dir and entry.name.startswith("w_"):
                device.remove(entry.path, recursive=True)


def project(root: Path, **files: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name.replace("__", "/")).parent.mkdir(parents=True, exist_ok=True)
        (root / name.replace("__", "/")).write_text(text)
    return root


LOOPING_MAIN = "import helper, time\nprint('x', helper.X)\nwhile True:\n    time.sleep(0.05)\n"


def test_a_save_syncs_the_file_and_reruns_the_program(wasm_board, tmp_path):
    folder = project(tmp_path / "p", main_py=LOOPING_MAIN, helper_py="X = 1\n")
    (folder / "main_py").rename(folder / "main.py")
    (folder / "helper_py").rename(folder / "helper.py")
    with WatchProcess(wasm_board.name, folder, "/w_save") as watch:
        ready = watch.event("watching")
        assert ready["program"] == "main.py" and ready["remote_dir"] == "/w_save"
        first = watch.event("synced")
        assert first["files"] == ["helper.py", "main.py"]
        watch.output("x 1")
        save(folder / "helper.py", "X = 2\n")
        # the looping program is stopped for the save, only helper.py goes, the new value shows
        watch.event("stopped", reason="save")
        assert watch.event("changed")["paths"] == ["helper.py"]  # not the editor's temporary file
        synced = watch.event("synced")
        assert synced["files"] == ["helper.py"] and synced["sent"] == 1
        watch.event("started", run=2)
        watch.output("x 2")  # the edited module is imported again: the board was soft-reset
    listing = boardkit("-p", wasm_board.name, "exec", "import os; print(sorted(os.listdir('/w_save')))")
    assert listing.stdout.decode().strip() == "['helper.py', 'main.py']"


def test_a_burst_of_saves_is_one_sync_and_editor_files_are_left_out(wasm_board, tmp_path):
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("print('v', 0)\n")
    with WatchProcess(wasm_board.name, folder, "/w_burst", "--debounce", "0.5") as watch:
        watch.output("v 0")
        watch.event("finished")
        # what vim, emacs and a JetBrains editor leave beside a file while saving it
        for name in (".main.py.swp", "4913", "main.py~", ".#main.py", "#main.py#", "notes.kate-swp"):
            (folder / name).write_text("editor's own file\n")
        for n in range(1, 11):  # ten saves in a row, as fast as they go
            save(folder / "main.py", f"print('v', {n})\n")
        synced = watch.event("synced")
        assert synced["files"] == ["main.py"]
        watch.output("v 10")
        watch.event("finished")
        later = watch.since(synced)
        assert not [e for e in later if e["event"] in ("synced", "changed")], later
        changes = [e for e in watch.seen if e["event"] == "changed"]
        assert len(changes) == 1 and not any("4913" in p or p.endswith("~") for p in changes[0]["paths"])
        watch.interrupt()
    on_board = boardkit("-p", wasm_board.name, "exec", "import os; print(sorted(os.listdir('/w_burst')))")
    assert on_board.stdout.decode().strip() == "['main.py']"


def test_a_syntax_error_is_reported_then_fixed_and_a_deleted_file_goes(wasm_board, tmp_path):
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("import extra\nprint('ok', extra.N)\n")
    (folder / "extra.py").write_text("N = 1\n")
    (folder / "old.py").write_text("gone = True\n")
    with WatchProcess(wasm_board.name, folder, "/w_fix") as watch:
        watch.output("ok 1")
        save(folder / "extra.py", "N = (\n")
        raised = watch.event("raised")
        assert "SyntaxError" in raised["error"] and 'extra.py", line 2' in raised["traceback"]
        save(folder / "extra.py", "N = 3\n")
        watch.output("ok 3")
        (folder / "old.py").unlink()
        synced = watch.event("synced")
        assert synced["deleted"] == 1 and synced["files"] == ["old.py"]
        watch.event("finished")
        result = watch.interrupt()
        assert result.returncode == 130
    on_board = boardkit("-p", wasm_board.name, "exec", "import os; print(sorted(os.listdir('/w_fix')))")
    assert on_board.stdout.decode().strip() == "['extra.py', 'main.py']"


def test_a_sync_error_is_one_event_and_the_watch_goes_on(wasm_board, tmp_path):
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("print('run')\n")
    with WatchProcess(wasm_board.name, folder, "/w_err") as watch:
        watch.output("run")
        os.mkfifo(folder / "pipe.py")  # a FIFO where a file should be: reading it would wait for ever
        error = watch.event("error", stage="sync")
        assert "named pipe" in error["error"] and error["hint"]
        (folder / "pipe.py").unlink()
        save(folder / "main.py", "print('run again')\n")
        watch.output("run again")


def test_ctrl_c_stops_the_program_and_leaves_the_board_usable(wasm_board, tmp_path):
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("import time\nprint('looping')\nwhile True:\n    time.sleep(0.05)\n")
    with WatchProcess(wasm_board.name, folder, "/w_stop") as watch:
        watch.output("looping")
        result = watch.interrupt()
        assert result.returncode == 130
        assert result.stderr.decode().strip() == "boardkit: interrupted"
        assert watch.seen[-1] == {"event": "stopped", "program": "main.py", "reason": "stop"}
    assert boardkit("-p", wasm_board.name, "exec", "print('free')").stdout == b"free\n"


def test_run_names_the_program_and_no_run_only_syncs(wasm_board, tmp_path):
    folder = project(tmp_path / "p")
    (folder / "demo.py").write_text("print('demo')\n")
    (folder / "lib").mkdir()
    (folder / "lib" / "util.py").write_text("V = 1\n")
    with WatchProcess(wasm_board.name, folder, "/w_run", "--run", str(folder / "demo.py")) as watch:
        assert watch.event("watching")["program"] == "demo.py"
        watch.output("demo")
    with WatchProcess(wasm_board.name, folder, "/w_run") as watch:  # no main.py: sync only
        assert watch.event("watching")["program"] is None
        watch.event("synced")
        (folder / "lib" / "more").mkdir()
        save(folder / "lib" / "more" / "deep.py", "D = 1\n")  # a new folder on the board too
        assert watch.event("synced")["files"] == ["lib/more/deep.py"]
        watch.interrupt()
        assert not [e for e in watch.seen if e["event"] == "started"]
    check = boardkit("-p", wasm_board.name, "exec", "import os; print(os.listdir('/w_run/lib/more'))")
    assert check.stdout.decode().strip() == "['deep.py']"


def test_bad_command_lines_are_one_line_before_any_board(tmp_path):
    folder = project(tmp_path / "p")
    (tmp_path / "outside.py").write_text("print(1)\n")
    cases = [
        (["watch", str(tmp_path / "missing")], "no such folder"),
        (["watch", str(folder), "--run", "nope.py"], "no such program"),
        (["watch", str(folder), "--run", str(tmp_path / "outside.py")], "outside"),
        (["watch", str(folder), "--run", "x.py", "--no-run"], "exclude each other"),
        (["watch", str(folder), "--exclude", "[z-a]"], "not a valid pattern"),
    ]
    for args, words in cases:
        result = boardkit("-p", "socket://127.0.0.1:9", *args, timeout=30)
        assert words in one_line_error(result), (args, result.stderr)
        assert result.returncode == 2


def test_a_full_board_and_a_board_going_away(boardkit_home, tmp_path):
    """A file the board has no room for is one error event and the watch goes on; a board that
    goes away (stopped here, like an unplugged cable) is reported and waited for; once it is
    back the watch syncs it and runs again. Given up on after --board-wait."""
    from boardkit import virtual

    board = virtual.start("wasm", name="watch-lost", flash_size="64K")
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("print('up')\n")
    try:
        with WatchProcess(board.name, folder, "/w", "--board-wait", "30") as watch:
            watch.output("up")
            watch.event("finished")
            (folder / "big.txt").write_bytes(b"x" * 100_000)
            error = watch.event("error", stage="sync")
            assert "big.txt" in error["error"] and "free" in error["error"], error
            (folder / "big.txt").unlink()
            watch.output("up")  # the next save syncs (nothing left to send) and runs again
            watch.event("finished")
            virtual.stop(board.name)
            save(folder / "main.py", "print('up again')\n")
            lost = watch.event("board-lost")
            assert lost["wait"] == 30
            virtual.start("wasm", name="watch-lost", flash_size="64K")
            watch.event("board-back")
            watch.output("up again")
            assert watch.interrupt().returncode == 130
        with WatchProcess(board.name, folder, "/w", "--board-wait", "1") as watch:
            watch.output("up again")
            watch.event("finished")
            virtual.stop(board.name)
            save(folder / "main.py", "print('never')\n")
            watch.event("board-lost")
            result = watch.finish(timeout=60)
            assert result.returncode == 2
            assert "did not come back within 1 s" in one_line_error(result)
    finally:
        if virtual.find("watch-lost"):
            virtual.stop("watch-lost")


@pytest.mark.microbit
def test_watch_on_the_microbit(microbit_board, tmp_path):
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("import wlib\nprint('mb', wlib.N)\n")
    (folder / "wlib.py").write_text("N = 1\n")
    try:
        with WatchProcess(microbit_board.name, folder, timeout=30) as watch:
            watch.output("mb 1", timeout=120)
            save(folder / "wlib.py", "N = 2\n")
            watch.output("mb 2", timeout=120)
            (folder / "sub").mkdir()  # the micro:bit's filesystem is flat: said, and the watch goes on
            save(folder / "sub" / "x.py", "X = 1\n")
            assert "flat filesystem" in watch.event("error", stage="sync", timeout=120)["error"]
            shutil.rmtree(folder / "sub")
            save(folder / "wlib.py", "N = 3\n")
            watch.output("mb 3", timeout=120)
            assert watch.interrupt(timeout=60).returncode == 130
    finally:
        boardkit("-p", microbit_board.name, "rm", "main.py", "wlib.py", timeout=120)
    shutil.rmtree(folder)


def test_without_json_the_output_is_plain_and_the_watch_speaks_in_lines(wasm_board, tmp_path):
    """What a user sees: the program's output on stdout as it prints it, `boardkit:` lines on stderr."""
    import signal
    import subprocess
    import sys
    import threading

    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("print('first')\n")
    proc = subprocess.Popen(
        [sys.executable, "-m", "boardkit", "-p", wasm_board.name, "watch", str(folder), "/w_plain"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: list[bytes] = []
    seen = {b"first\n": threading.Event(), b"second\n": threading.Event()}

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if line in seen:
                seen[line].set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert seen[b"first\n"].wait(60), lines
        save(folder / "main.py", "print('second')\n")
        assert seen[b"second\n"].wait(60), lines
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert lines == [b"first\n", b"second\n"]
    said = err.decode().splitlines()
    assert said[0].startswith("boardkit: watching ") and "then run main.py" in said[0]
    assert "boardkit: synced main.py (16 bytes" in said[-3]
    assert said[-2].startswith("boardkit: main.py finished (")
    assert said[-1] == "boardkit: interrupted" and proc.returncode == 130


def test_at_a_terminal_keys_reach_input_and_ctrl_c_stops(wasm_board, tmp_path):
    """With a terminal, what is typed goes to the program's input(); the Ctrl-C key (the
    terminal turns it into SIGINT) stops the watch, and the terminal is given back as it was."""
    import pty
    import sys
    import termios
    import time

    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("name = input('name? ')\nprint('hello', name)\n")
    pid, fd = pty.fork()
    if pid == 0:  # the child: boardkit, its stdin/stdout/stderr the pty
        os.execv(
            sys.executable, [sys.executable, "-m", "boardkit", "-p", wasm_board.name, "watch", str(folder), "/w_tty"]
        )
    screen = TerminalScreen(fd)

    status = None
    try:
        assert screen.wait_for(b"name? "), screen.seen
        os.write(fd, b"ada\r")
        assert screen.wait_for(b"hello ada"), screen.seen
        assert screen.wait_for(b"main.py finished"), screen.seen
        os.write(fd, b"\x03")
        assert screen.wait_for(b"boardkit: interrupted"), screen.seen
        for _ in range(300):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        lflag = termios.tcgetattr(fd)[3]  # echo and line mode are back
        assert lflag & (termios.ECHO | termios.ICANON) == termios.ECHO | termios.ICANON
    finally:
        if status is None:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    assert status is not None and os.waitstatus_to_exitcode(status) == 130, screen.seen


def test_watch_over_webrepl(boardkit_home, tmp_path):
    """A board reached over Wi-Fi (WebREPL, an ESP32's way): the same cycle, through its link."""
    from boardkit import virtual

    board = virtual.start("wasm", name="watch-web", webrepl_port=0, webrepl_password="watch-pw")
    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("import conf\nprint('over wifi', conf.N)\n")
    (folder / "conf.py").write_text("N = 1\n")
    try:
        url = f"ws://127.0.0.1:{board.webrepl_port}"
        with WatchProcess(url, folder, options=("--password-env", "WATCH_PW"), env={"WATCH_PW": "watch-pw"}) as watch:
            assert watch.event("watching")["board"] == url
            watch.output("over wifi 1")
            save(folder / "conf.py", "N = 2\n")
            assert watch.event("synced")["files"] == ["conf.py"]
            watch.output("over wifi 2")
            assert watch.interrupt().returncode == 130
    finally:
        virtual.stop(board.name)


def test_the_library_reports_through_callbacks_and_stops_on_the_event(wasm_board, tmp_path, capfd):
    """api.watch in this process: events and output come to the callbacks (nothing is printed),
    setting `stop` ends it with the program interrupted, and the session is usable after."""
    import threading

    from boardkit import api

    folder = project(tmp_path / "p")
    (folder / "main.py").write_text("import time\nprint('lib')\nwhile True:\n    time.sleep(0.05)\n")
    events: list[api.WatchEvent] = []
    output = bytearray()
    stop = threading.Event()
    printed = threading.Event()

    def on_output(data: bytes) -> None:
        output.extend(data)
        if b"lib\r\n" in output:
            printed.set()

    with api.connect(wasm_board.name) as device:
        result: list[api.WatchSummary] = []
        thread = threading.Thread(
            target=lambda: result.append(
                api.watch(
                    device,
                    folder,
                    "/w_lib",
                    run=folder / "main.py",
                    on_event=events.append,
                    on_output=on_output,
                    stop=stop,
                )
            ),
            daemon=True,
        )
        thread.start()
        assert printed.wait(60), (events, bytes(output))
        stop.set()
        thread.join(timeout=30)
        assert not thread.is_alive() and result, events
        assert result[0].runs == 1 and result[0].syncs == 1 and result[0].errors == 0
        assert [e.kind for e in events] == ["watching", "synced", "started", "stopped"]
        assert events[-1].data["reason"] == "stop"
        assert api.exec_code(device, "print(6 * 7)").text == "42\n"
    assert capfd.readouterr() == ("", "")
