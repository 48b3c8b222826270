"""Boards exported by Debian's ser2net over RFC 2217 (and raw TCP), started by the test on loopback.

A virtual board's pty has no modem lines, so ser2net never confirms pyserial's DTR/RTS
requests: boardkit must go on without them by itself (no `?ign_set_control` in the URL),
and a server that answers nothing must be named as the problem, not the URL.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

import pytest

import boardkit
from cli_helpers import boardkit as run_boardkit
from cli_helpers import one_line_error
from ser2net_helpers import Ser2net


def _through_ser2net(board, tmp_path, size: int) -> None:
    with Ser2net(board.port, tmp_path / "ser2net") as server:
        assert "?" not in server.url
        result = run_boardkit("-p", server.url, "exec", "print('via', 'ser2net')")
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"via ser2net\n"
        data = os.urandom(size)
        local = tmp_path / "blob.bin"
        local.write_bytes(data)
        assert run_boardkit("-p", server.url, "put", str(local), "s2n.bin").returncode == 0
        listing = run_boardkit("-p", server.url, "ls")
        assert listing.returncode == 0 and b"s2n.bin" in listing.stdout, listing.stderr
        with boardkit.connect(server.url) as device:
            assert device.read_file("s2n.bin") == data
            assert device.repl.link._port.modem_control is False  # noticed, and went on
            device.remove("s2n.bin")


@pytest.mark.wasm
def test_wasm_board_through_ser2net_rfc2217(wasm_board, tmp_path):
    _through_ser2net(wasm_board, tmp_path, 20000)


@pytest.mark.microbit
def test_microbit_through_ser2net_rfc2217(microbit_board, tmp_path):
    _through_ser2net(microbit_board, tmp_path, 1500)


@pytest.mark.wasm
def test_wasm_board_through_ser2net_raw_tcp(wasm_board, tmp_path):
    with Ser2net(wasm_board.port, tmp_path / "ser2net", rfc2217=False) as server:
        result = run_boardkit("-p", server.url, "exec", "print(6 * 7)")
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"42\n"


@pytest.mark.wasm
def test_mpremote_through_ser2net(wasm_board, tmp_path):
    """mpremote (pyserial's client as it is) needs ?ign_set_control with ser2net on a pty;
    boardkit takes the same URL too."""
    with Ser2net(wasm_board.port, tmp_path / "ser2net") as server:
        url = server.url + "?ign_set_control"
        result = subprocess.run(
            [sys.executable, "-m", "mpremote", "connect", url, "exec", "print('mpremote', 'ok')"],
            capture_output=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert b"mpremote ok" in result.stdout
        result = run_boardkit("-p", url, "exec", "print('same url')")
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"same url\n"


def test_silent_server_is_named_not_the_url():
    """A TCP port that accepts and never answers (a hung or non-RFC 2217 server)."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        result = run_boardkit("-p", f"rfc2217://127.0.0.1:{port}", "exec", "print(1)")
        line = one_line_error(result)
        assert "the RFC 2217 server did not answer" in line
        assert "check the port name or URL" not in line
    finally:
        stop.set()
        thread.join(timeout=2)
        for conn in held:
            conn.close()
        listener.close()
