"""A full micro:bit never costs a file: the five "data lost" cases of issue 15, as a user runs them.

Each test starts from a freshly flashed virtual micro:bit (an empty filesystem of 120
chunks, about 15 KB) and runs the real `boardkit` command. After every step the board's
files are read back: a file boardkit did not write is unchanged, a file it wrote is the
old version or the new one, a refused write leaves no temporary file behind and says what
to do in one line, and the same command again is refused the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from boardkit import api, virtual
from boardkit.device import TMP_SUFFIX
from cli_helpers import boardkit, one_line_error

pytestmark = pytest.mark.microbit

BOARD = "safety-mb"
STEP_TIMEOUT = 180  # no command here may wait longer (case 2 once hung for over 10 minutes)


def mold() -> bytes:
    """`# OLD` and 100 lines `a = 1` (606 bytes)."""
    return b"# OLD\n" + b"a = 1\n" * 100


def mnew() -> bytes:
    """`# NEW` and 500 lines `bN = N*7919`, the product written out (7,251 bytes)."""
    return b"# NEW\n" + b"".join(b"b%d = %d\n" % (n, n * 7919) for n in range(500))


def fill(k: int) -> bytes:
    """260 short lines, 2,981 bytes: five of them fill the micro:bit's filesystem."""
    lines = [b"x%d = %d" % (n, k) for n in range(260)]
    missing = 2981 - sum(len(line) + 1 for line in lines)
    for n in range(missing):
        lines[n % len(lines)] += b" "
    return b"\n".join(lines) + b"\n"


def test_the_files_are_the_ones_the_issue_describes():
    assert (len(mold()), len(mnew()), len(fill(0))) == (606, 7251, 2981)


@pytest.fixture(scope="module")
def started(boardkit_home):
    try:
        yield virtual.start("microbit", name=BOARD)
    finally:
        if virtual.find(BOARD):
            virtual.stop(BOARD)


@pytest.fixture
def board(started) -> str:
    """A freshly flashed micro:bit (empty filesystem) for each test; its name."""
    virtual.reflash(BOARD)
    return BOARD


def board_files(name: str) -> dict[str, bytes]:
    """Every file on the board, read back whole."""
    with api.connect(name) as device:
        return {e.name: api.cat(device, e.name) for e in api.ls(device)}


def run(*args: str, cwd: Path | None = None):
    return boardkit(*args, timeout=STEP_TIMEOUT, cwd=cwd)


def ok(result) -> None:
    assert result.returncode == 0, result.stderr.decode()


def refused(result) -> str:
    """One line that says what to do, and nothing else."""
    line = one_line_error(result)
    assert "boardkit rm" in line, line
    return line


def digest(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest()[:12] for name, data in files.items()}


def test_case1_put_refused_twice_keeps_the_old_main(board, tmp_path):
    (tmp_path / "mold.py").write_bytes(mold())
    (tmp_path / "mnew.py").write_bytes(mnew())
    ok(run("-p", board, "put", str(tmp_path / "mold.py"), "main.py"))
    first = refused(run("-p", board, "put", str(tmp_path / "mnew.py"), "main.py"))
    assert "the old main.py is kept" in first
    assert board_files(board) == {"main.py": mold()}
    again = refused(run("-p", board, "put", str(tmp_path / "mnew.py"), "main.py"))
    assert again == first
    assert board_files(board) == {"main.py": mold()}
    # What the line says to do works: without the old file the new one fits.
    ok(run("-p", board, "rm", "main.py"))
    ok(run("-p", board, "put", str(tmp_path / "mnew.py"), "main.py"))
    assert board_files(board) == {"main.py": mnew()}


def test_case2_sync_refused_twice_never_hangs_and_leaves_no_temporary(board, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "main.py").write_bytes(mold())
    ok(run("-p", board, "sync", str(project)))
    (project / "main.py").write_bytes(mnew())
    first = refused(run("-p", board, "sync", str(project)))
    second = refused(run("-p", board, "sync", str(project)))  # within STEP_TIMEOUT, not 10 minutes
    assert second == first
    files = board_files(board)
    assert files == {"main.py": mold()}
    assert not [n for n in files if n.endswith(TMP_SUFFIX)]
    ok(run("-p", board, "reset", "--hard"))
    assert board_files(board) == {"main.py": mold()}


