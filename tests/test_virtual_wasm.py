"""The WebAssembly virtual board, driven through its pty with plain pyserial (and mpremote)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial
from click.testing import CliRunner

from boardkit import virtual
from boardkit.errors import VirtualBoardError
from pty_helpers import RAW_PROMPT, enter_raw, raw_exec, read_until

pytestmark = pytest.mark.wasm


def read_exact(port: serial.Serial, n: int, timeout: float = 5.0) -> bytes:
    data = getattr(port, "_pending", b"")
    deadline = time.monotonic() + timeout
    while len(data) < n and time.monotonic() < deadline:
        port.timeout = 0.1
        data += port.read(n - len(data))
    port._pending = data[n:]
    return data[:n]


def open_port(board) -> serial.Serial:
    return serial.Serial(board.port, 115200, timeout=0.2)


@pytest.fixture
def raw(wasm_board):
    with open_port(wasm_board) as port:
        enter_raw(port)
        yield port
        port.write(b"\x02")


def test_prompt_and_friendly_echo(wasm_board):
    with open_port(wasm_board) as port:
        port.write(b"\x02\r")
        read_until(port, b">>> ")
        port.write(b"1+2\r")
        assert b"1+2\r\n3\r\n>>> " in read_until(port, b"3\r\n>>> ")


def test_raw_repl_exec(raw):
    out, err = raw_exec(raw, "print(6 * 7)")
    assert (out, err) == (b"42\r\n", b"")
    out, err = raw_exec(raw, "1/0")
    assert out == b"" and b"ZeroDivisionError" in err


def test_raw_paste(raw):
    raw.write(b"\x05A\x01")
    reply = read_exact(raw, 4)
    assert reply[:2] == b"R\x01"
    window = int.from_bytes(reply[2:], "little")
    assert window > 0
    code = ("x = 0\n" + "x += 1\n" * 200 + "print('x =', x)\n").encode()
    remain = window
    sent = 0
    while sent < len(code):
        if remain == 0 or raw.in_waiting or raw._pending:
            got = read_exact(raw, 1)
            assert got == b"\x01", got
            remain += window
            continue
        n = min(remain, len(code) - sent)
        raw.write(code[sent : sent + n])
        sent += n
        remain -= n
    raw.write(b"\x04")
    body = read_until(raw, b"\x04>")
    body = body.lstrip(b"\x01")
    assert body == b"\x04x = 200\r\n\x04\x04>", body


def test_an_empty_raw_paste_runs_nothing(raw):
    # A real board's raw-paste runs an empty program; it must not soft-reset the board.
    raw.write(b"\x05A\x01")
    assert read_exact(raw, 4)[:2] == b"R\x01"
    raw.write(b"\x04")
    assert read_until(raw, b"\x04>") == b"\x04\x04\x04>"
    out, err = raw_exec(raw, "print('still here')")
    assert (out, err) == (b"still here\r\n", b"")


def test_ctrl_c_interrupts_sleeping_and_printing_loops(raw):
    for code in ("import time\nwhile True:\n time.sleep(0.01)", "while True:\n print(1)"):
        raw.write(code.encode() + b"\x04")
        read_until(raw, b"OK")
        time.sleep(0.3)
        raw.write(b"\x03")
        tail = read_until(raw, b"\x04>", timeout=5)
        assert b"KeyboardInterrupt" in tail
    assert raw_exec(raw, "print('alive')")[0] == b"alive\r\n"


def test_soft_reset_fresh_heap_keeps_files(raw):
    raw_exec(raw, "marker = 123\nwith open('soft.txt', 'w') as f: f.write('kept')")
    raw.write(b"\x04")
    read_until(raw, b"OK\r\nMPY: soft reboot\r\n" + RAW_PROMPT)
    out, err = raw_exec(raw, "print('marker' in globals(), open('soft.txt').read())")
    assert (out, err) == (b"False kept\r\n", b"")


def test_filesystem_ops(raw):
    code = (
        "import os\n"
        "os.mkdir('d')\n"
        "open('d/a.txt', 'w').write('abc')\n"
        "os.rename('d/a.txt', 'd/b.txt')\n"
        "print(sorted(os.listdir('d')), os.stat('d/b.txt')[6])\n"
        "os.remove('d/b.txt'); os.rmdir('d')\n"
        "print('d' in os.listdir('/'), os.getcwd())"
    )
    out, err = raw_exec(raw, code)
    assert err == b""
    assert out == b"['b.txt'] 3\r\nFalse /\r\n"


def test_hard_reset_keeps_port_and_files(boardkit_home):
    board = virtual.start("wasm", name="wasm-reset")
    try:
        with open_port(board) as port:
            enter_raw(port)
            raw_exec(port, "marker = 1\nopen('hard.txt', 'w').write('flash')")
        time.sleep(0.5)  # let the flash write-back happen (it runs when the REPL goes idle)
        again = virtual.hard_reset(board.name)
        assert again.port == board.port
        with open_port(board) as port:
            enter_raw(port)
            out, _ = raw_exec(port, "print('marker' in globals(), open('hard.txt').read())")
            assert out == b"False flash\r\n"
    finally:
        virtual.stop(board.name)


def test_hard_reset_recovers_a_busy_loop(boardkit_home):
    board = virtual.start("wasm", name="wasm-stuck")
    try:
        with open_port(board) as port:
            enter_raw(port)
            port.write(b"while True: pass\x04")
            read_until(port, b"OK")
            virtual.hard_reset(board.name)
            enter_raw(port)
            assert raw_exec(port, "print(2)")[0] == b"2\r\n"
    finally:
        virtual.stop(board.name)


def test_files_persist_across_stop_and_start(boardkit_home):
    board = virtual.start("wasm", name="wasm-persist")
    with open_port(board) as port:
        enter_raw(port)
        raw_exec(port, "import os\nos.mkdir('lib')\nopen('lib/m.py', 'w').write('V = 7\\n')")
    virtual.stop(board.name)
    assert (board.fs_dir / "lib" / "m.py").read_text() == "V = 7\n"
    board = virtual.start("wasm", name="wasm-persist")
    try:
        with open_port(board) as port:
            enter_raw(port)
            assert raw_exec(port, "import m; print(m.V)")[0] == b"7\r\n"
    finally:
        virtual.stop(board.name)


def test_baud_throttles_output(boardkit_home):
    baud = 115200
    board = virtual.start("wasm", name="wasm-slow", baud=baud)
    try:
        with open_port(board) as port:
            enter_raw(port)
            size = 20000
            port.write(b"print('x' * %d)\x04" % size)
            read_until(port, b"OK")
            start = time.monotonic()
            read_until(port, b"\x04>", timeout=30)
            rate = size / (time.monotonic() - start)
        nominal = baud / 10
        assert 0.5 * nominal < rate < 1.3 * nominal, rate
    finally:
        virtual.stop(board.name)


def test_mpremote_exec(wasm_board):
    mpremote = Path(sys.executable).with_name("mpremote")
    result = subprocess.run(
        [str(mpremote), "connect", wasm_board.port, "exec", "print(1 + 1)"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"


def test_list_find_stop_and_duplicates(wasm_board):
    a = virtual.start("wasm")
    b = virtual.start("wasm")
    assert a.name != b.name and a.name.startswith("wasm") and a.port != b.port
    names = [x.name for x in virtual.list_boards()]
    assert {a.name, b.name, wasm_board.name} <= set(names)
    assert virtual.find(b.port).name == b.name
    with pytest.raises(VirtualBoardError):
        virtual.start("wasm", name=a.name)
    with pytest.raises(VirtualBoardError):
        virtual.start("esp32")
    virtual.stop(a.name)
    assert virtual.find(a.name) is None and not a.is_alive()
    virtual.stop(b.name)
    assert wasm_board.is_alive()


def test_dead_backend_means_dead_board(boardkit_home):
    import os
    import signal

    board = virtual.start("wasm", name="wasm-killed")
    os.kill(board.backend_pid, signal.SIGKILL)
    deadline = time.monotonic() + 5
    while board.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not board.is_alive()
    assert virtual.find("wasm-killed") is None


def test_stop_all_and_no_orphans(tmp_path, monkeypatch):
    import os

    # a state root of its own: stop_all must not take the session's shared boards with it
    monkeypatch.setenv("BOARDKIT_HOME", str(tmp_path))
    boards = [virtual.start("wasm", name=f"wasm-all{i}") for i in range(2)]
    stopped = virtual.stop_all()
    assert {b.name for b in boards} <= set(stopped)
    for b in boards:
        assert not b.is_alive()
        assert not os.path.exists(f"/proc/{b.backend_pid}")


def test_cli_start_list_stop(boardkit_home):
    from boardkit.cli.virtual_cmds import virtual as group

    runner = CliRunner()
    result = runner.invoke(group, ["start", "wasm", "--name", "wasm-cli", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert info["name"] == "wasm-cli" and info["port"].startswith("/dev/")
    result = runner.invoke(group, ["list", "--json"])
    assert "wasm-cli" in [b["name"] for b in json.loads(result.output)]
    result = runner.invoke(group, ["list"])
    assert "wasm-cli" in result.output
    result = runner.invoke(group, ["stop", "wasm-cli"])
    assert result.exit_code == 0 and "wasm-cli" in result.output
    assert virtual.find("wasm-cli") is None
