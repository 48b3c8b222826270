"""Every command of the foundation, end to end, against both virtual boards (real MicroPython)."""

from __future__ import annotations

import json

import pytest

from cli_helpers import boardkit, one_line_error

BOARDS = [
    pytest.param("wasm_board", marks=pytest.mark.wasm),
    pytest.param("microbit_board", marks=pytest.mark.microbit),
]


@pytest.fixture(params=BOARDS)
def board(request):
    return request.getfixturevalue(request.param)


def bk(board, *args, **kw):
    return boardkit("-p", board.name, *args, **kw)


def test_exec_prints_output(board):
    result = bk(board, "exec", "print(6 * 7)")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"42\n"


def test_exec_that_raises_exits_nonzero_with_the_traceback(board):
    result = bk(board, "exec", "raise ValueError('nope')")
    assert result.returncode == 1
    assert b"ValueError: nope" in result.stderr


def test_run_streams_a_local_file(board, tmp_path):
    program = tmp_path / "count.py"
    program.write_text("for i in range(3):\n    print('line', i)\n")
    result = bk(board, "run", str(program))
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"line 0\nline 1\nline 2\n"


def test_run_missing_file_is_one_line(board):
    line = one_line_error(bk(board, "run", "no_such_program.py"))
    assert "no such file" in line


def test_an_empty_program_runs_and_nothing_resets(board):
    # In the raw REPL, Ctrl-D after nothing means "soft reset": an empty main.py must not do that.
    assert bk(board, "exec", "x_kept = 41").returncode == 0
    for args, stdin in ((("exec", ""), None), (("run", "-"), b""), (("run", "-"), b"   \n")):
        result = bk(board, *args, input=stdin, timeout=30)
        assert result.returncode == 0 and result.stdout == b"", result.stderr
    assert bk(board, "exec", "print(x_kept + 1)").stdout == b"42\n"


