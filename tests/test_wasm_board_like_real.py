"""The wasm virtual board behaves like a real board where clients nobody here wrote look.

MicroPython's errno numbers (not WASI's), sizes in os.ilistdir, a statvfs with a size and
ENOSPC past it, no host folders in "/", 255-byte names, os.uname, a `machine` module, stdin
a program can read, and a reboot behind the same port when the WebAssembly interpreter
crashes. Driven through the pty with plain pyserial (the byte protocol) and through the CLI.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import serial

from boardkit import virtual
from pty_helpers import RAW_PROMPT, enter_raw, raw_exec, read_until

pytestmark = pytest.mark.wasm

LONG_NAME = "n" * 300


def cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "boardkit", *args], capture_output=True, text=True, timeout=timeout)


def run_raw(board, code: str, timeout: float = 10.0) -> tuple[str, str]:
    with serial.Serial(board.port, 115200, timeout=0.2) as port:
        enter_raw(port)
        out, err = raw_exec(port, code, timeout)
        port.write(b"\x02")
    return out.decode(), err.decode()


def value(board, expr: str):
    out, err = run_raw(board, f"print(repr({expr}))")
    assert err == "", err
    return eval(out.strip())  # the board's repr of ints, tuples, bytes, str


@pytest.fixture(scope="module")
def small_board(boardkit_home):
    """A board of its own with a 64 KB filesystem (16 blocks of 4 KB)."""
    board = virtual.start("wasm", name="wasm-small", flash_size="64K")
    yield board
    virtual.stop(board.name)


@pytest.fixture
def own_board(boardkit_home, request):
    """A fresh board for tests that reset or crash it."""
    board = virtual.start("wasm", name=f"wasm-own-{request.node.name[5:25].replace('_', '-')}")
    yield board
    virtual.stop(board.name)


def test_errno_numbers_are_micropythons(wasm_board):
    code = """
import errno, os
def code(f, *a):
    try:
        f(*a)
    except OSError as e:
        return e.errno
try:
    os.mkdir('/errno_dir')
except OSError:
    pass
