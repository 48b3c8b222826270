"""Starting, stopping, resetting and reflashing virtual boards (one detached daemon each).

start() spawns `python -m boardkit.virtual.daemon` (control.DaemonArgs) and returns once
the daemon's record says the board printed its prompt; stop() and hard_reset() ask the
daemon over its control socket (control.request).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from boardkit.errors import BadVirtualRequest, VirtualBoardError
from boardkit.virtual import control, layout
from boardkit.virtual.registry import (
    VirtualBoard,
    board_from_record,
    daemon_alive,
    find,
    list_boards,
    name_in_use,
    read_record,
    resolve,
)

if TYPE_CHECKING:
    from boardkit.virtual.image_files import Files

IMAGE_READY_AFTER = 3.0  # seconds: a board booted on an image may be busy running its main.py
NAME_ATTEMPTS = 50  # default names tried when other start()s win the race for them

WebRepl = tuple[int | None, str | None]  # (port, password), both None without WebREPL


class _NameTaken(Exception):
    pass


def start(
    kind: str,
    name: str | None = None,
    baud: int | None = None,
    timeout: float = 30,
    webrepl_port: int | None = None,
    webrepl_password: str | None = None,
    image: Path | None = None,
    files: Files = None,
    on_note: Callable[[str], None] | None = None,
    flash_size: int | str | None = None,
) -> VirtualBoard:
    """Start a virtual board in the background; return once its REPL has printed a prompt.

    kind: one of kinds.kind_names() ("wasm", "microbit", or an installed kind).
    webrepl_port: also answer WebREPL on ws://127.0.0.1:PORT (0 picks a free port; see
    board.webrepl_port), with webrepl_password, like an ESP32 with WebREPL enabled.

    image / files (see images.py): micro:bit: boot this .hex instead of Debian's firmware,
    with `files` (name -> bytes, or a folder) written into its filesystem; wasm: replace the
    board's files with the image (.zip or folder) and then `files`. Without either, a wasm
    board keeps the files it had under that name.

    on_note(line): what the user should hear while it starts: a kind that installs its
    runtime on first use (wasm: npm ci) says when that starts and when it is done.

    flash_size: bytes of filesystem (an int, or "64K", "2M"), for a kind whose size can be
    chosen (wasm; default 2 MiB, an ESP32's partition): statvfs reports it, and a write that
    would not fit fails with OSError 28 (ENOSPC), as on a board. See virtual/flash_size.py.
    """
    from boardkit.virtual.kinds import (
        backend,  # entry points are read only when a board starts
    )

    kind_backend = backend(kind)
    kind_backend.prepare(on_note)
    size = _flash_size(kind, kind_backend.default_flash_size, flash_size)
    if baud is not None and baud <= 0:
        raise BadVirtualRequest(f"bad baud rate {baud}", hint="use e.g. --baud 115200")
    if webrepl_port is not None:
        if not 0 <= webrepl_port <= 65535:
            raise BadVirtualRequest(f"bad WebREPL port {webrepl_port}", hint="use e.g. --webrepl 8266")
        if not webrepl_password:
            raise VirtualBoardError(
                "a WebREPL endpoint needs a password",
                hint="give --password-env VAR (an environment variable holding it)",
            )
    web = (webrepl_port, webrepl_password)
    if name is not None:
        if not layout.NAME_RE.match(name):
            raise BadVirtualRequest(
                f"bad board name {name!r}", hint="use letters, digits, '-', '_' or '.', e.g. wasm1 or lab-a"
            )
        if name_in_use(name):
            raise VirtualBoardError(
                f"a virtual board named {name} is already running",
                hint=f"pick another --name, or `boardkit virtual stop {name}`",
            )
        return _spawn_with_image(kind, name, baud, timeout, web, image, files, size)
    for _ in range(NAME_ATTEMPTS):
        try:
            return _spawn_with_image(kind, _default_name(kind), baud, timeout, web, image, files, size)
        except _NameTaken:
            continue  # another start() won the race for that name; take the next one
    raise VirtualBoardError("could not find a free board name", hint="give one with --name")


def _flash_size(kind: str, default: int | None, asked: int | str | None) -> int | None:
    """The flash size a board of this kind starts with (None: fixed by its firmware)."""
    if asked is None:
        return default
    if default is None:
        raise VirtualBoardError(
            f"a {kind} board's flash size is fixed by its firmware", hint="start it without --flash-size"
        )
    from boardkit.virtual.flash_size import parse_size

    return parse_size(asked)


def _default_name(kind: str) -> str:
    n = 1
    while name_in_use(f"{kind}{n}"):
        n += 1
    return f"{kind}{n}"


def _spawn_with_image(
    kind: str,
    name: str,
    baud: int | None,
    timeout: float,
    web: WebRepl,
    image: Path | None,
    files: Files,
    flash_size: int | None = None,
) -> VirtualBoard:
    from boardkit.virtual.images import stage  # zip and image code: only when starting one

    staged = stage(kind, layout.board_dir(name), image, files)
    try:
        board = _spawn(kind, name, baud, timeout, web, staged, flash_size)
        from boardkit.virtual.kinds import backend

        if backend(kind).booted(board.port, image=staged is not None):
            board = hard_reset(board, timeout=timeout)
        return board
    finally:
        if staged is not None:
            staged.unlink(missing_ok=True)  # installed (moved) by the daemon, or not needed


def _spawn(
    kind: str,
    name: str,
    baud: int | None,
    timeout: float,
    web: WebRepl = (None, None),
    staged: Path | None = None,
    flash_size: int | None = None,
) -> VirtualBoard:
    layout.board_dir(name).mkdir(parents=True, exist_ok=True)
    args = control.DaemonArgs(
        name,
        kind,
        baud,
        webrepl_port=web[0],
        # Its main.py may run forever without a prompt: alive for a few seconds counts too.
        image=str(staged) if staged is not None else None,
        ready_after=IMAGE_READY_AFTER if staged is not None else None,
        flash_size=flash_size,
    )
    env = None
    if web[0] is not None:
        env = {**os.environ, control.WEBREPL_PASSWORD_ENV: web[1] or ""}  # not argv: ps shows argv
    log = open(layout.log_path(name), "ab")
    try:
        proc = subprocess.Popen(
            args.command(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            close_fds=True,
            env=env,
        )
    finally:
        log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        code = proc.poll()
        if code is not None:
            if code == control.EXIT_NAME_TAKEN:
                raise _NameTaken(name)
            raise VirtualBoardError(
                f"virtual board {name} failed to start (exit status {code})",
                hint=f"see its log: {layout.log_path(name)}\n{_log_tail(name)}",
            )
        record = read_record(name)
        if record and record.get("ready") and record.get("pid") == proc.pid:
            return board_from_record(record)
        time.sleep(0.01)
    _terminate(proc.pid)
    raise VirtualBoardError(
        f"virtual board {name} did not show a REPL prompt within {timeout:g} s",
        hint=f"see its log: {layout.log_path(name)}",
    )


def _log_tail(name: str, lines: int = 5) -> str:
    try:
        return "\n".join(layout.log_path(name).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _request(board: VirtualBoard, op: str, timeout: float) -> control.Reply:
    record = read_record(board.name) or {}
    path = record.get("control") or layout.control_socket(board.name)
    return control.request(board.name, path, op, timeout, log=str(layout.log_path(board.name)))


def _terminate(pid: int, wait: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not daemon_alive(pid):
            return
        time.sleep(0.02)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_gone(board: VirtualBoard, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not daemon_alive(board.pid):
            return True
        time.sleep(0.01)
    return False


def stop(name: str | VirtualBoard) -> None:
    """Stop a running board (its files stay in fs/ for the next start under that name)."""
    board = resolve(name)
    try:
        _request(board, control.STOP, timeout=5)
    except VirtualBoardError:
        pass
    if not _wait_gone(board, 5):
        _terminate(board.pid)
    # A process that has let go of its memory may still hold its files for a moment:
    # wait for the name lock, so the name can be started again at once.
    deadline = time.monotonic() + 5
    while name_in_use(board.name) and time.monotonic() < deadline:
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
    board = resolve(name_or_board)
    answer = _request(board, control.HARD_RESET, timeout=timeout)
    if not answer.get("ok"):
        raise VirtualBoardError(
            f"hard reset of {board.name} failed: {answer.get('error')}",
            hint=f"see its log: {layout.log_path(board.name)}",
        )
    return find(board.name) or board


def reflash(
    name_or_board: str | VirtualBoard,
    image: Path | None = None,
    files: Files = None,
    timeout: float = 30,
    webrepl_password: str | None = None,
) -> VirtualBoard:
    """Flash a running virtual board: stop it and start it again, same name, on the image.

    micro:bit: it boots `image` (a .hex; default: Debian's firmware), with `files` written
    into the hex's filesystem, since the hex is its whole flash. wasm: its files become the
    image's (.zip or folder) plus `files`; with neither, it keeps its files (the firmware is
    the pinned npm runtime, so there is nothing else to replace). Same baud; a board serving
    WebREPL needs webrepl_password again (it is never stored).
    The image is checked before the board is stopped, so a bad one leaves it running.
    """
    board = resolve(name_or_board)
    if board.webrepl_port is not None and not webrepl_password:
        raise VirtualBoardError(
            f"{board.name} serves WebREPL; restarting it needs its password again",
            hint="give webrepl_password, or stop it and start it without --webrepl",
        )
    from boardkit.virtual.images import stage

    probe = stage(board.kind, layout.board_dir(board.name), image, files)  # raises on a bad image
    if probe is not None:
        probe.unlink(missing_ok=True)
    stop(board)
    # On a loaded machine (a classroom of boards restarting at once) the old daemon can take
    # longer than stop() waits to let go of the name: wait for it rather than fail.
    deadline = time.monotonic() + timeout
    while name_in_use(board.name) and time.monotonic() < deadline:
        time.sleep(0.05)
    web = (board.webrepl_port, webrepl_password) if board.webrepl_port is not None else (None, None)
    from boardkit.virtual import flash_size

    return start(
        board.kind,
        name=board.name,
        baud=board.baud,
        timeout=timeout,
        webrepl_port=web[0],
        webrepl_password=web[1],
        image=image,
        files=files,
        flash_size=flash_size.load(board.name),
    )
