"""`boardkit repl` in a real pseudo-terminal: typing, Ctrl-C, pasting, Ctrl-] to leave."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest

BOARDS = [
    pytest.param("wasm_board", marks=pytest.mark.wasm),
    pytest.param("microbit_board", marks=pytest.mark.microbit),
]


class Session:
    def __init__(self, port: str):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "boardkit", "-p", port, "repl"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            close_fds=True,
        )
        os.close(slave)
        self.seen = b""

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def expect(self, needle: bytes, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.seen:
            left = deadline - time.monotonic()
            assert left > 0, f"did not see {needle!r}; saw {self.seen[-300:]!r}"
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:
                    break
        assert needle in self.seen, self.seen[-300:]

    def close(self) -> int:
        try:
            return self.proc.wait(timeout=10)
        finally:
            os.close(self.master)


@pytest.mark.parametrize("board_fixture", BOARDS)
def test_repl_types_interrupts_pastes_and_leaves(board_fixture, request):
    board = request.getfixturevalue(board_fixture)
    session = Session(board.port)
    try:
        session.expect(b"Ctrl-] to leave")
        time.sleep(0.5)  # let boardkit put the terminal in raw mode before typing control keys
        session.send(b"\x03\x02")  # stop anything left running, friendly REPL
        session.expect(b">>> ")
        session.send(b"print(6 * 7)\r")
        session.expect(b"42")
        # Ctrl-C reaches a running program
        session.send(b"import time\r")
        session.send(b"while True: time.sleep_ms(10)\r\r")
        time.sleep(0.5)
        session.send(b"\x03")
        session.expect(b"KeyboardInterrupt")
        # a paste arrives in one piece
        session.send(b"\x05")  # paste mode
        session.expect(b"paste mode")
        session.send(b"total = 0\rfor i in range(5):\r    total += i\rprint('total', total)\r\x04")
        session.expect(b"total 10")
        session.send(b"\x1d")  # Ctrl-]
        assert session.close() == 0
    finally:
        if session.proc.poll() is None:
            session.proc.kill()
