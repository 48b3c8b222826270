"""A real labgrid lab on loopback, for tests: one coordinator and exporters, each its own process.

    with Coordinator(tmp_path / "coord") as coord:
        with Exporter(coord, "bench-a", {"pupil1": board.port}, tmp_path / "a") as exporter:
            coord.add_place("pupil1", "bench-a/pupil1/NetworkSerialPort")
            boardkit --coordinator coord.address -p labgrid://pupil1 ls

These are labgrid's own programs (labgrid-coordinator, labgrid-exporter from the `labgrid`
package, which `pip install -e .[test]` brings), not stand-ins. Each exporter is started in a
process group of its own, so stopping it (stop(), or kill() for a computer that vanishes)
also ends the ser2net processes it started for its ports; the exporter finds ser2net on PATH,
and PATH is set so that it is Debian's /usr/sbin/ser2net (the package `make test` installs).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from ser2net_helpers import free_port, ser2net_path

START_TIMEOUT = 30.0
BIN = Path(sys.executable).parent


def _listening(port: int) -> bool:
    # gRPC listens on an IPv4-mapped IPv6 socket; connecting is harmless to it
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


class _Process:
    """A labgrid program in its own process group, its output in a log file."""

    def __init__(self, workdir: Path) -> None:
        self.dir = Path(workdir)
        self.proc: subprocess.Popen[bytes] | None = None

    def _start(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        with (self.dir / "log.txt").open("ab") as log:
            self.proc = subprocess.Popen(
                argv,
                cwd=self.dir,  # the coordinator keeps places.yaml in its working folder
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # its own process group: ser2net children end with it
            )

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def log(self) -> str:
        path = self.dir / "log.txt"
        return path.read_text(errors="replace") if path.exists() else ""

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.pid, sig)  # the group this process leads (start_new_session)
        except ProcessLookupError:
            pass

    def stop(self) -> None:
        """SIGTERM, then SIGKILL; and every process left in its group (its ser2nets)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._signal_group(signal.SIGKILL)

    def kill(self) -> None:
        """The computer went away: the program and its children end at once."""
        if self.proc is None:
            return
        self._signal_group(signal.SIGKILL)
        self.proc.wait(timeout=5)


class Coordinator(_Process):
    """labgrid-coordinator listening on 127.0.0.1:PORT."""

    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir)
        self.port = 0

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> Coordinator:
        self.port = free_port()
        self._start([str(BIN / "labgrid-coordinator"), "--listen", self.address])
        deadline = time.monotonic() + START_TIMEOUT
        while not _listening(self.port):
            if not self.running():
                raise RuntimeError(f"labgrid-coordinator exited at start: {self.log()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"labgrid-coordinator did not listen on {self.address}: {self.log()}")
            time.sleep(0.05)
        return self

    def client(self):  # -> boardkit.links.labgrid_coordinator.Coordinator
        """This process's session with it, through boardkit's own client. One per process:
        the coordinator tells its clients apart by their connection, which gRPC shares."""
        from boardkit.links.labgrid_coordinator import Coordinator as Client

        return Client.shared(self.address)

    def add_place(self, name: str, *matches: str) -> None:
        self.client().add_place(name, *matches)

    def __enter__(self) -> Coordinator:
        try:
            return self.start()
        except BaseException:
            self.stop()  # started but never ready: still ours to end
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def exporter_env() -> dict[str, str]:
    """The environment for labgrid-exporter: Debian's ser2net first on PATH."""
    ser2net = Path(ser2net_path())
    path = os.pathsep.join([str(ser2net.parent), str(BIN), os.environ.get("PATH", "/usr/bin:/bin")])
    return {**os.environ, "PATH": path}


class Exporter(_Process):
    """labgrid-exporter NAME serving boards' ptys ({group: /dev/pts/N}) as NetworkSerialPorts."""

    def __init__(self, coordinator: Coordinator, name: str, boards: dict[str, str], workdir: Path) -> None:
        super().__init__(workdir)
        self.coordinator = coordinator
        self.name = name
        self.boards = boards

    def config(self) -> str:
        return "".join(
            f"{group}:\n  RawSerialPort:\n    port: {device}\n    speed: 115200\n"
            for group, device in self.boards.items()
        )

    def start(self) -> Exporter:
        conf = self.dir / "exporter.yaml"
        self.dir.mkdir(parents=True, exist_ok=True)
        conf.write_text(self.config())
        argv = [str(BIN / "labgrid-exporter"), "--coordinator", self.coordinator.address, "--name", self.name]
        self._start([*argv, "--hostname", "127.0.0.1", str(conf)], env=exporter_env())
        self.wait_announced()
        return self

    def wait_announced(self) -> None:
        """Until the coordinator knows every board of this exporter."""
        from boardkit.links.labgrid_coordinator import SERIAL_CLASS

        client = self.coordinator.client()
        wanted = {f"{self.name}/{group}/{SERIAL_CLASS}" for group in self.boards}
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if not self.running():
                raise RuntimeError(f"labgrid-exporter {self.name} exited at start: {self.log()}")
            if wanted <= set(client.resources()):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"labgrid-exporter {self.name} did not announce its boards: {self.log()}")
            time.sleep(0.1)

    def ser2net_commands(self) -> list[str]:
        """The ser2net commands this exporter started (from its log)."""
        return [
            line.split("Starting ser2net with: ", 1)[1]
            for line in self.log().splitlines()
            if "Starting ser2net with: " in line
        ]

    def __enter__(self) -> Exporter:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _client_program(coordinator: Coordinator, place: str, action: str, user: str | None) -> None:
    env = {**os.environ, "LG_COORDINATOR": coordinator.address}
    if user is not None:  # someone else, on another computer
        env.update(LG_USERNAME=user, LG_HOSTNAME="elsewhere")
    argv = [str(BIN / "labgrid-client"), "-p", place, action]
    result = subprocess.run(argv, env=env, capture_output=True, timeout=60, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"labgrid-client {action} {place} failed: {result.stderr.decode(errors='replace')}")


def hold_place(coordinator: Coordinator, place: str, user: str | None = None) -> None:
    """Acquire place with labgrid's own client program: as user@elsewhere, or as this user."""
    _client_program(coordinator, place, "acquire", user)


def release_place(coordinator: Coordinator, place: str, user: str | None = None) -> None:
    """Release what hold_place acquired."""
    _client_program(coordinator, place, "release", user)


def held(coordinator: Coordinator) -> dict[str, str]:
    """The places acquired now, and by whom."""
    return {p.name: p.acquired for p in coordinator.client().places() if p.acquired}


def group_members(leader: int) -> list[int]:
    """The processes still in the process group `leader` started (zombies excluded)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == leader and fields[0] != "Z":
            found.append(int(entry.name))
    return found
