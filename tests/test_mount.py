"""`boardkit mount` on the real wasm board (and its refusal on the real micro:bit firmware).

The board imports a package and opens files from a folder on this computer, over the same
serial stream as its REPL; the folder is the boundary (no "..", no link out); writes only
with --writable; Ctrl-C stops a mounted program; afterwards the board is as it was.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boardkit import api
from cli_helpers import BOARDKIT, boardkit, one_line_error

pytestmark = pytest.mark.wasm

MPREMOTE = Path(sys.executable).with_name("mpremote")


@pytest.fixture
def project(tmp_path):
    """A host folder with a package (and a submodule), a data file, and a secret beside it."""
    (tmp_path / "secret.txt").write_text("TOP SECRET\n")
    root = tmp_path / "project"
    (root / "shapes").mkdir(parents=True)
    (root / "shapes" / "__init__.py").write_text("from shapes.square import area\nKIND = 'package'\n")
    (root / "shapes" / "square.py").write_text("def area(side):\n    return side * side\n")
    (root / "words.txt").write_text("alpha\nbeta\ngamma é\n", encoding="utf-8")
    return root


def mount(board, root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return boardkit("-p", board.port, "mount", str(root), *args, timeout=timeout)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, (result.stdout, result.stderr)
    return result.stdout.decode()


def board_exec(board, code: str) -> str:
    return ok(boardkit("-p", board.port, "exec", code))


def test_imports_a_package_and_reads_a_file_from_the_host(wasm_board, project):
    out = ok(
        mount(
            wasm_board,
            project,
            "--exec",
            "import os, shapes; print(shapes.KIND, shapes.area(7)); print(os.getcwd(), sorted(os.listdir()));"
            "print('|'.join(l.strip() for l in open('words.txt')))",
        )
    )
    assert "package 49" in out
    assert "/remote ['shapes', 'words.txt']" in out
    assert "alpha|beta|gamma é" in out


def test_run_file_exit_status_and_traceback_as_boardkit_run(wasm_board, project, tmp_path):
    main = tmp_path / "main.py"
    main.write_text("import sys, shapes\nprint('area', shapes.area(3))\nsys.exit(4)\n")
    result = mount(wasm_board, project, "--run", str(main))
    assert result.returncode == 4 and b"area 9" in result.stdout
    main.write_text("import shapes\nshapes.area(None)\n")
    result = mount(wasm_board, project, "--run", str(main))
    assert result.returncode == 1
    assert b"TypeError" in result.stderr and b"square.py" in result.stderr  # the host file's name


def test_a_file_changed_on_the_host_is_seen_by_the_next_run(wasm_board, project):
    (project / "version.py").write_text("V = 1\n")
    assert "V 1" in ok(mount(wasm_board, project, "--exec", "import version; print('V', version.V)"))
    (project / "version.py").write_text("V = 2\n")
    assert "V 2" in ok(mount(wasm_board, project, "--exec", "import version; print('V', version.V)"))


def test_files_never_closed_by_the_program_do_not_run_out(wasm_board, project):
    code = "n = 0\nfor i in range(600):\n    n += len(open('words.txt').read())\nprint('read', n)\n"
    size = len((project / "words.txt").read_text(encoding="utf-8"))
    assert ok(mount(wasm_board, project, "--exec", code)).split() == ["read", str(600 * size)]


WRITES = (
    "import os\n"
    "for name, act in (('write', lambda: open('out.txt', 'w').write('from the board')),"
    " ('mkdir', lambda: os.mkdir('made')), ('rename', lambda: os.rename('words.txt', 'renamed.txt')),"
    " ('remove', lambda: os.remove('shapes/square.py'))):\n"
    "    try:\n"
    "        act()\n"
    "        print(name, 'ok')\n"
    "    except OSError as e:\n"
    "        print(name, 'refused', e.args[0])\n"
)


def test_read_only_by_default_writable_on_request(wasm_board, project):
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    out = ok(mount(wasm_board, project, "--exec", WRITES))
    assert out.split() == [w for name in ("write", "mkdir", "rename", "remove") for w in (name, "refused", "30")]
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    out = ok(mount(wasm_board, project, "--writable", "--exec", WRITES))
    assert out.split() == [w for name in ("write", "mkdir", "rename", "remove") for w in (name, "ok")]
    assert (project / "out.txt").read_text() == "from the board"
    assert (project / "made").is_dir() and (project / "renamed.txt").exists()
    assert not (project / "shapes" / "square.py").exists()
    assert not [p for p in project.rglob("*.tmp")]  # no temporary files left behind
    blob = "with open('blob.bin', 'wb') as f:\n    f.write(bytes(range(256)) * 400)\n    f.write(b'\\x03\\x04end')\n"
    ok(mount(wasm_board, project, "--writable", "--exec", blob))
    assert (project / "blob.bin").read_bytes() == bytes(range(256)) * 400 + b"\x03\x04end"


ESCAPES = {
    "dotdot": "open('../secret.txt').read()",
    "dotdot_absolute": "open('/remote/../secret.txt').read()",
    "dotdot_deep": "open('shapes/../../secret.txt').read()",
    "stat_parent": "import os; os.stat('/remote/..')",
    "list_parent": "import os; os.listdir('/remote/../')",
    "link_out": "open('link_out.txt').read()",
    "dir_link_out": "open('dir_out/secret.txt').read()",
    # the board's VFS asked directly, past anything MicroPython's os layer would do to a path
    "raw_request": "_bk_req('O', '/../secret.txt', 'rb')",
    "raw_request_nested": "_bk_req('S', '/shapes/../../../etc/passwd')",
}


@pytest.mark.parametrize("attempt", ESCAPES.values(), ids=list(ESCAPES))
def test_paths_leaving_the_folder_are_refused(wasm_board, project, attempt):
    (project / "link_out.txt").symlink_to(project.parent / "secret.txt")
    (project / "dir_out").symlink_to(project.parent)
    code = f"try:\n    {attempt}\n    print('served')\nexcept OSError as e:\n    print('refused', e.args[0])\n"
    with api.connect(wasm_board.port) as device:
        result = api.run_mounted(device, project, code)
    assert "SECRET" not in result.text and "root:" not in result.text
    assert result.text.split() in (["refused", "13"], ["refused", "2"])
    assert result.stats.bytes_read == 0
    if "refused 13" in result.text:
        assert result.stats.refused  # the host said no, the board did not just miss it


def test_unsafe_links_follows_a_link_out_of_the_folder(wasm_board, project):
    (project / "link_out.txt").symlink_to(project.parent / "secret.txt")
    out = ok(mount(wasm_board, project, "--unsafe-links", "--exec", "print(open('link_out.txt').read())"))
    assert "TOP SECRET" in out
    dotdot = "try:\n    open('../secret.txt').read()\nexcept OSError as e:\n    print('refused', e.args[0])\n"
    assert "refused 13" in ok(mount(wasm_board, project, "--unsafe-links", "--exec", dotdot))  # links only


def test_a_large_file_arrives_byte_exact(wasm_board, project):
    data = random.Random(13).randbytes(300 * 1024)
    (project / "big.bin").write_bytes(data)
    code = (
        "import hashlib\nh = hashlib.sha256()\nn = 0\n"
        "with open('big.bin', 'rb') as f:\n"
        "    while True:\n        b = f.read(7000)\n        if not b:\n            break\n"
        "        h.update(b)\n        n += len(b)\n"
        "print(n, h.digest().hex())\n"
        "whole = open('big.bin', 'rb').read()\nprint(len(whole), hashlib.sha256(whole).digest().hex())\n"
    )
    with api.connect(wasm_board.port) as device:
        result = api.run_mounted(device, project, code)
    expected = f"{len(data)} {hashlib.sha256(data).hexdigest()}"
    assert result.text.split("\n")[:2] == [expected, expected]
    assert result.stats.bytes_read == 2 * len(data)


def test_text_reads_in_small_pieces_never_cut_a_character(wasm_board, project):
    text = "héllo wörld — ünïcode ✓ 𝄞\n" * 50
    (project / "utf8.txt").write_text(text, encoding="utf-8")
    code = (
        "parts = []\nwith open('utf8.txt') as f:\n    while True:\n        p = f.read(3)\n"
        "        if not p:\n            break\n        parts.append(p)\n"
        "whole = ''.join(parts)\nprint(len(whole), whole == open('utf8.txt').read())\n"
        "with open('utf8.txt') as f:\n    f.readline()\n    print(repr(f.readline()[:5]), f.tell())\n"
    )
    out = ok(mount(wasm_board, project, "--exec", code)).split("\n")
    assert out[0] == f"{len(text)} True"
    assert out[1] == f"'h\\xe9llo' {len(text.encode()) // 25}"


_STUCK_AT = ""  # what the last _read_until saw (a failure's report)
_LEFT: dict[int, bytes] = {}  # per stream: what came after the needle last time


def _read_until(stream, needle: bytes, timeout: float) -> bytes:
    """Bytes up to and including needle; what came after it stays for the next call."""
    global _STUCK_AT
    seen = _LEFT.pop(stream.fileno(), b"")
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"did not see {needle!r}; saw {seen[-300:]!r}"
        ready, _, _ = select.select([stream], [], [], left)
        if ready:
            try:
                chunk = os.read(stream.fileno(), 4096)
            except OSError:  # a pty whose other side has gone
                chunk = b""
            if not chunk:
                break
            seen += chunk
            _STUCK_AT = seen[-12000:].decode(errors="replace")
    assert needle in seen, f"did not see {needle!r}; saw {seen[-300:]!r}"
    end = seen.index(needle) + len(needle)
    _LEFT[stream.fileno()] = seen[end:]
    return seen[:end]


LOOPS = {
    # fetching from the host all the time: Ctrl-C lands during transfers, not only between
    "fetching": "n = 0\nwhile True:\n    n += len(open('words.txt').read())\n    print('tick', n)\n",
    # busy on its own after one import: Ctrl-C goes straight to the board (the wasm board
    # sees an interrupt when the program calls out, e.g. to sleep)
    "busy": "import shapes, time\nprint('tick')\nwhile True:\n    shapes.area(3)\n    time.sleep_ms(1)\n",
}


@pytest.mark.parametrize("code", LOOPS.values(), ids=list(LOOPS))
def test_ctrl_c_stops_a_mounted_program_and_the_board_is_as_before(wasm_board, project, code):
    board_exec(wasm_board, "open('keep.txt', 'w').write('the board s own file')")
    listing = board_exec(wasm_board, "import os; print(sorted(os.listdir('/')))")
    proc = subprocess.Popen(
        [*BOARDKIT, "-p", wasm_board.port, "mount", str(project), "--exec", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _LEFT.pop(proc.stdout.fileno(), None)
    try:
        _read_until(proc.stdout, b"tick", timeout=30)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 130, err
    assert err.decode().strip().splitlines()[-1] == "boardkit: interrupted"
    after = board_exec(
        wasm_board,
        "import os\nprint(os.getcwd())\ntry:\n    os.stat('/remote')\n    print('still mounted')\n"
        "except OSError:\n    print('unmounted')\nprint(open('keep.txt').read())\n"
        "print([n for n in globals() if n.lower()[:3] == '_bk' or n[:5] == 'bkfs_'])\n",
    )
    assert after.split("\n")[:4] == ["/", "unmounted", "the board s own file", "[]"]
    assert board_exec(wasm_board, "import os; print(sorted(os.listdir('/')))") == listing
    # an independent client finds the board as usual
    peer = subprocess.run(
        [str(MPREMOTE), "connect", wasm_board.port, "exec", "print(6 * 7)"], capture_output=True, timeout=60
    )
    assert peer.returncode == 0 and b"42" in peer.stdout, peer.stderr
    peer = subprocess.run([str(MPREMOTE), "connect", wasm_board.port, "ls", ":"], capture_output=True, timeout=60)
    assert peer.returncode == 0 and b"keep.txt" in peer.stdout, peer.stderr
    board_exec(wasm_board, "import os; os.remove('keep.txt')")


def test_the_repl_has_the_folder_mounted(wasm_board, project):
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "boardkit", "-p", wasm_board.port, "mount", str(project)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    reader = os.fdopen(master, "rb", buffering=0)
    _LEFT.pop(master, None)
    try:
        # Typed only once boardkit's terminal is raw; Enter then shows a fresh prompt (what
        # came before, banner and all, may be printed before the pty changed mode).
        _wait_for_raw_mode(master)
        os.write(master, b"\r")
        _read_until(reader, b">>> ", timeout=30)
        os.write(master, b"import shapes, os; print('AREA', shapes.area(5), os.getcwd())\r")
        _read_until(reader, b"AREA 25 /remote", timeout=30)
        # a typed Ctrl-C stops a program that keeps reading the folder, and the prompt comes back
        # (typed after the prompt: keys typed ahead while the board fetches a file are eaten,
        # and `import time` looks in the folder first, as MicroPython lets a file extend it)
        os.write(master, b"import time\r")
        _read_until(reader, b"import time\r\n>>> ", timeout=30)
        os.write(master, b"while True: n = open('words.txt').read(); time.sleep_ms(1)\r\r")
        time.sleep(0.5)  # let it loop (not an assert: it only makes the Ctrl-C land mid-loop)
        os.write(master, b"\x03")
        _read_until(reader, b"KeyboardInterrupt", timeout=30)
        _read_until(reader, b">>> ", timeout=30)
        os.write(master, b"\x04")  # a soft reset unmounts; boardkit mounts the folder again, as mpremote does
        _read_until(reader, b"is mounted again at /remote", timeout=30)
        _read_until(reader, b">>> ", timeout=30)
        os.write(master, b"import shapes, os; print('AGAIN', shapes.area(6), os.getcwd())\r")
        _read_until(reader, b"AGAIN 36 /remote", timeout=30)
        os.write(master, b"\x1d")  # Ctrl-] leaves
        assert proc.wait(timeout=30) == 0
    except AssertionError as exc:
        if proc.poll() is None:  # where boardkit is stuck, for the failure's report
            proc.send_signal(signal.SIGABRT)
            with contextlib.suppress(AssertionError):
                _read_until(reader, b"never", timeout=3)
        raise AssertionError(f"{exc}\n{_STUCK_AT}") from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        reader.close()
    assert board_exec(wasm_board, "import os; print(os.getcwd(), 'shapes' in __import__('sys').modules)").split() == [
        "/",
        "False",
    ]


def _wait_for_raw_mode(master: int) -> None:
    """Until boardkit's terminal is in raw mode (a line typed before would be cooked: \r -> \n)."""
    import termios

    deadline = time.monotonic() + 30
    while termios.tcgetattr(master)[3] & termios.ICANON:
        assert time.monotonic() < deadline, "the terminal never went into raw mode"
        time.sleep(0.01)


