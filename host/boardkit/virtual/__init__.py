"""Virtual boards: real MicroPython running on this computer, behind a pty.

    board = virtual.start("wasm")            # MicroPython's WebAssembly build on node
    board = virtual.start("microbit")        # BBC micro:bit v1 firmware in QEMU
    serial.Serial(board.port)                # /dev/pts/N: any serial tool can open it
    virtual.hard_reset(board); virtual.stop(board.name)

    virtual.start("microbit", image=Path("kit.hex"))          # boots that hex (its files inside)
    virtual.start("wasm", files={"main.py": b"print(1)"})     # fs/ replaced by these files
    virtual.reflash("mb1", image=Path("lesson.hex"))          # stop, start again on the image

Each board is a detached daemon (boardkit.virtual.daemon) that owns the pty and the
backend process; it outlives the Python process that started it. State lives under
boardkit.paths.state_dir()/virtual/NAME/ (BOARDKIT_HOME moves it).
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from boardkit.errors import VirtualBoardError
from boardkit.virtual import layout
from boardkit.virtual.backends import BACKENDS, backend

__all__ = ["VirtualBoard", "KINDS", "start", "list_boards", "find", "stop", "stop_all", "hard_reset", "reflash"]

KINDS = tuple(BACKENDS)
IMAGE_READY_AFTER = 3.0   # seconds: a board booted on an image may be busy running its main.py


@dataclass
class VirtualBoard:
    name: str
    kind: str                 # "wasm" | "microbit"
    port: str                 # the pty clients open, e.g. /dev/pts/7
    pid: int                  # the supervising daemon
    baud: int | None
    state_dir: Path
    fs_dir: Path | None       # wasm: the host folder that is the board's flash
    started: float            # time.time() when the daemon started
    backend_pid: int | None = field(default=None, repr=False)
    webrepl_port: int | None = None   # ws://127.0.0.1:PORT answers WebREPL (start(webrepl_port=...))
    image: Path | None = None         # micro:bit: the .hex it booted, when not the default firmware

    def is_alive(self) -> bool:
        return _daemon_alive(self.pid) and layout.record_path(self.name).exists()

    @property
    def uptime(self) -> float:
        return max(0.0, time.time() - self.started)

    def to_json(self) -> dict:
        data = asdict(self)
        data["state_dir"] = str(self.state_dir)
        data["fs_dir"] = str(self.fs_dir) if self.fs_dir else None
        data["image"] = str(self.image) if self.image else None
        data["uptime"] = round(self.uptime, 1)
        return data


def _daemon_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return True  # no /proc: trust kill(0)
    return b"boardkit.virtual.daemon" in cmdline


def _read_record(name: str) -> dict | None:
    try:
        return json.loads(layout.record_path(name).read_text())
    except (OSError, ValueError):
        return None


def _board(record: dict) -> VirtualBoard:
    return VirtualBoard(
        name=record["name"], kind=record["kind"], port=record["port"], pid=record["pid"],
        baud=record.get("baud"), state_dir=Path(record["state_dir"]),
        fs_dir=Path(record["fs_dir"]) if record.get("fs_dir") else None,
        started=record["started"], backend_pid=record.get("backend_pid"),
        webrepl_port=record.get("webrepl_port"),
        image=Path(record["image"]) if record.get("image") else None,
    )


def _name_in_use(name: str) -> bool:
    """True if a daemon holds this name's lock (running, maybe still booting).

    The probe takes a shared lock, never the daemon's exclusive one: a child forked by
    another thread at that moment holds a copy of the probe's lock until it execs, and a
    copy of an exclusive lock made the next probe see a board that was not there.
    """
    lock = layout.lock_path(name)
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def list_boards() -> list[VirtualBoard]:
    """The running virtual boards (stale records of dead daemons are removed)."""
    boards = []
    for entry in sorted(layout.root().iterdir()):
        record = _read_record(entry.name) if entry.is_dir() else None
        if record is None:
            continue
        if not record.get("ready"):
            continue  # still booting: start() has not returned it yet
        board = _board(record)
        if board.is_alive():
            boards.append(board)
        else:
            layout.record_path(entry.name).unlink(missing_ok=True)
    return sorted(boards, key=_sort_key)


def _sort_key(board: VirtualBoard):
    digits = "".join(ch for ch in board.name if ch.isdigit())
    return (board.kind, board.name.rstrip("0123456789"), int(digits) if digits else 0, board.name)


def find(name_or_port: str) -> VirtualBoard | None:
    """A running board by name or by pty path, or None."""
    for board in list_boards():
        if name_or_port in (board.name, board.port):
            return board
    return None


def _resolve(name_or_board) -> VirtualBoard:
    name = name_or_board.name if isinstance(name_or_board, VirtualBoard) else str(name_or_board)
    board = find(name)
    if board is None:
        raise VirtualBoardError(f"no running virtual board named {name}",
                                hint="see `boardkit virtual list`")
    return board


def _default_name(kind: str) -> str:
    n = 1
    while _name_in_use(f"{kind}{n}"):
        n += 1
    return f"{kind}{n}"


def start(kind: str, name: str | None = None, baud: int | None = None, timeout: float = 30,
          webrepl_port: int | None = None, webrepl_password: str | None = None,
          image: Path | None = None, files: dict[str, bytes] | Path | None = None) -> VirtualBoard:
    """Start a virtual board in the background; return once its REPL has printed a prompt.

    webrepl_port: also answer WebREPL on ws://127.0.0.1:PORT (0 picks a free port; see
    board.webrepl_port), with webrepl_password, like an ESP32 with WebREPL enabled.

    image / files (see images.py): micro:bit: boot this .hex instead of Debian's firmware,
    with `files` (name -> bytes, or a folder) written into its filesystem; wasm: replace the
    board's files with the image (.zip or folder) and then `files`. Without either, a wasm
    board keeps the files it had under that name.
    """
    spec = backend(kind)
    spec.check()
    if baud is not None and baud <= 0:
        raise VirtualBoardError(f"bad baud rate {baud}", hint="use e.g. --baud 115200")
    if webrepl_port is not None:
        if not 0 <= webrepl_port <= 65535:
            raise VirtualBoardError(f"bad WebREPL port {webrepl_port}", hint="use e.g. --webrepl 8266")
        if not webrepl_password:
            raise VirtualBoardError("a WebREPL endpoint needs a password",
                                    hint="give --password-env VAR (an environment variable holding it)")
    web = (webrepl_port, webrepl_password)
    if name is not None:
        if not layout.NAME_RE.match(name):
            raise VirtualBoardError(f"bad board name {name!r}",
                                    hint="use letters, digits, '-', '_' or '.', e.g. wasm1 or lab-a")
        if _name_in_use(name):
            raise VirtualBoardError(f"a virtual board named {name} is already running",
                                    hint=f"pick another --name, or `boardkit virtual stop {name}`")
        return _spawn_with_image(kind, name, baud, timeout, web, image, files)
    for _ in range(50):
        try:
            return _spawn_with_image(kind, _default_name(kind), baud, timeout, web, image, files)
        except _NameTaken:
            continue  # another start() won the race for that name; take the next one
    raise VirtualBoardError("could not find a free board name", hint="give one with --name")


def _spawn_with_image(kind, name, baud, timeout, web, image, files) -> VirtualBoard:
    from boardkit.virtual.images import stage

    staged = stage(kind, layout.board_dir(name), image, files)
    try:
        return _spawn(kind, name, baud, timeout, web, staged)
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)  # installed (moved) by the daemon, or not needed


class _NameTaken(Exception):
    pass


def _spawn(kind: str, name: str, baud: int | None, timeout: float,
           web: tuple[int | None, str | None] = (None, None), staged: Path | None = None) -> VirtualBoard:
    from boardkit.virtual.daemon import EXIT_NAME_TAKEN, WEBREPL_PASSWORD_ENV

    layout.board_dir(name).mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "boardkit.virtual.daemon", "--name", name, "--kind", kind]
    if baud:
        cmd += ["--baud", str(baud)]
    if staged is not None:
        # Its main.py may run forever without a prompt: alive for a few seconds counts too.
        cmd += ["--image", str(staged), "--ready-after", str(IMAGE_READY_AFTER)]
    env = None
    if web[0] is not None:
        cmd += ["--webrepl", str(web[0])]
        env = {**os.environ, WEBREPL_PASSWORD_ENV: web[1]}  # not argv: ps shows argv
    log = open(layout.log_path(name), "ab")
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True, close_fds=True, env=env)
    finally:
        log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            if code == EXIT_NAME_TAKEN:
                raise _NameTaken(name)
            raise VirtualBoardError(f"virtual board {name} failed to start (exit status {code})",
                                    hint=f"see its log: {layout.log_path(name)}\n{_log_tail(name)}")
        record = _read_record(name)
        if record and record.get("ready") and record.get("pid") == proc.pid:
            return _board(record)
        time.sleep(0.01)
    _terminate(proc.pid)
    raise VirtualBoardError(f"virtual board {name} did not show a REPL prompt within {timeout:g} s",
                            hint=f"see its log: {layout.log_path(name)}")


def _log_tail(name: str, lines: int = 5) -> str:
    try:
        return "\n".join(layout.log_path(name).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _request(board: VirtualBoard, op: str, timeout: float) -> dict:
    record = _read_record(board.name) or {}
    path = record.get("control") or layout.control_socket(board.name)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(path)
            sock.sendall((json.dumps({"op": op}) + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except (OSError, socket.timeout) as exc:
            raise VirtualBoardError(f"virtual board {board.name} did not answer {op!r}: {exc}",
                                    hint=f"see its log: {layout.log_path(board.name)}") from None
    try:
        return json.loads(buf)
    except ValueError:
        raise VirtualBoardError(f"virtual board {board.name} gave no answer to {op!r}",
                                hint=f"see its log: {layout.log_path(board.name)}") from None


def _terminate(pid: int, wait: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not _daemon_alive(pid):
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_gone(board: VirtualBoard, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not _daemon_alive(board.pid):
            return True
        time.sleep(0.01)
    return False


def stop(name: str | VirtualBoard) -> None:
    """Stop a running board (its files stay in fs/ for the next start under that name)."""
    board = _resolve(name)
    try:
        _request(board, "stop", timeout=5)
    except VirtualBoardError:
        pass
    if not _wait_gone(board, 5):
        _terminate(board.pid)
    # A process that has let go of its memory may still hold its files for a moment:
    # wait for the name lock, so the name can be started again at once.
    deadline = time.monotonic() + 5
    while _name_in_use(board.name) and time.monotonic() < deadline:
        time.sleep(0.01)
    layout.record_path(board.name).unlink(missing_ok=True)


def stop_all() -> list[str]:
    """Stop every running board; return their names."""
    names = []
    for board in list_boards():
        stop(board)
        names.append(board.name)
    return names


def hard_reset(name_or_board: str | VirtualBoard, timeout: float = 20) -> VirtualBoard:
    """Press the reset button: QEMU system_reset (micro:bit) or a fresh node process (wasm).

    Returns once the board printed its prompt again; the pty path does not change.
    """
    board = _resolve(name_or_board)
    answer = _request(board, "hard_reset", timeout=timeout)
    if not answer.get("ok"):
        raise VirtualBoardError(f"hard reset of {board.name} failed: {answer.get('error')}",
                                hint=f"see its log: {layout.log_path(board.name)}")
    return find(board.name) or board


def reflash(name_or_board: str | VirtualBoard, image: Path | None = None,
            files: dict[str, bytes] | Path | None = None, timeout: float = 30,
            webrepl_password: str | None = None) -> VirtualBoard:
    """Flash a running virtual board: stop it and start it again, same name, on the image.

    micro:bit: it boots `image` (a .hex; default: Debian's firmware), with `files` written
    into the hex's filesystem, since the hex is its whole flash. wasm: its files become the
    image's (.zip or folder) plus `files`; with neither, it keeps its files (the firmware is
    the pinned npm runtime, so there is nothing else to replace). Same baud; a board serving
    WebREPL needs webrepl_password again (it is never stored).
    The image is checked before the board is stopped, so a bad one leaves it running.
    """
    from boardkit.virtual.images import stage

    board = _resolve(name_or_board)
    if board.webrepl_port is not None and not webrepl_password:
        raise VirtualBoardError(f"{board.name} serves WebREPL; restarting it needs its password again",
                                hint="give webrepl_password, or stop it and start it without --webrepl")
    probe = stage(board.kind, layout.board_dir(board.name), image, files)  # raises on a bad image
    if probe is not None:
        probe.unlink(missing_ok=True)
    stop(board)
    # On a loaded machine (a classroom of boards restarting at once) the old daemon can take
    # longer than stop() waits to let go of the name: wait for it rather than fail.
    deadline = time.monotonic() + timeout
    while _name_in_use(board.name) and time.monotonic() < deadline:
        time.sleep(0.05)
    web = (board.webrepl_port, webrepl_password) if board.webrepl_port is not None else (None, None)
    return start(board.kind, name=board.name, baud=board.baud, timeout=timeout, webrepl_port=web[0],
                 webrepl_password=web[1], image=image, files=files)
