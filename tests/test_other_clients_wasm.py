"""ampy, rshell and mpfshell (from PyPI, unpatched) against the wasm virtual board.

Each broke on the board as it was: ampy's `mkdir --exists-okay` (WASI errno numbers),
rshell's `cp` (it streams the file through the board's stdin, which a program could not
read: it left empty files) and mpfshell's connect (it reads os.uname through `uos`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from boardkit import virtual

pytestmark = pytest.mark.wasm

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def board(boardkit_home):
    b = virtual.start("wasm", name="wasm-clients")
    yield b
    virtual.stop(b.name)


def run(*argv: str, cwd: Path | None = None) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, timeout=90, cwd=cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def board_files(board) -> dict[str, bytes]:
    """What the board holds, read back with boardkit (another client than the one tested)."""
    from boardkit import connect

    with connect(board.port) as dev:
        return {e.path: dev.read_file(e.path) for e in dev.tree("/") if not e.is_dir}


def test_ampy_mkdir_exists_okay_put_get_ls(board, tmp_path):
    ampy = [str(BIN / "ampy"), "-p", board.port]
    src = tmp_path / "a.py"
    src.write_text("print('ampy')\n" * 20)
    run(*ampy, "mkdir", "--exists-okay", "amp")
    run(*ampy, "mkdir", "--exists-okay", "amp")  # already there: fine, as on a board
    run(*ampy, "put", str(src), "amp/a.py")
    assert run(*ampy, "ls", "-l", "/amp").strip() == f"/amp/a.py - {src.stat().st_size} bytes"
    got = run(*ampy, "get", "amp/a.py").replace("\r\n", "\n")
    assert got.rstrip("\n") == src.read_text().rstrip("\n")  # ampy prints the file, then a newline
    assert board_files(board)["/amp/a.py"] == src.read_bytes()
    run(*ampy, "rm", "amp/a.py")
    run(*ampy, "rmdir", "amp")


def test_rshell_cp_and_rsync_carry_the_contents(board, tmp_path):
    rshell = [str(BIN / "rshell"), "--quiet", "-p", board.port]
    tree = tmp_path / "proj"
    (tree / "lib").mkdir(parents=True)
    (tree / "main.py").write_text("import lib.util\n")
    (tree / "lib" / "util.py").write_bytes(bytes(range(256)) * 8)
    run(*rshell, "cp", str(tree / "main.py"), "/pyboard/r_main.py")
    run(*rshell, "rsync", str(tree), "/pyboard/rproj")
    listed = run(*rshell, "ls", "-l", "/pyboard/rproj/lib")
    assert listed.split()[0] == "2048" and listed.split()[-1] == "util.py"
    files = board_files(board)
    assert files["/r_main.py"] == b"import lib.util\n"  # not an empty file
    assert files["/rproj/lib/util.py"] == bytes(range(256)) * 8
    run(*rshell, "rm", "-r", "/pyboard/rproj", "/pyboard/r_main.py")


def test_mpfshell_connects_and_moves_files(board, tmp_path):
    (tmp_path / "m.py").write_text("x = 'mpfshell'\n")
    out = run(
        str(BIN / "mpfshell"),
        "-n",
        "-c",
        f"open ser:{board.port}; md mpf; cd mpf; put m.py; ls; cat m.py",
        cwd=tmp_path,
    )
    assert "Not connected" not in out and "m.py" in out and "x = 'mpfshell'" in out
    assert board_files(board)["/mpf/m.py"] == b"x = 'mpfshell'\n"
    from boardkit import connect

    with connect(board.port) as dev:
        dev.exec("import os\nos.remove('/mpf/m.py')\nos.rmdir('/mpf')")