BAD = {
    "missing_dir": ([], "Missing argument 'DIR'"),
    "no_such_dir": (["{tmp}/nope"], "no such folder"),
    "dir_is_a_file": (["{tmp}/file.txt"], "is a file, not a folder"),
    "run_and_exec": (["{tmp}", "--run", "{tmp}/file.txt", "--exec", "1"], "not both"),
    "run_missing_file": (["{tmp}", "--run", "{tmp}/nope.py"], "nope.py"),
    "run_a_folder": (["{tmp}", "--run", "{tmp}"], "is a folder"),
    "bad_max_time": (["{tmp}", "--exec", "1", "--max-time", "-3"], "max-time"),
    "unknown_option": (["{tmp}", "--read-write"], "No such option"),
}


@pytest.mark.parametrize(("args", "said"), BAD.values(), ids=list(BAD))
def test_bad_input_is_one_line_before_any_board(tmp_path, args, said):
    (tmp_path / "file.txt").write_text("x")
    argv = [a.format(tmp=tmp_path) for a in args]
    result = boardkit("-p", str(tmp_path / "no-such-port"), "mount", *argv, timeout=30)
    line = one_line_error(result)
    assert said in line, line


@pytest.mark.microbit
def test_the_microbit_says_it_cannot_mount_and_what_to_do(microbit_board, project):
    result = mount(microbit_board, project, "--exec", "import shapes")
    line = one_line_error(result)
    assert result.returncode == 1
    assert "micro:bit's MicroPython 1.9.2 cannot mount a folder: it has no os.mount" in line
    assert "boardkit sync DIR" in line and "boardkit run FILE" in line
    out = ok(boardkit("-p", microbit_board.port, "exec", "print(6 * 7)"))
    assert out.strip() == "42"  # the board is left working
