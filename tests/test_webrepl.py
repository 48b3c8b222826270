"""WebREPL (ws://) against the wasm virtual board's WebREPL endpoint.

The endpoint speaks WebREPL's handshake like an ESP32 and shares the board's REPL with its
pty; everything here goes through the real `boardkit` command or the public library.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time

import pytest

from cli_helpers import BOARDKIT, boardkit, one_line_error

pytestmark = pytest.mark.wasm

PASSWORD = "t0p-s3cret-pw"
NOTE = "WebREPL is unencrypted"


@pytest.fixture(scope="module")
def web_board(boardkit_home):
    from boardkit import virtual
    from boardkit.errors import VirtualBoardError

    try:
        board = virtual.start("wasm", name="test-webrepl", webrepl_port=0, webrepl_password=PASSWORD)
    except VirtualBoardError as exc:
        pytest.skip(f"wasm virtual board unavailable: {exc} ({exc.hint})")
    yield board
    if virtual.find(board.name):
        virtual.stop(board.name)


@pytest.fixture
def url(web_board):
    return f"ws://127.0.0.1:{web_board.webrepl_port}"


ENV = {"WEBREPL_TEST_PW": PASSWORD, "BOARDKIT_WEBREPL_PASSWORD": "", "BOARDKIT_CONFIG": os.devnull}


def bk(url, *args, env=None, **kwargs):
    return boardkit("-p", url, "--password-env", "WEBREPL_TEST_PW", *args, env={**ENV, **(env or {})}, **kwargs)


def assert_clean(result):
    assert PASSWORD not in result.stdout.decode() + result.stderr.decode()


def test_exec_and_note_once(url):
    result = bk(url, "exec", "print(6 * 7); print('x' * 3)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "42\nxxx\n"
    assert result.stderr.decode().count(NOTE) == 1
    assert_clean(result)


def test_run(url, tmp_path):
    script = tmp_path / "hello.py"
    script.write_text("for i in range(3):\n    print('line', i)\n")
    result = bk(url, "run", str(script))
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "line 0\nline 1\nline 2\n"


def test_files_round_trip(url, tmp_path):
    data = os.urandom(20000) + "ünïcödé ✓".encode()
    local = tmp_path / "blob.bin"
    local.write_bytes(data)
    assert bk(url, "put", str(local), "ws_blob.bin").returncode == 0
    listing = bk(url, "ls")
    assert listing.returncode == 0 and "ws_blob.bin" in listing.stdout.decode()
    cat = bk(url, "cat", "ws_blob.bin")
    assert cat.returncode == 0 and cat.stdout == data
    assert bk(url, "rm", "ws_blob.bin").returncode == 0
    assert "ws_blob.bin" not in bk(url, "ls").stdout.decode()


def test_shares_the_repl_with_the_pty(url, web_board):
    assert bk(url, "exec", "shared_value = 1234").returncode == 0
    result = boardkit("-p", web_board.port, "exec", "print(shared_value)")
    assert result.stdout.decode().strip() == "1234", result.stderr


def test_library_connect_uses_raw_paste(url):
    import boardkit

    with boardkit.connect(url, password=PASSWORD) as device:
        assert device.eval("2 ** 10") == 1024
        assert device.repl.raw_paste is True
        code = "total = 0\n" + "".join(f"total += {i}\n" for i in range(2000)) + "print(total)\n"
        assert device.exec(code).strip() == str(sum(range(2000))).encode()
        assert PASSWORD not in repr(device.link) + repr(device.link.__dict__.get("url"))


def test_library_wrong_password_raises_auth_error(url):
    import boardkit
    from boardkit.errors import AuthError

    with pytest.raises(AuthError) as info:
        boardkit.connect(url, password="nope")
    assert "wrong WebREPL password" in str(info.value)
    assert "nope" not in str(info.value) + (info.value.hint or "")


def test_wrong_password_is_one_line(url):
    result = bk(url, "exec", "print(1)", env={"WEBREPL_TEST_PW": "wrong-guess-pw"})
    line = one_line_error(result)
    assert "wrong WebREPL password" in line and url in line
    assert "wrong-guess-pw" not in result.stderr.decode() + result.stdout.decode()


def test_json_output_does_not_leak(url):
    assert_clean(bk(url, "ls", "--json"))


def test_wrong_password_json_does_not_leak(url):
    result = bk(url, "ls", "--json", env={"WEBREPL_TEST_PW": "wrong-guess-pw"})
    assert result.returncode != 0
    assert "wrong-guess-pw" not in result.stderr.decode() + result.stdout.decode()


def test_no_password_and_no_tty_is_one_line(url):
    result = boardkit("-p", url, "exec", "print(1)", input=b"", env={**ENV})
    line = one_line_error(result)
    assert "no WebREPL password" in line


def test_password_from_env_var(url):
    result = boardkit("-p", url, "exec", "print('env ok')", env={**ENV, "BOARDKIT_WEBREPL_PASSWORD": PASSWORD})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "env ok\n"


def test_password_from_config_file(url, tmp_path):
    config = tmp_path / "config.toml"
    config.write_text(f'[webrepl."{url}"]\npassword = "{PASSWORD}"\n')
    result = boardkit("-p", url, "exec", "print('config ok')", env={**ENV, "BOARDKIT_CONFIG": str(config)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode() == "config ok\n"


def test_connection_refused_is_one_line():
    result = bk("ws://127.0.0.1:9", "exec", "print(1)")
    line = one_line_error(result)
    assert "cannot reach ws://127.0.0.1:9" in line


def test_virtual_list_shows_port_not_password(web_board):
    result = boardkit("virtual", "list", "--json")
    assert result.returncode == 0
    assert f'"webrepl_port": {web_board.webrepl_port}' in result.stdout.decode()
    assert_clean(result)


def test_password_not_in_daemon_argv(web_board):
    cmdline = open(f"/proc/{web_board.pid}/cmdline", "rb").read()
    assert PASSWORD.encode() not in cmdline


def test_repl_over_ws_in_a_pty(url):
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [*BOARDKIT, "-p", url, "--password-env", "WEBREPL_TEST_PW", "repl"],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        close_fds=True,
        env={**os.environ, **ENV},
    )
    os.close(slave)
    seen = b""

    def expect(needle: bytes, timeout: float = 10) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while needle not in seen:
            left = deadline - time.monotonic()
            assert left > 0, f"did not see {needle!r}; saw {seen[-300:]!r}"
            ready, _, _ = select.select([master], [], [], left)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break
        assert needle in seen, seen[-300:]

    try:
        expect(b"Ctrl-] to leave")
        assert seen.count(NOTE.encode()) == 1
        time.sleep(0.5)  # let boardkit put the terminal in raw mode before typing control keys
        os.write(master, b"\x03\x02")
        expect(b">>> ")
        os.write(master, b"print(6 * 7)\r")
        expect(b"42")
        os.write(master, b"\x05")  # paste mode
        expect(b"paste mode")
        os.write(master, b"s = 0\rfor i in range(4):\r    s += i\rprint('sum', s)\r\x04")
        expect(b"sum 6")
        os.write(master, b"\x1d")
        assert proc.wait(timeout=10) == 0
        assert PASSWORD.encode() not in seen
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)


def test_virtual_webrepl_needs_a_password_env():
    result = boardkit(
        "virtual", "start", "wasm", "--name", "never-started", "--webrepl", "0", env={"NO_SUCH_PW_VAR": ""}
    )
    assert "--webrepl needs a password" in one_line_error(result)
    result = boardkit(
        "virtual",
        "start",
        "wasm",
        "--name",
        "never-started",
        "--webrepl",
        "0",
        "--password-env",
        "NO_SUCH_PW_VAR",
        env={"NO_SUCH_PW_VAR": ""},
    )
    assert "NO_SUCH_PW_VAR" in one_line_error(result)


def test_second_client_is_turned_away_while_one_is_logged_in(url):
    import boardkit
    from boardkit.errors import LinkError

    with boardkit.connect(url, password=PASSWORD) as first:
        with pytest.raises(LinkError) as info:
            boardkit.connect(url, password=PASSWORD, timeout=3)
        assert "before asking for the password" in str(info.value)
        assert first.eval("1 + 2") == 3
