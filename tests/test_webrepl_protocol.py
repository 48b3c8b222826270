"""The virtual boards' WebREPL endpoint against clients nobody here wrote.

Two independent clients: the PyPI `webrepl` package (a descendant of MicroPython's
webrepl_cli.py: fixed key "foo", unmasked frames) and tests/webrepl_raw_client.py (the
bytes webrepl_cli.py sends, on a bare socket, for the cases a well-behaved client never
causes). Files they PUT are read back through the board's pty by boardkit, and the other
way round, so the transfer lands on the board's own filesystem.
"""

from __future__ import annotations

import os
import time

import pytest
import serial
import webrepl  # PyPI "webrepl": a WebREPL client package, not ours

import boardkit
from webrepl_raw_client import BINARY, TEXT, RawWebRepl

PASSWORD = "wr-proto-pw"


def _web_board(kind: str, name: str):
    from boardkit import virtual

    board = virtual.start(kind, name=name, webrepl_port=0, webrepl_password=PASSWORD)
    yield board
    if virtual.find(board.name):
        virtual.stop(board.name)


@pytest.fixture(scope="module")
def wasm_web(boardkit_home):
    yield from _web_board("wasm", "proto-wasm")


@pytest.fixture(scope="module")
def microbit_web(boardkit_home):
    yield from _web_board("microbit", "proto-microbit")


def pypi_client(board) -> webrepl.Webrepl:
    client = webrepl.Webrepl(host="127.0.0.1", port=board.webrepl_port, password=PASSWORD)
    assert client.connected
    return client


def raw_client(board) -> RawWebRepl:
    client = RawWebRepl(board.webrepl_port)
    status, _ = client.handshake()
    assert b" 101 " in status
    assert client.login(PASSWORD).endswith(b"WebREPL connected\r\n>>> ")
    return client


def board_files(board) -> dict[str, bytes]:
    """The board's top-level files, read over its pty (not over WebREPL)."""
    with boardkit.connect(board.port) as device:
        return {e.name: device.read_file(e.path) for e in device.listdir("/") if not e.is_dir}


# ---------------------------------------------------------------------------- the wasm board
@pytest.mark.wasm
def test_pypi_client_puts_and_gets(wasm_web, tmp_path):
    data = os.urandom(30000) + "ünï ✓".encode()
    local = tmp_path / "blob.bin"
    local.write_bytes(data)
    client = pypi_client(wasm_web)
    try:
        major, minor, micro = client.get_ver()
        client.put_file(str(local), "/pypi.bin")
        assert client.get_file_content("/pypi.bin") == data
        assert "42" in client.sendcmd("print(6 * 7)").decode()
    finally:
        client.disconnect()
    time.sleep(0.3)  # the session ends before the pty may open the board
    with boardkit.connect(wasm_web.port) as device:
        assert device.read_file("/pypi.bin") == data
        assert device.eval("__import__('sys').implementation.version[:3]") == (major, minor, micro)
        assert not [e.name for e in device.listdir("/") if e.name.endswith(".wrtmp")]
        device.write_file("/from_pty.txt", b"written over the pty\n")
    client = pypi_client(wasm_web)
    try:
        assert client.get_file_content("/from_pty.txt") == b"written over the pty\n"
    finally:
        client.disconnect()


@pytest.mark.wasm
def test_fixed_key_handshake_and_unmasked_frames(wasm_web):
    client = RawWebRepl(wasm_web.webrepl_port)
    try:
        status, headers = client.handshake()
        assert status.startswith(b"HTTP/1.1 101")
        assert headers[b"sec-websocket-accept"] == RawWebRepl.expected_accept(b"foo")
        assert client.login(PASSWORD) == b"\r\nWebREPL connected\r\n>>> "
        client.send(b"print('un' + 'masked')\r")  # unmasked, as webrepl_cli.py sends
        assert b"unmasked" in client.read_text_until(b"unmasked\r\n")
        client.send(b"print(2 ** 5)\r", masked=True)  # and masked, as browsers do
        assert b"32" in client.read_text_until(b"32\r\n")
    finally:
        client.close()


@pytest.mark.wasm
def test_wrong_password_is_denied_and_closed(wasm_web):
    client = RawWebRepl(wasm_web.webrepl_port)
    try:
        client.handshake()
        assert client.login("not-the-pw") == b"\r\nAccess denied\r\n"
        with pytest.raises((EOFError, ConnectionError)):
            while True:
                kind, _ = client.frame()
                if kind == 0x88:  # the close frame; then the socket closes
                    client.frame()
    finally:
        client.close()


@pytest.mark.wasm
def test_get_missing_file_and_put_into_missing_folder_fail_cleanly(wasm_web):
    client = raw_client(wasm_web)
    try:
        assert client.get("/no/such/file.txt")[0] != 0
        assert client.put("/no_such_folder/x.txt", b"data") != 0
        # the session goes on: the REPL and the next transfer still work
        client.send(b"print('still', 'here')\r")
        client.read_text_until(b"still here\r\n")
        assert client.put("/after.txt", b"after\n") == 0
        assert client.get("/after.txt") == (0, b"after\n")
        assert client.put("/empty.txt", b"") == 0
        assert client.get("/empty.txt") == (0, b"")
    finally:
        client.close()


