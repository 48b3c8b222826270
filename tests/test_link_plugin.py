"""A new link scheme is one module: this file is that module, and the test that uses it.

`relay://PATH` is a dummy transport that reaches a virtual board's pty through its own
Link class (plain pyserial, no boardkit.links.serial_link), and asks for a password through
the credentials provider it declares, as WebREPL does. It is found two ways:
- an entry point in the "boardkit.links" group, from a throw-away dist-info put on
  PYTHONPATH, so the real `boardkit` command in a subprocess picks it up;
- LINKS.register at run time, for the library in this process.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import serial

from boardkit.errors import AuthError, LinkError
from boardkit.links import LINKS, CredentialsProvider, LinkScheme
from cli_helpers import boardkit, one_line_error

pytestmark = pytest.mark.wasm

RELAY_PASSWORD = "relay-secret"
opened: list[str] = []  # URLs this process opened through the relay (run-time registration)


class RelayLink:
    """A Link over a pty, written against the Link protocol only."""

    def __init__(self, port: serial.Serial, url: str) -> None:
        self._port = port
        self.url = url

    def write(self, data: bytes) -> None:
        self._port.write(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        self._port.timeout = max(timeout, 0.0)
        first = self._port.read(1)
        if not first:
            return b""
        return first + self._port.read(min(self._port.in_waiting, max_bytes - 1))

    def pending(self) -> int:
        return self._port.in_waiting

    def close(self) -> None:
        self._port.close()


def open_relay(url: str, credentials: CredentialsProvider | None = None) -> RelayLink:
    """relay:///dev/pts/N -> a RelayLink, once the credentials provider gives the right password."""
    if credentials is None or credentials(url) != RELAY_PASSWORD:
        raise AuthError(f"the relay at {url} refused the password", hint="give RELAY_PASSWORD")
    path = url.removeprefix("relay://")
    try:
        port = serial.Serial(path, 115200, timeout=0.1)
    except serial.SerialException as exc:
        raise LinkError(f"cannot open {path}: {exc}") from exc
    opened.append(url)
    return RelayLink(port, url)


SCHEME = LinkScheme(
    schemes=("relay",), open=open_relay, options=frozenset({"credentials"}), description="a test relay to a pty"
)


@pytest.fixture
def plugin_path(tmp_path: Path) -> str:
    """A PYTHONPATH on which importlib.metadata finds an entry point naming this module's SCHEME."""
    dist = tmp_path / "boardkit_relay_test-0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: boardkit-relay-test\nVersion: 0\n")
    (dist / "entry_points.txt").write_text("[boardkit.links]\nrelay = test_link_plugin:SCHEME\n")
    here = str(Path(__file__).parent)
    return os.pathsep.join([str(tmp_path), here, os.environ.get("PYTHONPATH", "")])


def test_cli_finds_a_link_through_its_entry_point(wasm_board, plugin_path):
    env = {
        "PYTHONPATH": plugin_path,
        "RELAY_PW": RELAY_PASSWORD,
        "BOARDKIT_WEBREPL_PASSWORD": "",
        "BOARDKIT_CONFIG": os.devnull,
    }
    url = f"relay://{wasm_board.port}"
    result = boardkit("-p", url, "--password-env", "RELAY_PW", "exec", "print(1+1)", env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode() == "2\n"

    # The provider the CLI built is what the link asked: a wrong password is refused in one line.
    wrong = boardkit("-p", url, "--password-env", "RELAY_PW", "exec", "print(1+1)", env={**env, "RELAY_PW": "nope"})
    assert "refused the password" in one_line_error(wrong)

    # Without the plugin on the path the scheme is unknown, and the error lists the known ones.
    bare = boardkit("-p", url, "exec", "print(1)", env={"PYTHONPATH": os.environ.get("PYTHONPATH", "")})
    line = one_line_error(bare)
    assert "unknown kind of port" in line and "ws://" in line


def test_library_uses_a_link_registered_at_run_time(wasm_board):
    import boardkit

    LINKS.register("relay", SCHEME)
    try:
        url = f"relay://{wasm_board.port}"
        with boardkit.connect(url, password=RELAY_PASSWORD) as device:
            result = boardkit.exec_code(device, "print(6 * 7)")
            assert result.text == "42\n"
            assert boardkit.info(device).capabilities.platform == "webassembly"
        assert opened[-1] == url
        with pytest.raises(AuthError):
            boardkit.connect(url, credentials=lambda u: "wrong")
    finally:
        LINKS.unregister("relay")
    assert "relay" not in LINKS.names()
