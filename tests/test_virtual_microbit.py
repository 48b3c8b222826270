"""The QEMU micro:bit virtual board (real micro:bit v1 MicroPython firmware) over its pty."""

from __future__ import annotations

import time

import pytest
import serial

from boardkit import virtual
from pty_helpers import RAW_PROMPT, enter_raw, raw_exec, read_until

pytestmark = pytest.mark.microbit


@pytest.fixture
def raw(microbit_board):
    with serial.Serial(microbit_board.port, 115200, timeout=0.2) as port:
        enter_raw(port)
        yield port
        port.write(b"\x02")


def test_prompt_and_banner(microbit_board):
    with serial.Serial(microbit_board.port, 115200, timeout=0.2) as port:
        port.write(b"\x02\r")
        read_until(port, b">>> ")
        port.write(b"import sys; sys.implementation.name\r")
        assert b"'micropython'" in read_until(port, b"'\r\n>>> ")


def test_raw_repl_exec_and_fs(raw):
    assert raw_exec(raw, "print(6 * 7)") == (b"42\r\n", b"")
    out, err = raw_exec(
        raw,
        "import os\nwith open('m.txt', 'w') as f: f.write('hi')\n"
        "print(os.listdir(), os.size('m.txt'))\nos.remove('m.txt')",
    )
    assert err == b"" and b"'m.txt'" in out and out.endswith(b" 2\r\n")


def test_no_raw_paste(raw):
    raw.write(b"\x05A\x01")
    # micro:bit v1.0.1 predates raw-paste: it treats the Ctrl-A as "enter raw REPL" again.
    assert read_until(raw, RAW_PROMPT).endswith(RAW_PROMPT)
    assert raw_exec(raw, "print('still raw')")[0] == b"still raw\r\n"


def test_ctrl_c_interrupts_sleep_loop(raw):
    raw.write(b"from microbit import sleep\nwhile True:\n sleep(10)\x04")
    read_until(raw, b"OK")
    time.sleep(0.3)
    raw.write(b"\x03")
    assert b"KeyboardInterrupt" in read_until(raw, b"\x04>")


def test_soft_reset_fresh_heap(raw):
    raw_exec(raw, "marker = 1")
    raw.write(b"\x04")
    read_until(raw, b"soft reboot\r\n")
    read_until(raw, RAW_PROMPT)
    assert raw_exec(raw, "print('marker' in globals())")[0] == b"False\r\n"


def test_hard_reset_unsticks_temperature(microbit_board):
    with serial.Serial(microbit_board.port, 115200, timeout=0.2) as port:
        enter_raw(port)
        # The marker says the import is done and temperature() has started; a Ctrl-C
        # sent earlier would interrupt the import instead (seen on a slow CI machine).
        port.write(b"from microbit import temperature\nprint('going')\ntemperature()\x04")
        read_until(port, b"going\r\n")
        time.sleep(0.2)
        port.write(b"\x03")  # stuck in C code: Ctrl-C does not help
        time.sleep(0.5)
        assert b"\x04>" not in port.read(port.in_waiting or 1)
        again = virtual.hard_reset(microbit_board)
        assert again.port == microbit_board.port
        enter_raw(port)
        assert raw_exec(port, "print('back')")[0] == b"back\r\n"
