"""The supervising daemon of one virtual board: the pty, the byte path, the board's life.

It owns a pty pair (clients open the slave: /dev/pts/N) and the backend process, and
bridges bytes between the pty master and the backend's stdin/stdout with poll(): no sleeps
in the byte path, nothing to do when idle. Each round, every fd worth watching is
registered with its handler (a table fd -> handler), and poll's events go to those handlers.

If the backend dies on its own, the daemon exits too (the board is gone, as if unplugged),
unless it crashed (a fatal signal such as SIGSEGV/SIGABRT, or CRASH_EXIT from board.mjs):
then it is started again behind the same pty, as a real board reboots after a fault and
keeps its port, with a line saying so (at most CRASH_REBOOTS times a minute).
On SIGTERM/SIGINT or "stop" it ends the backend first.

With an image (a file start() staged, see images.py) the daemon installs it once it holds
the name lock. With ready_after S the board also counts as started (and a hard reset as
done) once it has run S seconds without a prompt: its main.py may loop forever.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import select
import signal
import socket
import sys
import termios
import time
import tty
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from boardkit.virtual import control, flash_size, layout
from boardkit.virtual.daemon.backend_process import BackendProcess
from boardkit.virtual.daemon.control_server import ControlServer
from boardkit.virtual.daemon.pacing import BUFFER_LIMIT, STALL_DROP_SECONDS, Stream
from boardkit.virtual.daemon.webrepl_session import WebReplSession
from boardkit.virtual.kinds import READY_MARKER, backend

NAME_LOCK_PATIENCE = 2.0  # seconds a name lock may stay refused before the name counts as taken
CRASH_EXIT = 70  # board.mjs: an error it could not recover from inside (EX_SOFTWARE)
CRASH_SIGNALS = frozenset({signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGILL, signal.SIGTRAP, signal.SIGFPE})
CRASH_REBOOTS = 3  # crash reboots allowed per CRASH_WINDOW seconds; past that the board is gone
CRASH_WINDOW = 60.0

EventHandler = Callable[[int], None]  # called with poll's event mask for its fd


class Daemon:
    def __init__(
        self,
        name: str,
        kind: str,
        baud: int | None,
        webrepl_port: int | None = None,
        webrepl_password: str | None = None,
        staged_image: str | None = None,
        ready_after: float | None = None,
        flash_size: int | None = None,
    ) -> None:
        self.name = name
        self.flash_size = flash_size  # recorded once the name is ours; the backend reads it
        self.kind = kind
        # A board whose image runs a program at boot (main.py in a loop) may never print a
        # prompt; after this many seconds alive it counts as started anyway, like a real board.
        self.ready_after = ready_after
        self.boot_at = time.monotonic()  # last power-on or reset
        self.staged_image = staged_image
        self.image: Path | None = None  # what the backend boots, when not its default
        self.webrepl_port = webrepl_port
        self._webrepl_password = webrepl_password
        self.web = WebReplSession(on_input=self.from_web, on_end=self._web_ended)
        # Who typed last: a pty client that spoke after the WebREPL session's last input is
        # talking now, and what the pty holds when that session ends is its own reply.
        self.pty_spoke_last = False
        self.backend = backend(kind)
        self.baud = baud
        self.dir = layout.board_dir(name)
        self.fs_dir = layout.fs_dir(name) if self.backend.has_fs else None
        self.monitor = layout.monitor_socket(name)
        self.process = BackendProcess(self.backend, self.dir, self.fs_dir, self.monitor)
        self.to_device = Stream(
            min(filter(None, (baud, self.backend.input_baud)), default=None), fine=self.backend.input_baud is not None
        )
        self.to_host = Stream(baud)
        self.control: ControlServer | None = None
        self.master = self.slave = -1
        self.port = ""
        self.started = 0.0
        self.tail = b""
        self.at_boot = True
        self.ready = False
        self.stalled_since: float | None = None
        self.running = True
        self.crash_reboots: list[float] = []  # when the backend was restarted after a crash
        self.ops: dict[str, Callable[[socket.socket], None]] = {
            control.PING: self.op_ping,
            control.STOP: self.op_stop,
            control.HARD_RESET: self.op_hard_reset,
        }

    # ------------------------------------------------------------------ lifecycle
    def run(self) -> int:
        """Take the name, set up the pty, control socket and WebREPL, run the board; exit status."""
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock_fd = os.open(layout.lock_path(self.name), os.O_RDWR | os.O_CREAT, 0o644)
        if not self._take_name_lock():
            print(f"a virtual board named {self.name} is already running", file=sys.stderr)
            return control.EXIT_NAME_TAKEN
        if self.flash_size is not None:
            flash_size.save(self.name, self.flash_size)
        if self.staged_image:
            try:
                self.image = self.backend.install_image(Path(self.staged_image), self.dir, self.fs_dir)
            except Exception as exc:  # the log says why; start() shows its tail
                print(f"cannot install the image {self.staged_image}: {exc}", file=sys.stderr)
                return 1
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.port = os.ttyname(self.slave)
        if os.path.exists(self.monitor):
            os.unlink(self.monitor)
        self.control = ControlServer(layout.control_socket(self.name), self.ops)
        self.started = time.time()
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        if self.webrepl_port is not None:
            try:
                self.webrepl_port = self.web.listen(
                    self.webrepl_port,
                    self._webrepl_password or "",
                    lossy=self.backend.input_baud is not None,  # paced input: a chip that can overrun
                )
            except OSError as exc:
                print(
                    f"cannot listen for WebREPL on 127.0.0.1:{self.webrepl_port}: {exc.strerror or exc}",
                    file=sys.stderr,
                )
                return 1
            self._webrepl_password = None
        try:
            self.spawn()
            self.write_record()
            self.loop()
        except SystemExit:
            pass
        finally:
            self.shutdown()
        return 0

    def _take_name_lock(self) -> bool:
        """Hold the name's lock for life. A board holds it for good; a probe (shared, see
        registry.name_in_use) only for a moment, so a refusal is only believed once it lasts."""
        deadline = time.monotonic() + NAME_LOCK_PATIENCE
        while True:
            try:
                fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        raise SystemExit(0)

    def spawn(self) -> None:
        """Power on: a fresh backend process."""
        self.process.spawn(self.image)
        self.at_boot = True
        self.boot_at = time.monotonic()
        self.tail = b""

    def shutdown(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.process.kill()
        for path in (layout.record_path(self.name), layout.control_socket(self.name), self.monitor):
            try:
                os.unlink(path)
            except OSError:
                pass
        if self.control is not None:
            self.control.close()
        self.web.close()

    def write_record(self) -> None:
        """The board's record (registry.py reads it); `ready` once the REPL has answered."""
        record = {
            "name": self.name,
            "kind": self.kind,
            "port": self.port,
            "pid": os.getpid(),
            "baud": self.baud,
            "state_dir": str(self.dir),
            "fs_dir": str(self.fs_dir) if self.fs_dir else None,
            "started": self.started,
            "ready": self.ready,
            "backend_pid": self.process.pid,
            "control": layout.control_socket(self.name),
            "webrepl_port": self.webrepl_port,
            "image": str(self.image) if self.image else None,
        }
        path = layout.record_path(self.name)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1))
        os.replace(tmp, path)

    # ------------------------------------------------------------------ the byte path
    def watches(self) -> Iterator[tuple[int, int, EventHandler]]:
        """(fd, poll mask, handler) for every fd worth watching this round."""
        assert self.control is not None
        out_fd, in_fd = self.process.stdout_fd, self.process.stdin_fd
        master_mask = select.POLLIN if len(self.to_device.buf) < BUFFER_LIMIT else 0
        if self.to_host.allowance():
            master_mask |= select.POLLOUT
        if master_mask:
            yield self.master, master_mask, self.on_pty
        # With a WebREPL session the pty is a wire nobody may be listening to: its
        # output is trimmed in read_backend, and the session's pace is what counts.
        room = len(self.web.outbox) < BUFFER_LIMIT if self.web.active else len(self.to_host.buf) < BUFFER_LIMIT
        if room:
            yield out_fd, select.POLLIN, self.on_backend_output
        if self.web.server is not None:
            yield self.web.server.wakeup_fd, select.POLLIN, lambda ev: self.web.take()
        if self.web.sock is not None:
            web_mask = select.POLLIN if len(self.to_device.buf) < BUFFER_LIMIT else 0
            if self.web.outbox:
                web_mask |= select.POLLOUT
            web_fd = self.web.sock.fileno()
            yield web_fd, web_mask, lambda ev: self.web.serve(web_fd, ev)
        if self.to_device.allowance():
            yield in_fd, select.POLLOUT, self.on_backend_input
        yield self.control.fileno(), select.POLLIN, lambda ev: self.control_accept()
        yield self.process.pidfd, select.POLLIN, lambda ev: self.on_backend_exit()
        for fd in list(self.control.clients):
            yield fd, select.POLLIN, functools.partial(self.control_read, fd)

    def loop(self) -> None:
        while self.running:
            poller = select.poll()
            handlers: dict[int, EventHandler] = {}
            for fd, mask, handler in self.watches():
                poller.register(fd, mask)
                handlers[fd] = handler
            events = poller.poll(self._poll_timeout_ms())
            generation = self.process.proc
            for fd, ev in events:
                handlers[fd](ev)
                if not self.running or self.process.proc is not generation:
                    break  # stopped, or the backend was restarted: its old fds are gone
            if self.stalled_since and time.monotonic() - self.stalled_since >= STALL_DROP_SECONDS:
                self.to_host.buf.clear()  # nobody is reading: the bytes fall on the floor
                self.stalled_since = None

    def _poll_timeout_ms(self) -> int | None:
        """How long poll may sleep: until throttled bytes may go, the board counts as ready,
        or output nobody reads is to be dropped; None (for ever) when nothing waits."""
        timeouts = [t for t in (self.to_host.timeout(), self.to_device.timeout()) if t is not None]
        waiting = self.control is not None and self.control.waiting
        if (not self.ready or waiting) and self.ready_after is not None:
            left = self.boot_at + self.ready_after - time.monotonic()
            if left <= 0:
                self.on_ready()
            else:
                timeouts.append(left)
        if len(self.to_host.buf) >= BUFFER_LIMIT and not self.web.active:
            now = time.monotonic()
            self.stalled_since = self.stalled_since or now
            timeouts.append(max(0.0, self.stalled_since + STALL_DROP_SECONDS - now))
        return None if not timeouts else max(1, int(min(timeouts) * 1000) + 1)

    def on_pty(self, ev: int) -> None:
        """The pty master: a client typed (POLLIN), or there is room for output (POLLOUT)."""
        if ev & select.POLLIN:
            try:
                data = os.read(self.master, 65536)
            except (BlockingIOError, OSError):
                data = b""
            if data:
                self.pty_spoke_last = True
                self.to_board(data)
        if ev & select.POLLOUT:
            if self.to_host.write_to(self.master):
                self.stalled_since = None

    def on_backend_input(self, ev: int) -> None:
        """Room in the backend's stdin: feed it what may go now."""
        if ev & (select.POLLOUT | select.POLLERR):
            try:
                self.to_device.write_to(self.process.stdin_fd)
            except BrokenPipeError:
                self.to_device.buf.clear()

    def on_backend_output(self, ev: int) -> None:
        if ev & (select.POLLIN | select.POLLHUP):
            self.read_backend(self.process.stdout_fd)

    def from_web(self, data: bytes) -> None:
        self.pty_spoke_last = False
        self.to_board(data)

    def to_board(self, data: bytes) -> None:
        """Input for the board (from the pty or WebREPL); Ctrl-C also goes on the side pipe."""
        if b"\x03" in data:
            self.process.send_interrupts(data.count(b"\x03"))
        self.to_device.buf += data

    def read_backend(self, fd: int) -> None:
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return
        if not data:
            return
        if self.at_boot and self.backend.strip_boot_nul:
            data = data.lstrip(b"\x00")
            if not data:
                return
        self.at_boot = False
        self.to_host.buf += data
        if self.web.active:
            self.web.outbox += data
            if len(self.to_host.buf) > BUFFER_LIMIT:
                del self.to_host.buf[:-BUFFER_LIMIT]  # nobody reads the pty: UART overrun
        if not self.ready or (self.control is not None and self.control.waiting):
            window = self.tail + data
            if READY_MARKER in window:
                self.on_ready()
            self.tail = window[-len(READY_MARKER) :]

    def on_ready(self) -> None:
        """The board printed its prompt (or ran ready_after seconds)."""
        if not self.ready:
            self.ready = True
            self.write_record()
        if self.control is not None:
            self.control.ready({"ok": True, "port": self.port})

    def on_backend_exit(self) -> None:
        if self.process.expecting_exit:
            return
        code = self.process.exit_status()
        if self._crashed(code):
            self.crash_reboot(code)
            return
        print(f"backend exited unexpectedly (status {code}); the board is gone", file=sys.stderr)
        self.running = False

    def _crashed(self, code: int | None) -> bool:
        """Did the backend crash (and may it be rebooted once more this minute)?"""
        crash = code == CRASH_EXIT or (code is not None and code < 0 and -code in CRASH_SIGNALS)
        now = time.monotonic()
        self.crash_reboots = [t for t in self.crash_reboots if now - t < CRASH_WINDOW]
        return crash and len(self.crash_reboots) < CRASH_REBOOTS

    def crash_reboot(self, code: int | None) -> None:
        """Start a crashed backend again behind the same pty, saying so as a board's panic does."""
        self.crash_reboots.append(time.monotonic())
        what = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit status {code}"
        print(f"backend crashed ({what}); rebooting it behind the same port", file=sys.stderr)
        self.to_host.buf += f"\r\nFATAL: MicroPython crashed ({what}); the board reboots\r\n".encode()
        self.process.kill()  # reap and close the old pipes
        self.to_device.buf.clear()
        self.tail = b""
        self.spawn()
        self.write_record()

    def _web_ended(self) -> None:
        # The session's end reaches this loop through the WebREPL server's thread, so a pty
        # client may already have opened and typed: then the pty's bytes are its replies.
        if self.pty_spoke_last:
            return
        self.to_host.buf.clear()
        try:
            termios.tcflush(self.slave, termios.TCIFLUSH)
        except (OSError, termios.error):
            pass

    # ------------------------------------------------------------------ control (ops table)
    def control_accept(self) -> None:
        assert self.control is not None
        self.control.accept()

    def control_read(self, fd: int, ev: int) -> None:
        assert self.control is not None
        self.control.read_client(fd)

    def op_ping(self, conn: socket.socket) -> None:
        assert self.control is not None
        self.control.reply(conn, {"ok": True, "port": self.port, "ready": self.ready})

    def op_stop(self, conn: socket.socket) -> None:
        assert self.control is not None
        self.control.reply(conn, {"ok": True})
        self.running = False

    def op_hard_reset(self, conn: socket.socket) -> None:
        assert self.control is not None
        self.hard_reset()
        self.control.wait_ready(conn)

    def hard_reset(self) -> None:
        """Press reset: a fresh backend process, or the emulator's own reset."""
        self.to_device.buf.clear()
        self.tail = b""
        self.boot_at = time.monotonic()
        if self.backend.restart_on_reset:
            self.process.kill()
            self.spawn()
            self.write_record()
        else:
            self.at_boot = True
            self.backend.hard_reset_via_monitor(self.monitor)
