"""Boards behind a serial server on loopback (socket:// and rfc2217://) work like local ones."""

from __future__ import annotations

import pytest

import boardkit
from cli_helpers import boardkit as run_boardkit
from net_bridge import SerialServer

pytestmark = pytest.mark.wasm


@pytest.mark.parametrize("rfc2217", [False, True], ids=["socket", "rfc2217"])
def test_exec_and_files_over_the_network(wasm_board, rfc2217, tmp_path):
    with SerialServer(wasm_board.port, rfc2217=rfc2217) as server:
        result = run_boardkit("-p", server.url, "exec", "print('over', 'tcp')")
        assert result.returncode == 0, result.stderr
        assert result.stdout == b"over tcp\n"
        with boardkit.connect(server.url) as board:
            board.write_file("/net.txt", b"sent over the network\n" * 50)
            assert board.read_file("/net.txt") == b"sent over the network\n" * 50
            assert board.caps.platform == "webassembly"
            board.remove("/net.txt")
