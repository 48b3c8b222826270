"""Debian's ser2net on loopback, for tests: a board's pty exported over RFC 2217 (or raw TCP).

    with Ser2net(board.port, tmp_path) as server:      # rfc2217=True by default
        boardkit -p server.url ...                     # rfc2217://127.0.0.1:PORT

ser2net runs as an ordinary process in the foreground (-n), with its YAML config, pid file
and log in a folder of the test's, UUCP locking off (-u): nothing under /etc or /var is
touched. This is the real ser2net (`make test` installs it: APT_PACKAGES), not a stand-in;
tests/net_bridge.py has pyserial's own RFC 2217 server for comparison.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

START_TIMEOUT = 10.0


def ser2net_path() -> str:
    """The ser2net command; a test failure (not a skip) when it is missing: `make test` installs it."""
    found = shutil.which("ser2net") or ("/usr/sbin/ser2net" if Path("/usr/sbin/ser2net").exists() else None)
    if found is None:
        pytest.fail("ser2net is not installed: run `make system-packages` (apt-get install ser2net)")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def config(device: str, port: int, rfc2217: bool = True, baud: int = 115200) -> str:
    """ser2net's YAML for one connection: device exported on 127.0.0.1:port."""
    accepter = f"telnet(rfc2217),tcp,127.0.0.1,{port}" if rfc2217 else f"tcp,127.0.0.1,{port}"
    return (
        "connection: &board\n"
        f"  accepter: {accepter}\n"
        # local: no modem-control lines (a pty has none); n81 at the board's rate
        f"  connector: serialdev,{device},{baud}n81,local\n"
        "  options:\n"
        "    kickolduser: true\n"
    )


class Ser2net:
    """One ser2net process exporting `device` (see the module docstring)."""

    def __init__(self, device: str, workdir: Path, rfc2217: bool = True, baud: int = 115200) -> None:
        self.device = device
        self.rfc2217 = rfc2217
        self.baud = baud
        self.dir = Path(workdir)
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{'rfc2217' if self.rfc2217 else 'socket'}://127.0.0.1:{self.port}"

    def start(self) -> Ser2net:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        conf = self.dir / "ser2net.yaml"
        conf.write_text(config(self.device, self.port, self.rfc2217, self.baud))
        log = (self.dir / "ser2net.log").open("wb")
        self.proc = subprocess.Popen(
            [ser2net_path(), "-n", "-u", "-c", str(conf), "-P", str(self.dir / "ser2net.pid")],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        log.close()
        self._wait_listening()
        return self

    def _wait_listening(self) -> None:
        """Until the port is listening. Looks at the kernel's socket table, not by connecting:
        a connection would make ser2net open the board's port."""
        deadline = time.monotonic() + START_TIMEOUT
        needle = f"0100007F:{self.port:04X}"
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"ser2net exited at start: {self.log()}")
            table = Path("/proc/net/tcp").read_text()
            if any(needle in line and line.split()[3] == "0A" for line in table.splitlines()[1:]):
                return
            time.sleep(0.05)
        raise RuntimeError(f"ser2net did not listen on 127.0.0.1:{self.port}: {self.log()}")

    def log(self) -> str:
        path = self.dir / "ser2net.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)

    def __enter__(self) -> Ser2net:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