open('/errno_dir/f', 'w').close()
print(code(open, '/no/such/file'), errno.ENOENT)
print(code(os.mkdir, '/errno_dir'), errno.EEXIST)
print(code(open, '/errno_dir', 'w'), errno.EISDIR)
print(code(os.rmdir, '/errno_dir'))
os.remove('/errno_dir/f'); os.rmdir('/errno_dir')
"""
    out, err = run_raw(wasm_board, code)
    assert err == ""
    lines = [line.split() for line in out.strip().splitlines()]
    assert lines[0] == ["2", "2"]  # ENOENT: 44 in WASI
    assert lines[1] == ["17", "17"]  # EEXIST: 20 in WASI
    assert lines[2] == ["21", "21"]  # EISDIR: 31 in WASI
    assert lines[3] == ["39"]  # ENOTEMPTY (Linux's number; no name in MicroPython's errno)


def test_ilistdir_gives_sizes_and_root_holds_only_the_users_files(wasm_board):
    out, err = run_raw(
        wasm_board,
        "import os\nopen('/sized.bin','wb').write(bytes(1234))\n"
        "print([e for e in os.ilistdir('/') if e[0] == 'sized.bin'])\n"
        "print(sorted(n for n in os.listdir('/') if n in ('dev', 'proc', 'tmp', 'home')))\n"
        "os.remove('/sized.bin')",
    )
    assert err == ""
    first, second = out.strip().splitlines()
    assert eval(first) == [("sized.bin", 0x8000, 0, 1234)]
    assert eval(second) == []


def test_statvfs_is_a_2mb_partition_by_default(wasm_board):
    st = value(wasm_board, "__import__('os').statvfs('/')")
    assert st[0] == st[1] == 4096 and st[2] == 512  # 2 MiB in 4 KB blocks, an ESP32's "vfs"
    assert 0 < st[3] == st[4] <= 512 and st[9] == 255


@pytest.mark.parametrize("path", ["/dev/null", "/proc/x.py", "/../dev/null", "/dev/../../proc/self/x"])
def test_host_special_files_are_out_of_reach(wasm_board, path):
    out, err = run_raw(wasm_board, f"open({path!r}, 'w').write('x')")
    assert "OSError: [Errno 2] ENOENT" in err


@pytest.mark.parametrize("target", ["/dev/null", "/proc/x.py"])
def test_put_to_host_special_files_fails(wasm_board, tmp_path, target):
    src = tmp_path / "a.py"
    src.write_text("print(1)\n")
    result = cli("-p", wasm_board.port, "put", str(src), target)
    assert result.returncode == 1
    assert result.stderr.startswith("boardkit: ") and len(result.stderr.strip().splitlines()) == 1
    assert "no such file or folder" in result.stderr


def test_a_folder_named_dev_is_an_ordinary_folder(wasm_board):
    out, err = run_raw(
        wasm_board,
        "import os\nos.mkdir('/dev')\nopen('/dev/null','w').write('mine')\n"
        "print(open('/dev/null').read(), os.listdir('/dev'))\nos.remove('/dev/null')\nos.rmdir('/dev')",
    )
    assert (out.strip(), err) == ("mine ['null']", "")


def test_cwd_and_dotdot_stay_on_the_flash(wasm_board):
    out, err = run_raw(
        wasm_board,
        "import os\nos.chdir('/')\nos.chdir('..')\nprint(os.getcwd())\nos.mkdir('/cwd_d')\nos.chdir('/cwd_d')\n"
        "open('f', 'w').close()\nos.rename('/cwd_d/f', '../cwd_f')\n"
        "print(os.getcwd(), os.listdir('..') == os.listdir('/'))\n"
        "os.chdir('../..')\nprint(os.getcwd(), 'cwd_f' in os.listdir())\nos.remove('cwd_f')\nos.rmdir('cwd_d')",
    )
    assert err == ""
    assert out.split() == ["/", "/cwd_d", "True", "/", "True"]


def test_uname_and_machine(wasm_board):
    uname = value(wasm_board, "tuple(__import__('os').uname())")
    assert uname[0] == "webassembly" and uname[2].count(".") == 2 and uname[3].startswith("v")
    out, err = run_raw(
        wasm_board,
        "import machine\nu = machine.unique_id()\nprint(type(u).__name__, len(u))\n"
        "print(machine.freq())\nmachine.freq(240000000)\nprint(machine.freq())\nmachine.freq(160000000)\n"
        "print(machine.reset_cause() in (machine.PWRON_RESET, machine.SOFT_RESET))",
    )
    assert err == ""
    assert out.split() == ["bytes", "6", "160000000", "240000000", "True"]
    assert value(wasm_board, "__import__('machine').unique_id()") == value(
        wasm_board, "__import__('machine').unique_id()"
    )


def test_a_program_reads_stdin_over_the_raw_repl(wasm_board):
    with serial.Serial(wasm_board.port, 115200, timeout=0.2) as port:
        enter_raw(port)
        port.write(
            b"import sys\nname = input('name? ')\nrest = sys.stdin.buffer.read(5)\n"
            b"print('got', repr(name), repr(rest))\x04"
        )
        read_until(port, b"OK")
        read_until(port, b"name? ")
        port.write(b"Ada\rbytes")
        body = read_until(port, b"\x04>")
        port.write(b"\x02")
    assert b"Ada\r\ngot 'Ada' b'bytes'\r\n\x04\x04>" in body


def test_ctrl_c_stops_a_program_waiting_for_input(wasm_board):
    with serial.Serial(wasm_board.port, 115200, timeout=0.2) as port:
        enter_raw(port)
        port.write(b"input('waiting> ')\x04")
        read_until(port, b"waiting> ")
        port.write(b"\x03")
        body = read_until(port, b"\x04>")
        port.write(b"\x02")
    assert b"KeyboardInterrupt" in body


def test_full_filesystem_refuses_writes_with_enospc(small_board):
    out, err = run_raw(
        small_board,
        "import os\nf = open('/big.bin', 'wb')\nn = 0\ntry:\n"
        "    while True:\n        n += f.write(bytes(4096))\nexcept OSError as e:\n    print('errno', e.errno)\n"
        "f.close()\nprint(n, os.stat('/big.bin')[6], os.statvfs('/')[3])",
    )
    assert err == ""
    first, second = out.strip().splitlines()
    assert first == "errno 28"
    written, size, free = (int(x) for x in second.split())
    assert written == size == 14 * 4096 and free == 0  # 16 blocks, 2 for the root folder
    # Still usable: removing the file gives the room back.
    out, err = run_raw(small_board, "import os\nos.remove('/big.bin')\nprint(os.statvfs('/')[3])")
    assert (out.strip(), err) == ("14", "")


def test_put_past_full_says_no_space(small_board, tmp_path):
    src = tmp_path / "huge.bin"
    src.write_bytes(bytes(100 * 1024))
    result = cli("-p", small_board.port, "put", str(src), "/huge.bin")
    assert result.returncode == 1 and "will not fit" in result.stderr, result.stderr  # statvfs, before writing
    assert len(result.stderr.strip().splitlines()) == 1
    small = tmp_path / "small.py"
    small.write_text("x = 1\n")
    assert cli("-p", small_board.port, "put", str(small), "/small.py").returncode == 0
    assert cli("-p", small_board.port, "cat", "/small.py").stdout == "x = 1\n"


def test_a_300_character_name_is_refused_and_the_board_keeps_saving(wasm_board, tmp_path):
    src = tmp_path / "a.py"
    src.write_text("print('a')\n")
    result = cli("-p", wasm_board.port, "put", str(src), "/" + LONG_NAME)
    assert result.returncode == 1
    assert "name too long" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    out, err = run_raw(wasm_board, f"open({LONG_NAME!r}, 'w')")
    assert "OSError: 36" in err
    listed = cli("-p", wasm_board.port, "ls", "/")
    assert listed.returncode == 0, listed.stderr
    # The board still saves its files to its host folder.
    assert cli("-p", wasm_board.port, "put", str(src), "/after_long.py").returncode == 0
    saved = Path(wasm_board.fs_dir) / "after_long.py"
    deadline = time.monotonic() + 5
    while not saved.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert saved.read_text() == "print('a')\n"
    assert "flash sync failed" not in (Path(wasm_board.state_dir) / "daemon.log").read_text()
    cli("-p", wasm_board.port, "rm", "/after_long.py")


def test_interpreter_crash_reboots_behind_the_same_port(own_board):
    run_raw(own_board, "open('/kept.txt', 'w').write('before the crash')")
    with serial.Serial(own_board.port, 115200, timeout=0.2) as port:
        port.write(b"\x02\r")
        read_until(port, b">>> ")
        port.write(b"class T(tuple): pass\r\r")
        read_until(port, b">>> ")
        port.write(b"print((1,2) + T((3,4)))\r")
        text = read_until(port, b'Type "help()" for more information.\r\n>>> ', timeout=10)
        assert b"FATAL: MicroPython crashed (RuntimeError: memory access out of bounds)" in text
        port.write(b"import machine; print(open('/kept.txt').read(), machine.reset_cause())\r")
        assert b"before the crash 3" in read_until(port, b"3\r\n>>> ")
    again = virtual.find(own_board.name)
    assert again is not None and again.port == own_board.port and again.backend_pid == own_board.backend_pid
    assert (Path(own_board.fs_dir) / "kept.txt").read_text() == "before the crash"


def test_crash_during_exec_is_reported_and_the_board_answers_after(own_board):
    code = "class T(tuple): pass\nprint((1,2) + T((3,4)))"
    result = cli("-p", own_board.port, "exec", "--max-time", "8", code, timeout=90)
    assert result.returncode != 0
    assert "MicroPython crashed" in result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    after = cli("-p", own_board.port, "exec", "print(6 * 7)")
    assert (after.returncode, after.stdout.strip()) == (0, "42")


def test_machine_reset_and_soft_reset(own_board):
    with serial.Serial(own_board.port, 115200, timeout=0.2) as port:
        enter_raw(port)
        port.write(b"import machine; machine.reset()\x04")
        text = read_until(port, b'Type "help()" for more information.\r\n>>> ')
        assert b"\x04" not in text.split(b"OK", 1)[-1]  # a reset board prints no end of output
        port.write(b"import machine; machine.reset_cause()\r")
        assert b"\r\n2\r\n>>> " in read_until(port, b"2\r\n>>> ")
        enter_raw(port)
        port.write(b"import machine; machine.soft_reset()\x04")
        read_until(port, b"MPY: soft reboot\r\n")
        read_until(port, RAW_PROMPT)
        out, err = raw_exec(port, "import machine; print(machine.reset_cause())")
        assert (out, err) == (b"5\r\n", b"")
        port.write(b"\x02")


def test_a_crashed_backend_process_is_restarted_behind_the_same_port(own_board):
    import os
    import signal

    run_raw(own_board, "open('/saved.txt', 'w').write('kept')")
    time.sleep(0.6)  # written back to the host folder once the REPL is idle
    with serial.Serial(own_board.port, 115200, timeout=0.2) as port:
        os.kill(own_board.backend_pid, signal.SIGSEGV)
        text = read_until(port, b'Type "help()" for more information.\r\n>>> ', timeout=10)
        assert b"FATAL: MicroPython crashed (signal SIGSEGV); the board reboots" in text
        port.write(b"print(open('/saved.txt').read())\r")
        assert b"kept" in read_until(port, b"kept\r\n>>> ")
    again = virtual.find(own_board.name)
    assert again is not None and again.port == own_board.port and again.backend_pid != own_board.backend_pid


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["wasm", "--flash-size", "1K"], 2),
        (["wasm", "--flash-size", "lots"], 2),
        (["microbit", "--flash-size", "64K"], 1),
    ],
)
def test_flash_size_option_is_checked(boardkit_home, args, code):
    result = cli("virtual", "start", *args)
    assert result.returncode == code
    assert result.stderr.startswith("boardkit: ") and len(result.stderr.strip().splitlines()) == 1
