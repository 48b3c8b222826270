"""The cases of issue 15 that need a real board or a real firmware image, each a test that
failed before it was fixed: hangs (a program too big for the micro:bit, a reset from the
program, a stuck seat in a fleet), wrong successes (a Ctrl-D byte, sys.exit(N), a random
"firmware"), the offline micro:bit firmware hint, and input() at a terminal.

The bad-input corpus that needs no board is tests/test_bad_input_corpus.py.
"""

from __future__ import annotations

import os
import pty
import sys
import time
from pathlib import Path

import pytest

from cli_helpers import BOARDKIT, boardkit, one_line_error
from pty_helpers import TerminalScreen

DEBIAN_MICROBIT_HEX = Path("/usr/share/firmware-microbit-micropython/firmware.hex")


def _still_answers(port: str) -> None:
    result = boardkit("-p", port, "exec", "print(6 * 7)", timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == b"42", result.stderr.decode()


# -- wrong success -----------------------------------------------------------------------------


@pytest.mark.parametrize("board", ["wasm_board", "microbit_board"])
def test_a_ctrl_d_byte_in_a_program_is_refused_not_half_run(board, request, tmp_path: Path) -> None:
    """Raw-paste (wasm) took \\x04 as the end of the code: print(1) ran, the rest did not, exit 0."""
    port = request.getfixturevalue(board).name
    program = tmp_path / "ctl.py"
    program.write_bytes(b"print('first')\ns = '\x04'\nprint('second')\n")
    result = boardkit("-p", port, "run", str(program), timeout=60)
    line = one_line_error(result)
    assert "control byte 0x04 (line 2)" in line and result.returncode == 2, line
    assert b"first" not in result.stdout  # refused whole, not run in part
    _still_answers(port)


@pytest.mark.parametrize("board", ["wasm_board", "microbit_board"])
def test_sys_exit_sets_the_exit_status(board, request) -> None:
    port = request.getfixturevalue(board).name
    result = boardkit("-p", port, "exec", "import sys; print('before'); sys.exit(3)", timeout=60)
    assert result.returncode == 3, result.stderr.decode()
    assert result.stdout.replace(b"\r", b"") == b"before\n" and result.stderr == b""
    assert boardkit("-p", port, "exec", "import sys; sys.exit()", timeout=60).returncode == 0
    said = boardkit("-p", port, "exec", "import sys; sys.exit('no sensor')", timeout=60)
    assert said.returncode == 1 and said.stderr.decode().strip() == "no sensor"
    # A program that mentions exit but raises keeps its own traceback, line numbers and all.
    failed = boardkit("-p", port, "exec", "import sys\ndef f():\n    1/0\nf()  # no sys.exit here", timeout=60)
    err = failed.stderr.decode()
    assert failed.returncode == 1 and 'File "<stdin>", line 4' in err and "line 3, in f" in err, err
    assert "BoardkitExit" not in err and "<string>" not in err and "line 2, in <module>" not in err, err
    _still_answers(port)


def test_firmware_add_refuses_a_hex_that_is_not_micropython(tmp_path: Path) -> None:
    from intelhex import IntelHex

    ih = IntelHex()
    ih.frombytes(os.urandom(4096), offset=0)
    ih.write_hex_file(str(tmp_path / "random.hex"))
    home = {"BOARDKIT_HOME": str(tmp_path / "home")}
    for board in ("microbit_v1", "virtual_microbit", "microbit_v2"):
        line = one_line_error(boardkit("firmware", "add", str(tmp_path / "random.hex"), "--board", board, env=home))
        assert "MicroPython" in line, line
    listed = boardkit("firmware", "list", "--json", env=home)
    assert "random" not in listed.stdout.decode() and b"sha256" not in listed.stdout


def test_kit_build_refuses_a_lib_module_with_a_syntax_error(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    (kit / "lib").mkdir(parents=True)
    (kit / "main.py").write_text("import util\n")
    (kit / "lib" / "util.py").write_text("x = 1\ndef f(:\n    pass\n")
    for board in ("virtual_microbit", "virtual_wasm"):
        out = tmp_path / f"kit-{board}"
        line = one_line_error(boardkit("kit", "build", str(kit), "--board", board, "-o", str(out), timeout=120))
        assert "lib/util.py:2: SyntaxError" in line, line
        assert not list(tmp_path.glob(f"kit-{board}*"))


# -- offline: the hint is true -----------------------------------------------------------------


@pytest.mark.skipif(not DEBIAN_MICROBIT_HEX.is_file(), reason="make test installs firmware-microbit-micropython")
def test_the_offline_firmware_hint_makes_kit_build_work(tmp_path: Path) -> None:
    """The download error says `firmware add FILE --board microbit_v1`; after it, the kit builds
    without --firmware (and with --offline), from the added image."""
    home = {"BOARDKIT_HOME": str(tmp_path / "home")}
    kit = tmp_path / "lesson"
    kit.mkdir()
    (kit / "main.py").write_text("print('lesson')\n")
    before = one_line_error(
        boardkit("kit", "build", str(kit), "--board", "microbit_v1", "-o", "x.hex", "--offline", cwd=tmp_path, env=home)
    )
    assert "firmware add FILE --board microbit_v1" in before, before
    added = boardkit("firmware", "add", str(DEBIAN_MICROBIT_HEX), "--board", "microbit_v1", env=home)
    assert added.returncode == 0, added.stderr.decode()
    for extra in ([], ["--offline"]):
        out = tmp_path / f"lesson{len(extra)}.hex"
        built = boardkit(
            "kit", "build", str(kit), "--board", "microbit_v1", "-o", str(out), *extra, env=home, timeout=120
        )
        assert built.returncode == 0, built.stderr.decode()
        from boardkit.firmware.microbit_fs import read_files_from_hex

        assert read_files_from_hex(out.read_text()) == {"main.py": b"print('lesson')\n"}


# -- hangs -------------------------------------------------------------------------------------


def test_a_program_too_big_for_the_microbit_is_refused_and_the_board_still_answers(microbit_board, tmp_path):
    """Before: 10 KB of code left the micro:bit's raw REPL hung for good (reset --hard only)."""
    program = tmp_path / "big.py"
    program.write_text("".join(f"x{i} = {i}\n" for i in range(2000)))  # ~20 KB
    line = one_line_error(boardkit("-p", microbit_board.name, "run", str(program), timeout=60))
    assert "more than this board's raw REPL can hold" in line, line
    _still_answers(microbit_board.name)


def test_a_program_that_resets_the_microbit_ends_with_a_line(microbit_board) -> None:
    """Before: the banner appeared and boardkit waited for ever."""
    result = boardkit("-p", microbit_board.name, "exec", "import microbit; print('bye'); microbit.reset()", timeout=60)
    assert result.returncode == 1
    assert "the board reset while the program ran" in one_line_error(result)
    assert result.stdout.startswith(b"bye")
    _still_answers(microbit_board.name)


def test_fleet_run_bounds_a_stuck_seat_and_summarises(wasm_board, microbit_board, tmp_path: Path) -> None:
    """One seat loops for ever; without --max-time the run still ends, the other seat's result
    and a summary are there, exit 1. (BOARDKIT_FLEET_MAX_TIME shortens the default 60 s.)"""
    (tmp_path / "classroom.toml").write_text(
        f'[seats.alice]\nboard = "virtual_wasm"\nvirtual = "{wasm_board.name}"\n'
        f'[seats.bob]\nboard = "virtual_microbit"\nvirtual = "{microbit_board.name}"\n'
    )
    (tmp_path / "stuck.py").write_text(
        "import sys\nprint('start')\nwhile sys.platform == 'microbit':\n    pass\nprint('done')\n"
    )
    result = boardkit("fleet", "run", "stuck.py", cwd=tmp_path, env={"BOARDKIT_FLEET_MAX_TIME": "3"}, timeout=120)
    out = result.stdout.decode()
    assert result.returncode == 1, (out, result.stderr.decode())
    assert "done" in out and "alice" in out and "bob" in out and "still running after 3 s" in out, out
    assert "1 of 2 failed: bob" in result.stderr.decode()
    _still_answers(microbit_board.name)


# -- input() at a terminal ---------------------------------------------------------------------


def _run_at_a_terminal(args: list[str], answer: bytes, cwd: Path, expect: bytes = b"hello ") -> bytes:
    """Run boardkit with a pty as its terminal; type answer after the prompt; all it showed
    until `expect` (or a bound) and the line it ends."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: boardkit, its stdin/stdout/stderr the pty
        os.chdir(cwd)
        os.execv(sys.executable, [*BOARDKIT, *args])
    screen = TerminalScreen(fd)

    try:
        assert screen.wait_for(b"name? ", 60), screen.seen
        os.write(fd, answer)
        screen.wait_for(expect, 30)
        screen.wait_for(expect + b"\r\n", 5)  # the rest of its line may come in a later read
    finally:
        for _ in range(50):
            done, _status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.1)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
        os.close(fd)
    return screen.seen


def _typed_answer_reaches_input(port: str, tmp_path: Path) -> None:
    (tmp_path / "ask.py").write_text("name = input('name? ')\nprint('hello', name)\n")
    seen = _run_at_a_terminal(["-p", port, "run", "ask.py"], b"ada\r", tmp_path, b"hello ada")
    assert b"hello ada" in seen, seen
    seen = _run_at_a_terminal(["-p", port, "exec", "print('hello', input('name? '))"], b"bob\r", tmp_path, b"hello bob")
    assert b"hello bob" in seen, seen


def test_input_at_a_terminal_reaches_the_program_on_the_microbit(microbit_board, tmp_path: Path) -> None:
    _typed_answer_reaches_input(microbit_board.name, tmp_path)


def test_input_at_a_terminal_reaches_the_program_on_the_wasm_board(wasm_board, tmp_path: Path) -> None:
    try:
        _typed_answer_reaches_input(wasm_board.name, tmp_path)
    finally:  # a program left waiting in input() would keep the session's board busy
        boardkit("-p", wasm_board.name, "reset", "--hard", timeout=120)


def test_keys_are_not_forwarded_when_stdin_is_not_a_terminal(microbit_board) -> None:
    """Piped stdin is never read as keys (run - reads the program from it instead)."""
    result = boardkit("-p", microbit_board.name, "run", "-", input=b"print('from stdin')\n", timeout=60)
    assert result.returncode == 0 and result.stdout.strip() == b"from stdin", result.stderr.decode()
