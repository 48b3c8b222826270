"""Bad ports: each gets one clear line and a non-zero exit, quickly."""

from __future__ import annotations

import os
import threading
import time

import pytest
import serial

from cli_helpers import boardkit, one_line_error


def test_no_such_port():
    line = one_line_error(boardkit("-p", "/dev/ttyNOPE0", "exec", "print(1)"))
    assert "no such port" in line and "boardkit devices" in line


def test_unknown_url_scheme():
    assert "unknown kind of port" in one_line_error(boardkit("-p", "bluetooth://x", "exec", "print(1)"))


def test_nothing_listening_on_a_socket_url():
    line = one_line_error(boardkit("-p", "socket://127.0.0.1:9", "exec", "print(1)"))
    assert "cannot reach" in line or "cannot open" in line


@pytest.fixture
def silent_port():
    """A pty with nothing behind it: like a board with no MicroPython, or a dead one."""
    master, slave = os.openpty()
    yield os.ttyname(slave), master
    os.close(master)
    os.close(slave)


def test_silence_is_reported(silent_port):
    path, _ = silent_port
    started = time.monotonic()
    line = one_line_error(boardkit("-p", path, "exec", "print(1)"))
    assert "no answer" in line and "reset --hard" in line
    assert time.monotonic() - started < 20


def test_garbage_is_not_micropython(silent_port):
    path, master = silent_port
    stop = threading.Event()

    def chatter():
        while not stop.is_set():
            try:
                os.write(master, b"$GPGGA,123519,4807.038,N,01131.000,E*47\r\n")
            except OSError:
                return
            time.sleep(0.05)

    thread = threading.Thread(target=chatter, daemon=True)
    thread.start()
    try:
        line = one_line_error(boardkit("-p", path, "exec", "print(1)"))
    finally:
        stop.set()
        thread.join()
    assert "not a MicroPython REPL" in line


def test_port_held_by_another_program(silent_port):
    path, _ = silent_port
    with serial.Serial(path, exclusive=True):
        line = one_line_error(boardkit("-p", path, "exec", "print(1)"))
    assert "in use by another program" in line


def test_several_boards_need_a_choice(wasm_board, microbit_board):
    line = one_line_error(boardkit("exec", "print(1)"))
    assert "boards present" in line and "-p" in line


def test_unknown_board_name():
    line = one_line_error(boardkit("-p", "no-such-board", "exec", "print(1)"))
    assert "no port or virtual board named 'no-such-board'" in line