def test_case3_filling_the_board_never_touches_the_files_already_there(board, tmp_path):
    for k in range(5):
        (tmp_path / f"fill{k}.py").write_bytes(fill(k))
    written: dict[str, bytes] = {}
    for k in range(5):
        result = run("-p", board, "put", str(tmp_path / f"fill{k}.py"))
        if result.returncode == 0:
            written[f"fill{k}.py"] = fill(k)
        else:
            refused(result)
        assert board_files(board) == written, f"after put fill{k}.py"
    # The firmware alone stores all five (case 5): boardkit must not need more.
    assert len(written) == 5
    # A sixth file: refused, and nothing else moves.
    (tmp_path / "fill5.py").write_bytes(fill(5))
    refused(run("-p", board, "put", str(tmp_path / "fill5.py")))
    refused(run("-p", board, "put", str(tmp_path / "fill5.py")))
    assert board_files(board) == written


def test_case4_a_sync_that_does_not_fit_keeps_the_synced_files(board, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for k in range(3):
        (project / f"fill{k}.py").write_bytes(fill(k))
    ok(run("-p", board, "sync", str(project)))
    before = board_files(board)
    assert digest(before) == digest({f"fill{k}.py": fill(k) for k in range(3)})
    # Two more files, and one bigger one: more than the board holds.
    for k in (3, 4):
        (project / f"fill{k}.py").write_bytes(fill(k))
    (project / "big.py").write_bytes(mnew())
    for _ in range(2):
        result = run("-p", board, "sync", str(project))
        files = board_files(board)
        for name, data in before.items():
            assert files.get(name) == data, f"{name} changed"  # never touched
        for name, data in files.items():
            assert data == (project / name).read_bytes(), f"{name} is not what was sent"
        assert not [n for n in files if n.endswith(TMP_SUFFIX)]
        if result.returncode != 0:
            refused(result)


def test_case5_the_firmware_alone_stores_five_files_and_refuses_the_sixth(board, tmp_path):
    """The control: plain open()/write() through exec, no boardkit helpers."""
    missing = 2981 - sum(len(b"x%d = 0" % n) + 1 for n in range(260))  # the padding fill() adds
    program = tmp_path / "fill.py"
    program.write_text(
        "for k in range(6):\n"
        "    try:\n"
        "        f = open('fill%d.py' % k, 'wb')\n"
        "        for n in range(260):\n"
        f"            f.write(b'x%d = %d' % (n, k) + b' ' * ((n < {missing % 260}) + {missing // 260}) + b'\\n')\n"
        "        f.close()\n"
        "        print('stored', k)\n"
        "    except OSError:\n"
        "        print('refused', k)\n"
    )
    result = run("-p", board, "run", str(program))
    ok(result)
    assert board_files(board) == {f"fill{k}.py": fill(k) for k in range(5)}
    out = result.stdout.decode().split()
    assert out == ["stored", "0", "stored", "1", "stored", "2", "stored", "3", "stored", "4", "refused", "5"]


def test_a_refused_put_leaves_the_board_usable(board, tmp_path):
    """After a refusal: no temporary file, room for what fits, programs still run."""
    (tmp_path / "big.py").write_bytes(mnew() * 3)
    one_line_error(run("-p", board, "put", str(tmp_path / "big.py")))
    assert board_files(board) == {}
    (tmp_path / "main.py").write_bytes(mnew())
    ok(run("-p", board, "put", str(tmp_path / "main.py")))  # the room it had is all there
    (tmp_path / "lesson.py").write_bytes(b"answer = 6 * 7\n")
    ok(run("-p", board, "put", str(tmp_path / "lesson.py")))
    result = run("-p", board, "exec", "import lesson; print(lesson.answer)")
    ok(result)
    assert result.stdout.decode().split() == ["42"]
    assert board_files(board) == {"main.py": mnew(), "lesson.py": b"answer = 6 * 7\n"}


def test_a_leftover_temporary_file_is_cleared_by_the_next_put(board, tmp_path):
    """A cut cable can leave main.py.bktmp; the next put of main.py removes it first."""
    ok(run("-p", board, "exec", "f = open('main.py.bktmp', 'wb')\nf.write(b'x' * 3000)\nf.close()"))
    (tmp_path / "main.py").write_bytes(mnew())
    ok(run("-p", board, "put", str(tmp_path / "main.py")))
    assert board_files(board) == {"main.py": mnew()}


def test_a_helper_call_that_never_ends_is_stopped_and_the_board_stays_usable(board):
    """Case 2 once hung for over 10 minutes: every call into boardkit's helpers is bounded."""
    from boardkit.errors import DeviceError

    with api.connect(board) as device:
        with pytest.raises(DeviceError, match="did not finish boardkit's file operation within 3 s"):
            device.helpers.call("while True:\n pass", timeout=3)
        assert device.helpers.timeout == 120  # the bound is back to its default for what follows
        assert api.ls(device) == []