@pytest.mark.wasm
def test_client_vanishing_mid_put_keeps_the_old_file(wasm_web):
    old = b"the old contents\n" * 100
    client = raw_client(wasm_web)
    try:
        assert client.put("/keep.txt", old) == 0
    finally:
        client.close()
    client = raw_client(wasm_web)
    client.put("/keep.txt", os.urandom(20000), stop_after=5000)
    client.close()  # gone half-way through
    time.sleep(1.0)
    files = board_files(wasm_web)
    assert files["keep.txt"] == old
    assert not [name for name in files if name.startswith("keep.txt.")]


@pytest.mark.wasm
def test_transfer_in_raw_repl_leaves_it_raw(wasm_web):
    """A client in the raw REPL (boardkit, mpremote) may PUT between commands, as on a board."""
    client = raw_client(wasm_web)
    try:
        client.send(b"\x01")
        client.read_text_until(b"raw REPL; CTRL-B to exit\r\n>")
        assert client.put("/raw.txt", b"put from the raw REPL\n") == 0
        client.send(b"print(open('/raw.txt').read())\x04")
        assert b"put from the raw REPL" in client.read_text_until(b"\x04>")
        client.send(b"\x02")
        client.read_text_until(b">>> ")
    finally:
        client.close()


@pytest.mark.wasm
def test_text_typed_during_a_put_waits_for_it(wasm_web):
    client = raw_client(wasm_web)
    try:
        client.request(1, "/typed.txt", 6)
        assert client.response() == 0
        client.send(b"print('typed' * 2)\r", TEXT)  # arrives while the file is open
        client.send(b"abcdef", BINARY)
        assert client.response() == 0
        client.read_text_until(b"typedtyped\r\n")
        assert client.get("/typed.txt") == (0, b"abcdef")
    finally:
        client.close()


@pytest.mark.wasm
def test_boardkit_client_uses_put_and_get(wasm_web, monkeypatch):
    data = os.urandom(50000)
    with boardkit.connect(f"ws://127.0.0.1:{wasm_web.webrepl_port}", password=PASSWORD) as device:
        transfer = device.link.file_transfer()
        assert transfer is not None and transfer.version[0] == 1
        sent: list[str] = []
        put = transfer.put_file
        monkeypatch.setattr(transfer, "put_file", lambda path, *a, **k: (sent.append(path), put(path, *a, **k)))
        device.write_file("/bk_put.bin", data)
        assert sent == ["/bk_put.bin.bktmp"]  # PUT to the temporary name, then checked and renamed
        assert device.read_file("/bk_put.bin") == data
        assert device.eval("2 + 2") == 4  # the raw REPL session goes on
    assert board_files(wasm_web)["bk_put.bin"] == data


@pytest.mark.wasm
def test_a_pty_client_keeps_its_reply_when_a_session_ends_late(wasm_web):
    """The session's end reaches the board after a serial client has already opened and typed
    (the WebREPL server hands it over from a thread): that client's reply must stay."""
    old = raw_client(wasm_web)
    with serial.Serial(wasm_web.port, timeout=10) as tty:
        tty.reset_input_buffer()
        tty.write(b"print('pty' + 'side')\r")
        deadline = time.monotonic() + 10
        while tty.in_waiting < len("print('pty' + 'side')\r\nptyside\r\n>>> ") and time.monotonic() < deadline:
            time.sleep(0.02)  # the reply waits, unread, in the pty
        old.close()
        raw_client(wasm_web).close()  # a new login: the old session has surely ended by now
        assert b"ptyside\r\n" in tty.read_until(b"ptyside\r\n")


@pytest.mark.wasm
def test_boardkit_client_without_file_transfer(wasm_web, monkeypatch):
    monkeypatch.setenv("BOARDKIT_WEBREPL_FILES", "0")
    with boardkit.connect(f"ws://127.0.0.1:{wasm_web.webrepl_port}", password=PASSWORD) as device:
        assert device.link.file_transfer() is None
        device.write_file("/bk_raw.txt", b"through the raw REPL\n")
        assert device.read_file("/bk_raw.txt") == b"through the raw REPL\n"


@pytest.mark.wasm
def test_boardkit_put_into_missing_folder_names_the_file(wasm_web, tmp_path):
    from cli_helpers import boardkit as run_boardkit
    from cli_helpers import one_line_error

    local = tmp_path / "hi.txt"
    local.write_bytes(b"hi\n")
    result = run_boardkit(
        "-p",
        f"ws://127.0.0.1:{wasm_web.webrepl_port}",
        "--password-env",
        "PROTO_PW",
        "put",
        str(local),
        "/missing_folder/hi.txt",
        env={"PROTO_PW": PASSWORD, "BOARDKIT_CONFIG": os.devnull},
    )
    line = one_line_error(result.__class__(result.args, result.returncode, result.stdout, _without_note(result)))
    assert "/missing_folder/hi.txt:" in line and ".bktmp" not in line


