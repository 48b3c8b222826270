"""mpremote 1.29, unpatched, against the wasm virtual board: what users do with a real board.

mpremote is an independent client: it reads MicroPython's errno numbers, ilistdir's sizes,
runs its mount protocol over the board's stdin, and resets through `machine`. Each test runs
the real mpremote executable on the board's pty.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from boardkit import virtual
from pty_helpers import read_until

pytestmark = pytest.mark.wasm

MPREMOTE = Path(sys.executable).with_name("mpremote")


@pytest.fixture(scope="module")
def board(boardkit_home):
    b = virtual.start("wasm", name="wasm-mpremote")
    yield b
    virtual.stop(b.name)


def mpremote(board, *args: str, cwd: Path | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(MPREMOTE), "connect", board.port, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def listing(board, path: str = ":") -> dict[str, int]:
    """mpremote ls: {name: size} (folders end in /)."""
    out = ok(mpremote(board, "ls", path))
    entries = {}
    for line in out.splitlines()[1:]:
        size, name = line.split(None, 1)
        entries[name] = int(size)
    return entries


def test_cp_to_a_new_path_and_back(board, tmp_path):
    src = tmp_path / "hello.py"
    src.write_text("print('hello')\n" * 10)
    ok(mpremote(board, "cp", str(src), ":new_hello.py"))
    assert listing(board)["new_hello.py"] == src.stat().st_size  # ls shows real sizes
    back = tmp_path / "back.py"
    ok(mpremote(board, "cp", ":new_hello.py", str(back)))
    assert back.read_text() == src.read_text()
    ok(mpremote(board, "rm", ":new_hello.py"))
    assert "new_hello.py" not in listing(board)


def test_cp_r_mkdir_rm_r(board, tmp_path):
    tree = tmp_path / "proj"
    (tree / "lib").mkdir(parents=True)
    (tree / "main.py").write_text("import helper\n")
    (tree / "lib" / "helper.py").write_bytes(b"X = 1\n" * 300)
    ok(mpremote(board, "cp", "-r", str(tree), ":"))
    assert listing(board)["proj/"] == 0
    assert listing(board, ":proj/lib") == {"helper.py": 1800}
    ok(mpremote(board, "mkdir", ":made"))
    assert "made/" in listing(board)
    made_again = mpremote(board, "mkdir", ":made")
    assert made_again.returncode != 0 and "File exists" in made_again.stderr + made_again.stdout
    ok(mpremote(board, "rm", "-r", ":proj"))
    ok(mpremote(board, "rmdir", ":made"))
    names = listing(board)
    assert "proj/" not in names and "made/" not in names


def test_missing_file_is_reported_as_enoent(board, tmp_path):
    result = mpremote(board, "cp", ":no_such_file.py", str(tmp_path / "x.py"))
    assert result.returncode != 0
    assert "No such file or directory" in result.stdout + result.stderr


def test_df_reports_the_partition(board):
    out = ok(mpremote(board, "df"))
    size = int(out.splitlines()[1].split()[1])
    assert size == 2 * 1024 * 1024


def test_mount_and_import_from_the_host_folder(board, tmp_path):
    (tmp_path / "hostmod.py").write_text("def greet():\n    return 'from the host folder'\n")
    (tmp_path / "data.txt").write_text("line one\nline two\n")
    out = ok(
        mpremote(
            board,
            "mount",
            str(tmp_path),
            "exec",
            "import hostmod, os; print(hostmod.greet()); print(open('data.txt').read().split()); "
            "print(sorted(os.listdir()))",
            timeout=90,
        )
    )
    assert "from the host folder" in out
    assert "['line', 'one', 'line', 'two']" in out
    assert "'data.txt', 'hostmod.py'" in out


def test_reset_reboots_the_board(board):
    with serial.Serial(board.port, 115200, timeout=0.2) as port:
        ok(mpremote(board, "reset"))
        read_until(port, b'Type "help()" for more information.\r\n>>> ', timeout=10)
    assert ok(mpremote(board, "exec", "import machine; print(machine.unique_id().hex())")).strip()


def test_rtc_set_moves_the_boards_clock(board):
    ok(mpremote(board, "exec", "import machine; machine.RTC().datetime((2020, 1, 2, 3, 4, 5, 6, 0))"))
    out = ok(mpremote(board, "exec", "import time; print(time.localtime()[:5])"))  # after a soft reset
    assert out.strip() == "(2020, 1, 2, 4, 5)"
    ok(mpremote(board, "rtc", "--set"))
    year = int(ok(mpremote(board, "rtc")).strip().strip("()").split(",")[0])
    assert year == time.localtime().tm_year