def test_run_reads_the_program_from_stdin(board):
    result = bk(board, "run", "-", input=b"for i in range(2):\n    print('line', i)\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"line 0\nline 1\n"


def test_cp_copies_either_way_with_the_board_side_marked(board, tmp_path):
    local = tmp_path / "cp_me.py"
    local.write_bytes(b"X = 'copied'\n")
    assert bk(board, "cp", str(local), ":").returncode == 0
    back = tmp_path / "back"
    back.mkdir()
    assert bk(board, "cp", ":cp_me.py", str(back)).returncode == 0
    assert (back / "cp_me.py").read_bytes() == local.read_bytes()
    assert "exactly one side" in one_line_error(bk(board, "cp", str(local), str(back)))
    assert bk(board, "rm", "cp_me.py").returncode == 0


def test_info_json_describes_the_board(board):
    result = bk(board, "info", "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["implementation"] == "micropython"
    if board.kind == "microbit":
        assert info["version"] == "1.9.2"
        assert "stat" not in info["os_calls"] and info["has_folders"] is False
        assert 4000 < info["mem_free"] < 16 * 1024
    else:
        assert info["version"].startswith("1.27")
        assert "stat" in info["os_calls"] and info["has_folders"] is True


def test_put_ls_cat_get_rm_round_trip(board, tmp_path):
    payload = bytes(range(256)) * 3 + "é ünïcode\n".encode()
    local = tmp_path / "blob.bin"
    local.write_bytes(payload)
    assert bk(board, "put", str(local), "blob.bin").returncode == 0

    listing = json.loads(bk(board, "ls", "--json").stdout)
    sizes = {e["name"]: e["size"] for e in listing}
    assert sizes["blob.bin"] == len(payload)

    assert bk(board, "cat", "blob.bin").stdout == payload
    out = tmp_path / "back.bin"
    result = bk(board, "get", "blob.bin", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == payload

    assert bk(board, "rm", "blob.bin").returncode == 0
    assert "blob.bin" not in bk(board, "ls").stdout.decode()


def test_put_replaces_an_existing_file(board, tmp_path):
    local = tmp_path / "main.py"
    local.write_text("print('old')\n")
    assert bk(board, "put", str(local)).returncode == 0
    local.write_text("print('new')\n")
    assert bk(board, "put", str(local)).returncode == 0
    assert bk(board, "cat", "main.py").stdout == b"print('new')\n"
    names = [e["name"] for e in json.loads(bk(board, "ls", "--json").stdout)]
    assert not any(n.endswith(".bktmp") for n in names)
    bk(board, "rm", "main.py")


def test_missing_files_on_either_side_are_one_line(board, tmp_path):
    assert "no such file" in one_line_error(bk(board, "cat", "ghost.py"))
    assert "no such file" in one_line_error(bk(board, "get", "ghost.py", str(tmp_path / "g.py")))
    assert "no such file" in one_line_error(bk(board, "rm", "ghost.py"))
    assert "no such file" in one_line_error(bk(board, "put", str(tmp_path / "ghost.py")))
    assert not (tmp_path / "g.py").exists()


@pytest.mark.microbit
def test_microbit_refuses_folders_clearly(microbit_board, tmp_path):
    line = one_line_error(boardkit("-p", microbit_board.name, "mkdir", "lib"))
    assert "flat filesystem" in line
    local = tmp_path / "x.py"
    local.write_text("x = 1\n")
    assert "flat filesystem" in one_line_error(boardkit("-p", microbit_board.name, "put", str(local), "lib/x.py"))
    assert "too long" in one_line_error(boardkit("-p", microbit_board.name, "put", str(local), "n" * 130 + ".py"))


@pytest.fixture
def tight_microbit():
    """A micro:bit whose flash holds an old a.py (967 B) and leaves about 6 KB free: room for
    a 5 KB file once, not twice (its 1.0.1 firmware cannot rename, so boardkit copies)."""
    from boardkit import virtual

    board = virtual.start("microbit", name="mb-tight", files={"a.py": OLD_A, "fill": b"z" * 7800})
    yield board
    virtual.stop(board.name)


OLD_A = b"# old\n" + b"x=1\n" * 240
NEW_A = b"# new\n" + b"y=2\n" * 1240


@pytest.mark.microbit
def test_a_file_too_big_to_copy_beside_the_old_one_keeps_the_old(tight_microbit, tmp_path):
    new = tmp_path / "a.py"
    new.write_bytes(NEW_A)
    line = one_line_error(boardkit("-p", tight_microbit.name, "put", str(new), "a.py"))
    assert "no room for the new file beside the old one" in line and "the old a.py is kept" in line
    assert boardkit("-p", tight_microbit.name, "cat", "a.py").stdout == OLD_A
    listing = boardkit("-p", tight_microbit.name, "ls", "--json")
    assert sorted(entry["name"] for entry in json.loads(listing.stdout)) == ["a.py", "fill"]


@pytest.mark.microbit
def test_a_new_file_that_fits_once_is_written_in_place(tight_microbit, tmp_path):
    assert boardkit("-p", tight_microbit.name, "rm", "a.py").returncode == 0
    new = tmp_path / "b.py"
    new.write_bytes(NEW_A)
    put = boardkit("-p", tight_microbit.name, "put", str(new), "b.py")
    assert put.returncode == 0, put.stderr
    assert boardkit("-p", tight_microbit.name, "cat", "b.py").stdout == NEW_A


@pytest.mark.wasm
def test_folders_on_the_wasm_board(wasm_board, tmp_path):
    b = wasm_board.name
    assert boardkit("-p", b, "mkdir", "/pkg").returncode == 0
    local = tmp_path / "mod.py"
    local.write_text("VALUE = 5\n")
    assert boardkit("-p", b, "put", str(local), "/pkg/").returncode == 0
    listing = json.loads(boardkit("-p", b, "ls", "/", "--json").stdout)
    assert {"name": "pkg", "path": "/pkg", "size": None, "type": "dir"} in listing
    assert (
        boardkit("-p", b, "exec", "import sys; sys.path.append('/pkg'); import mod; print(mod.VALUE)").stdout == b"5\n"
    )
    assert "not empty" in one_line_error(boardkit("-p", b, "rm", "/pkg"))
    assert boardkit("-p", b, "rm", "/pkg/mod.py").returncode == 0
    assert boardkit("-p", b, "rm", "/pkg").returncode == 0


@pytest.mark.wasm
def test_rm_r_removes_a_whole_tree_and_nothing_else(wasm_board, tmp_path):
    b = wasm_board.name
    local = tmp_path / "mod.py"
    local.write_text("VALUE = 5\n")
    for folder in ("/tree", "/tree/a", "/tree/a/b", "/keep"):
        assert boardkit("-p", b, "mkdir", folder).returncode == 0
    for folder in ("/tree/", "/tree/a/b/", "/keep/"):
        assert boardkit("-p", b, "put", str(local), folder).returncode == 0
    assert boardkit("-p", b, "rm", "-r", "/tree").returncode == 0
    names = {entry["name"] for entry in json.loads(boardkit("-p", b, "ls", "/", "--json").stdout)}
    assert "tree" not in names and "keep" in names
    assert boardkit("-p", b, "cat", "/keep/mod.py").stdout == b"VALUE = 5\n"
    assert "top folder cannot be removed" in one_line_error(boardkit("-p", b, "rm", "-r", "/"))
    assert boardkit("-p", b, "rm", "-r", "/keep").returncode == 0


@pytest.mark.microbit
def test_memory_error_on_the_microbit_is_named(microbit_board):
    result = boardkit("-p", microbit_board.name, "exec", "x = [1] * 20000")
    assert result.returncode == 1
    assert b"MemoryError" in result.stderr
    assert b"ran out of memory" in result.stderr


@pytest.mark.microbit
def test_a_heap_full_of_old_objects_is_explained(microbit_board):
    b = microbit_board.name
    assert boardkit("-p", b, "reset").returncode == 0
    # fill the heap with the REPL's own globals (200-byte blocks), then free about 2 KB: the REPL
    # still answers, boardkit's probe no longer fits (a heap quite full leaves no REPL at all)
    fill = (
        "big = []\ntry:\n while True:\n  big.append(bytearray(200))\nexcept MemoryError:\n pass\n"
        "for i in range(10):\n big.pop()\nimport gc\ngc.collect()"
    )
    assert boardkit("-p", b, "exec", fill).returncode == 0
    line = one_line_error(boardkit("-p", b, "info"))
    assert "out of memory before boardkit could start" in line and "boardkit reset" in line
    assert boardkit("-p", b, "reset").returncode == 0
    assert boardkit("-p", b, "info").returncode == 0


@pytest.mark.microbit
def test_hung_microbit_times_out_and_hard_reset_recovers(microbit_board):
    b = microbit_board.name
    result = boardkit("-p", b, "exec", "--max-time", "2", "from microbit import temperature\nprint(temperature())")
    line = one_line_error(result)
    assert "did not respond to Ctrl-C" in line and "reset --hard" in line
    # Still stuck: a new command says so quickly instead of hanging.
    line = one_line_error(boardkit("-p", b, "exec", "print(1)"))
    assert "reset --hard" in line
    assert boardkit("-p", b, "reset", "--hard").returncode == 0
    assert boardkit("-p", b, "exec", "print(1)").stdout == b"1\n"


def test_a_busy_board_is_interrupted_and_told(board):
    import serial

    with serial.Serial(board.port, timeout=1) as port:
        port.write(b"\x02\r\x03")  # friendly REPL, start a program that never ends
        port.write(b"import time\r")
        port.write(b"while True: time.sleep_ms(10)\r")
        port.write(b"\r")
        port.read(200)
    result = bk(board, "exec", "print('after')")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(b"after\n")
    assert b"was running a program" in result.stderr


def test_soft_reset_clears_the_heap(board):
    assert bk(board, "exec", "leftover = 1").returncode == 0
    assert bk(board, "exec", "print(leftover)").stdout == b"1\n"
    assert bk(board, "reset").returncode == 0
    assert b"NameError" in bk(board, "exec", "print(leftover)").stderr


@pytest.mark.wasm
def test_ctrl_c_in_boardkit_stops_the_program_on_the_board(wasm_board):
    import signal
    import subprocess
    import sys
    import time

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "boardkit",
            "-p",
            wasm_board.name,
            "exec",
            "import time\nwhile True:\n print('tick')\n time.sleep(0.05)",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 130, err
    assert b"tick\n" in out
    assert err.decode().strip() == "boardkit: interrupted"
    # the board is free again straight away
    assert boardkit("-p", wasm_board.name, "exec", "print('free')").stdout == b"free\n"


@pytest.mark.microbit
def test_ls_and_cp_work_on_the_microbit_where_mpremote_fails(microbit_board, tmp_path):
    """mpremote 1.29's fs ls needs os.ilistdir/os.stat, which the micro:bit v1 lacks."""
    import subprocess
    import sys
    from pathlib import Path

    local = tmp_path / "lesson.py"
    local.write_text("print('lesson')\n")
    mpremote = Path(sys.executable).with_name("mpremote")
    theirs = subprocess.run(
        [str(mpremote), "connect", microbit_board.port, "fs", "ls"], capture_output=True, timeout=60
    )
    assert theirs.returncode != 0 and b"has no attribute" in theirs.stdout + theirs.stderr
    assert boardkit("-p", microbit_board.name, "put", str(local)).returncode == 0
    listing = boardkit("-p", microbit_board.name, "ls")
    assert listing.returncode == 0 and b"lesson.py" in listing.stdout
    assert boardkit("-p", microbit_board.name, "exec", "import lesson").stdout == b"lesson\n"
    boardkit("-p", microbit_board.name, "rm", "lesson.py")