def _without_note(result) -> bytes:
    return b"".join(line for line in result.stderr.splitlines(True) if b"note: WebREPL is unencrypted" not in line)


# ---------------------------------------------------------------------------- the micro:bit
@pytest.mark.microbit
def test_microbit_pypi_client_puts_and_gets(microbit_web, tmp_path):
    data = os.urandom(1500)
    local = tmp_path / "mb.bin"
    local.write_bytes(data)
    client = pypi_client(microbit_web)
    try:
        assert client.get_ver()[:2] == (1, 9)
        client.put_file(str(local), "mb.bin")
        assert client.get_file_content("mb.bin") == data
    finally:
        client.disconnect()
    time.sleep(0.3)
    assert board_files(microbit_web)["mb.bin"] == data


@pytest.mark.microbit
def test_microbit_boardkit_client_over_webrepl(microbit_web):
    data = bytes(range(256)) * 8
    with boardkit.connect(f"ws://127.0.0.1:{microbit_web.webrepl_port}", password=PASSWORD) as device:
        assert device.link.file_transfer() is not None
        device.write_file("bk.bin", data)
        assert device.read_file("bk.bin") == data
        device.remove("bk.bin")


@pytest.mark.microbit
@pytest.mark.parametrize("lossy", [True, False])
def test_the_endpoint_sends_a_step_that_lost_a_byte_again(microbit_board, lossy):
    """The endpoint plays the board's C code through the raw REPL of a chip that can drop a
    byte under load. A step that lost one still parses (open('ost.txt') for open('lost.txt')):
    checked (lossy), it is refused and sent again; unchecked, the wrong file is written."""
    import threading

    from boardkit.links import open_link
    from boardkit.virtual.webrepl_files import BoardConsole

    link = open_link(microbit_board.port)
    dropped = []

    def send(data: bytes) -> None:
        if b"lost.txt" in data and not dropped:
            dropped.append(data)
            data = data.replace(b"lost.txt", b"ost.txt", 1)
        link.write(data)

    console = BoardConsole(send=send, forward=lambda data: None, lossy=lossy)
    stop = threading.Event()

    def board_output() -> None:
        while not stop.is_set():
            data = link.read(4096, 0.05)
            if data:
                console.route(data)

    reader = threading.Thread(target=board_output, daemon=True)
    reader.start()
    try:
        console.begin()
        try:
            console.run("_wr_f = open({0}, 'w')\n_wr_f.write('x')\n_wr_f.close()\ndel _wr_f", "lost.txt")
            names = console.exec("import os\nprint(sorted(os.listdir()))").decode()
            console.exec("for n in ('lost.txt', 'ost.txt'):\n try:\n  os.remove(n)\n except OSError:\n  pass")
        finally:
            console.end()
    finally:
        stop.set()
        reader.join()
        link.close()
    assert dropped
    assert ("'lost.txt'" in names and "'ost.txt'" not in names) == lossy, names


# ---------------------------------------------------------------------------- a WebREPL without the protocol
class _EndpointOverPty:
    """The endpoint (WebReplServer) with its file protocol switched off, in this process,
    bridged to a board's pty: it stands for a WebREPL that types binary frames into the REPL."""

    def __init__(self, pty_path: str) -> None:
        import termios
        import threading
        import tty

        from boardkit.virtual.webrepl_server import WebReplServer

        self.server = WebReplServer(0, PASSWORD, file_transfer=False)
        self.fd = os.open(pty_path, os.O_RDWR | os.O_NOCTTY)
        tty.setraw(self.fd)
        termios.tcflush(self.fd, termios.TCIOFLUSH)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self.server.start()
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        self.server.close()
        os.close(self.fd)

    def _run(self) -> None:
        import select

        sock = None
        while not self.stop.is_set():
            watch = [self.server.wakeup_fd, self.fd] + ([sock] if sock else [])
            ready, _, _ = select.select(watch, [], [], 0.1)
            if self.server.wakeup_fd in ready:
                sock = self.server.take_session() or sock
            if self.fd in ready:
                data = os.read(self.fd, 65536)
                if sock is not None:
                    try:
                        sock.sendall(data)
                    except OSError:
                        sock = None
            if sock is not None and sock in ready:
                data = sock.recv(65536)
                if data:
                    os.write(self.fd, data)
                else:
                    sock.close()
                    sock = None


@pytest.mark.wasm
def test_boardkit_client_falls_back_when_the_webrepl_lacks_file_transfer(wasm_board):
    with _EndpointOverPty(wasm_board.port) as endpoint:
        url = f"ws://127.0.0.1:{endpoint.server.port}"
        with boardkit.connect(url, password=PASSWORD) as device:
            assert device.eval("1 + 1") == 2
            device.write_file("/fallback.txt", b"no PUT here\n" * 100)
            assert device.link.file_transfer() is None  # GET_VER went unanswered
            assert device.read_file("/fallback.txt") == b"no PUT here\n" * 100
            assert device.eval("3 * 3") == 9  # the probe left nothing behind in the REPL
            device.remove("/fallback.txt")
