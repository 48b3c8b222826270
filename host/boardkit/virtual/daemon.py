"""The supervising daemon of one virtual board.

    python -m boardkit.virtual.daemon --name NAME --kind wasm|microbit [--baud B] [--webrepl PORT]
                                      [--image STAGED --ready-after SECONDS]

It owns a pty pair (clients open the slave: /dev/pts/N) and the backend process, and
bridges bytes between the pty master and the backend's stdin/stdout with poll(): no sleeps
in the byte path, nothing to do when idle. With --baud each direction goes through a token
bucket of B/10 bytes per second (8N1 framing), like a real UART.

A unix control socket takes one JSON line per request: {"op": "ping"|"stop"|"hard_reset"}.
If the backend dies on its own, the daemon exits too (the board is gone, as if unplugged);
on SIGTERM/SIGINT or "stop" it terminates the backend first. The backend also gets
PR_SET_PDEATHSIG, so even a SIGKILLed daemon leaves no orphan.

With --webrepl PORT the board also answers WebREPL on ws://127.0.0.1:PORT (password from the
environment variable BOARDKIT_WEBREPL_SERVER_PASSWORD, never argv), sharing the REPL with
the pty like an ESP32's UART and WebREPL (see webrepl_server.py).

With --image STAGED (a file start() staged, see images.py) the daemon, once it holds the
name lock, installs it: the micro:bit boots that .hex; the wasm board's fs/ is replaced
by the zip's files. With --ready-after S the board also counts as started (and a hard reset
as done) once it has run S seconds without a prompt: its main.py may loop forever.
"""

from __future__ import annotations

import argparse
import ctypes
import fcntl
import json
import os
import select
import signal
import socket
import subprocess
import sys
import termios
import time
import tty

from boardkit.virtual import layout
from boardkit.virtual.backends import READY_MARKER, Backend, backend

EXIT_NAME_TAKEN = 3
NAME_LOCK_PATIENCE = 2.0      # seconds a name lock may stay refused before the name counts as taken
BUFFER_LIMIT = 64 * 1024      # stop reading a side when this much is waiting for the other
STALL_DROP_SECONDS = 3.0      # nobody reads the pty: drop output (UART overrun), keep the board alive
WEBREPL_PASSWORD_ENV = "BOARDKIT_WEBREPL_SERVER_PASSWORD"


class TokenBucket:
    """B/10 bytes per second, released in small slices (≈10 ms worth) so the flow is smooth."""

    def __init__(self, bytes_per_second: float, burst_seconds: float = 0.02, slice_seconds: float = 0.005):
        self.rate = bytes_per_second
        self.capacity = max(1.0, bytes_per_second * burst_seconds)
        self.slice = max(1.0, bytes_per_second * slice_seconds)  # don't wake up for less than this
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def available(self) -> int:
        self._refill()
        return int(self.tokens)

    def take(self, n: int) -> None:
        self.tokens -= n

    def ready(self, pending: int) -> bool:
        self._refill()
        return self.tokens >= min(pending, self.slice)

    def wait(self, pending: int) -> float:
        """Seconds until the next slice (or all that is pending, if less) may go."""
        self._refill()
        return max(0.0, (min(pending, self.slice) - self.tokens) / self.rate)


class Stream:
    """Bytes waiting to go one way, with an optional throttle."""

    def __init__(self, baud: int | None, fine: bool = False):
        self.buf = bytearray()
        # fine: ~1 ms bursts. An emulated UART hands a burst to the guest at once, and
        # the micro:bit firmware's small receive buffer overflows on bursts a wire never sends.
        timing = {"burst_seconds": 0.001, "slice_seconds": 0.001} if fine else {}
        self.bucket = TokenBucket(baud / 10, **timing) if baud else None

    def allowance(self) -> int:
        if not self.buf:
            return 0
        if self.bucket is None:
            return len(self.buf)
        if not self.bucket.ready(len(self.buf)):
            return 0
        return min(len(self.buf), self.bucket.available())

    def write_to(self, fd: int) -> int:
        n = self.allowance()
        if n <= 0:
            return 0
        try:
            written = os.write(fd, self.buf[:n])
        except BlockingIOError:
            return 0
        del self.buf[:written]
        if self.bucket:
            self.bucket.take(written)
        return written

    def timeout(self) -> float | None:
        # Whenever throttled bytes wait, wake up by the time they may go. (Asking ready()
        # here and again in allowance() raced: tokens refill between the two calls, so the
        # loop could neither register the write nor set a timeout, and sleep with bytes
        # pending until the next input arrived.)
        if self.buf and self.bucket:
            return self.bucket.wait(len(self.buf))
        return None


def _pdeathsig() -> None:
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _raise_priority(step: int) -> None:
    """Run ahead of ordinary processes where allowed (root); a no-op otherwise."""
    try:
        os.nice(-step)
    except OSError:
        pass


class Daemon:
    def __init__(self, name: str, kind: str, baud: int | None, webrepl_port: int | None = None,
                 webrepl_password: str | None = None, staged_image: str | None = None,
                 ready_after: float | None = None):
        self.name = name
        # A board whose image runs a program at boot (main.py in a loop) may never print a
        # prompt; after this many seconds alive it counts as started anyway, like a real board.
        self.ready_after = ready_after
        self.boot_at = time.monotonic()          # last power-on or reset
        self.staged_image = staged_image
        self.image = None                        # the .hex QEMU loads, when not the default
        self.webrepl_port = webrepl_port
        self._webrepl_password = webrepl_password
        self.webrepl = None                      # WebReplServer, once listening
        self.web: socket.socket | None = None    # the logged-in WebREPL session
        self.to_web = bytearray()
        self.backend: Backend = backend(kind)
        self.baud = baud
        self.dir = layout.board_dir(name)
        self.fs_dir = layout.fs_dir(name) if self.backend.has_fs else None
        self.monitor = layout.monitor_socket(name)
        self.to_device = Stream(min(filter(None, (baud, self.backend.input_baud)), default=None),
                                fine=self.backend.input_baud is not None)
        self.to_host = Stream(baud)
        self.proc: subprocess.Popen | None = None
        self.interrupt_w = -1  # write end of the backend's Ctrl-C side pipe, if it has one
        self._interrupt_r = -1
        self.pidfd = -1
        self.expecting_exit = False
        self.tail = b""
        self.at_boot = True
        self.ready = False
        self.waiting: list[socket.socket] = []  # control clients waiting for the REPL prompt
        self.clients: dict[int, tuple[socket.socket, bytearray]] = {}
        self.stalled_since: float | None = None
        self.running = True

    # ------------------------------------------------------------------ lifecycle
    def _prepare_backend(self) -> None:
        """In the backend child, before exec: die with the daemon; emulators get CPU first.

        An emulated micro:bit starved of CPU falls behind its UART and drops input bytes,
        which a real chip with a CPU of its own never does.
        """
        _pdeathsig()
        if self._interrupt_r >= 0:
            os.dup2(self._interrupt_r, self.backend.interrupt_fd)
            os.set_blocking(self.backend.interrupt_fd, False)
        if self.backend.input_baud is not None:
            _raise_priority(5)

    def run(self) -> int:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.lock_fd = os.open(layout.lock_path(self.name), os.O_RDWR | os.O_CREAT, 0o644)
        if not self._take_name_lock():
            print(f"a virtual board named {self.name} is already running", file=sys.stderr)
            return EXIT_NAME_TAKEN
        if self.staged_image:
            from boardkit.virtual.images import install

            try:
                self.image = install(self.backend.kind, self.staged_image, self.dir, self.fs_dir)
            except Exception as exc:  # the log says why; start() shows its tail
                print(f"cannot install the image {self.staged_image}: {exc}", file=sys.stderr)
                return 1
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.port = os.ttyname(self.slave)
        ctl_path = layout.control_socket(self.name)
        for stale in (ctl_path, self.monitor):
            if os.path.exists(stale):
                os.unlink(stale)
        self.ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.ctl.bind(ctl_path)
        self.ctl.listen(8)
        self.ctl.setblocking(False)
        self.started = time.time()
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        if self.webrepl_port is not None:
            from boardkit.virtual.webrepl_server import WebReplServer

            try:
                self.webrepl = WebReplServer(self.webrepl_port, self._webrepl_password or "")
            except OSError as exc:
                print(f"cannot listen for WebREPL on 127.0.0.1:{self.webrepl_port}: {exc.strerror or exc}",
                      file=sys.stderr)
                return 1
            self._webrepl_password = None
            self.webrepl_port = self.webrepl.port
            self.webrepl.start()
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
        virtual._name_in_use) only for a moment, so a refusal is only believed once it lasts."""
        deadline = time.monotonic() + NAME_LOCK_PATIENCE
        while True:
            try:
                fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.02)

    def _on_signal(self, signum, frame):
        raise SystemExit(0)

    def spawn(self) -> None:
        cmd = self.backend.command(self.dir, self.fs_dir, self.monitor, self.image)
        if self.fs_dir:
            self.fs_dir.mkdir(parents=True, exist_ok=True)
        pass_fds = ()
        self._interrupt_r = -1
        if self.backend.interrupt_fd:
            # Ctrl-C also travels on a side pipe the backend can read while a program runs,
            # without reading (and reordering) its ordinary input. The child moves the read
            # end to the agreed fd number (_prepare_backend).
            self._close_interrupt_pipe()
            self._interrupt_r, self.interrupt_w = os.pipe()
            os.set_blocking(self.interrupt_w, False)
            pass_fds = (self._interrupt_r, self.backend.interrupt_fd)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=sys.stderr, preexec_fn=self._prepare_backend, cwd=self.dir,
                                     pass_fds=pass_fds)
        if self._interrupt_r >= 0:
            os.close(self._interrupt_r)
        os.set_blocking(self.proc.stdin.fileno(), False)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.pidfd = os.pidfd_open(self.proc.pid)
        self.at_boot = True
        self.boot_at = time.monotonic()
        self.tail = b""
        self.expecting_exit = False

    def kill_backend(self) -> None:
        if not self.proc:
            return
        self.expecting_exit = True
        if self.proc.poll() is None:
            self.proc.terminate()  # node writes its flash back on SIGTERM
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()   # stuck in `while True: pass`: pull the plug
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        self.proc = None

    def shutdown(self) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        self.kill_backend()
        for path in (layout.record_path(self.name), layout.control_socket(self.name), self.monitor):
            try:
                os.unlink(path)
            except OSError:
                pass
        for conn, _ in self.clients.values():
            conn.close()
        self.drop_web()
        if self.webrepl is not None:
            self.webrepl.close()

    def write_record(self) -> None:
        record = {
            "name": self.name, "kind": self.backend.kind, "port": self.port, "pid": os.getpid(),
            "baud": self.baud, "state_dir": str(self.dir),
            "fs_dir": str(self.fs_dir) if self.fs_dir else None, "started": self.started,
            "ready": self.ready, "backend_pid": self.proc.pid if self.proc else None,
            "control": layout.control_socket(self.name), "webrepl_port": self.webrepl_port,
            "image": str(self.image) if self.image else None,
        }
        path = layout.record_path(self.name)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(record, indent=1))
        os.replace(tmp, path)

    # ------------------------------------------------------------------ the byte path
    def loop(self) -> None:
        while self.running:
            poller = select.poll()
            out_fd = self.proc.stdout.fileno()
            in_fd = self.proc.stdin.fileno()
            master_mask = select.POLLIN if len(self.to_device.buf) < BUFFER_LIMIT else 0
            if self.to_host.allowance():
                master_mask |= select.POLLOUT
            if master_mask:
                poller.register(self.master, master_mask)
            # With a WebREPL session the pty is a wire nobody may be listening to: its
            # output is trimmed in read_backend, and the session's pace is what counts.
            room = len(self.to_web) < BUFFER_LIMIT if self.web else len(self.to_host.buf) < BUFFER_LIMIT
            if room:
                poller.register(out_fd, select.POLLIN)
            if self.webrepl is not None:
                poller.register(self.webrepl.wakeup_fd, select.POLLIN)
            if self.web is not None:
                web_mask = select.POLLIN if len(self.to_device.buf) < BUFFER_LIMIT else 0
                if self.to_web:
                    web_mask |= select.POLLOUT
                poller.register(self.web, web_mask)
            if self.to_device.allowance():
                poller.register(in_fd, select.POLLOUT)
            poller.register(self.ctl, select.POLLIN)
            poller.register(self.pidfd, select.POLLIN)
            for fd in self.clients:
                poller.register(fd, select.POLLIN)
            timeouts = [t for t in (self.to_host.timeout(), self.to_device.timeout()) if t is not None]
            if (not self.ready or self.waiting) and self.ready_after is not None:
                left = self.boot_at + self.ready_after - time.monotonic()
                if left <= 0:
                    self.on_ready()
                else:
                    timeouts.append(left)
            if len(self.to_host.buf) >= BUFFER_LIMIT and not self.web:
                now = time.monotonic()
                self.stalled_since = self.stalled_since or now
                timeouts.append(max(0.0, self.stalled_since + STALL_DROP_SECONDS - now))
            timeout_ms = None if not timeouts else max(1, int(min(timeouts) * 1000) + 1)
            events = poller.poll(timeout_ms)
            generation = self.proc
            for fd, ev in events:
                if fd == self.master:
                    if ev & select.POLLIN:
                        self.read_into(self.master, self.to_device)
                    if ev & select.POLLOUT:
                        if self.to_host.write_to(self.master):
                            self.stalled_since = None
                elif fd == out_fd and ev & (select.POLLIN | select.POLLHUP):
                    self.read_backend(out_fd)
                elif fd == in_fd and ev & (select.POLLOUT | select.POLLERR):
                    try:
                        self.to_device.write_to(in_fd)
                    except BrokenPipeError:
                        self.to_device.buf.clear()
                elif fd == self.pidfd:
                    self.on_backend_exit()
                elif fd == self.ctl.fileno():
                    self.accept()
                elif fd in self.clients:
                    self.read_client(fd)
                elif self.webrepl is not None and fd == self.webrepl.wakeup_fd:
                    self.take_web()
                elif self.web is not None and fd == self.web.fileno():
                    self.serve_web(ev)
                if not self.running or self.proc is not generation:
                    break  # stopped, or the backend was restarted: its old fds are gone
            if (self.stalled_since and time.monotonic() - self.stalled_since >= STALL_DROP_SECONDS):
                self.to_host.buf.clear()  # nobody is reading: the bytes fall on the floor
                self.stalled_since = None

    def read_into(self, fd: int, stream: Stream) -> None:
        try:
            data = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            return
        self.to_board(data)

    def to_board(self, data: bytes) -> None:
        """Input for the board (from the pty or WebREPL); Ctrl-C also goes on the side pipe."""
        if self.interrupt_w >= 0 and b"\x03" in data:
            try:
                os.write(self.interrupt_w, b"\x03" * data.count(b"\x03"))
            except (BlockingIOError, OSError):
                pass  # side pipe full: the in-band copy still reaches the REPL
        self.to_device.buf += data

    def _close_interrupt_pipe(self) -> None:
        if self.interrupt_w >= 0:
            os.close(self.interrupt_w)
            self.interrupt_w = -1

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
        if self.web is not None:
            self.to_web += data
            if len(self.to_host.buf) > BUFFER_LIMIT:
                del self.to_host.buf[:-BUFFER_LIMIT]  # nobody reads the pty: UART overrun
        if not self.ready or self.waiting:
            window = self.tail + data
            if READY_MARKER in window:
                self.on_ready()
            self.tail = window[-len(READY_MARKER):]

    def on_ready(self) -> None:
        if not self.ready:
            self.ready = True
            self.write_record()
        for conn in self.waiting:
            self.reply(conn, {"ok": True, "port": self.port})
        self.waiting.clear()

    def on_backend_exit(self) -> None:
        if self.expecting_exit:
            return
        code = self.proc.wait()
        print(f"backend exited unexpectedly (status {code}); the board is gone", file=sys.stderr)
        self.running = False

    # ------------------------------------------------------------------ WebREPL session
    def take_web(self) -> None:
        sock = self.webrepl.take_session()
        if sock is None:
            return
        self.drop_web()
        sock.setblocking(False)
        self.web = sock

    def drop_web(self) -> None:
        """End the WebREPL session. What the pty has not read of it is dropped, like bytes
        on a UART nobody listened to: a pty client opened later must not get a stale
        session's raw-REPL replies."""
        if self.web is None:
            return
        self.web.close()
        self.web = None
        self.to_web.clear()
        self.to_host.buf.clear()
        try:
            termios.tcflush(self.slave, termios.TCIFLUSH)
        except (OSError, termios.error):
            pass

    def serve_web(self, ev: int) -> None:
        if ev & select.POLLIN:
            try:
                data = self.web.recv(65536)
            except BlockingIOError:
                data = None
            except OSError:
                data = b""
            if data == b"":
                self.drop_web()
                return
            if data:
                self.to_board(data)
        if ev & select.POLLOUT and self.to_web:
            try:
                sent = self.web.send(self.to_web)
                del self.to_web[:sent]
            except BlockingIOError:
                pass
            except OSError:
                self.drop_web()
                return
        if ev & (select.POLLHUP | select.POLLERR) and not ev & select.POLLIN:
            self.drop_web()

    # ------------------------------------------------------------------ control
    def accept(self) -> None:
        try:
            conn, _ = self.ctl.accept()
        except BlockingIOError:
            return
        conn.setblocking(False)
        self.clients[conn.fileno()] = (conn, bytearray())

    def read_client(self, fd: int) -> None:
        conn, buf = self.clients[fd]
        try:
            data = conn.recv(4096)
        except BlockingIOError:
            return
        if not data:
            self.drop_client(fd)
            return
        buf += data
        if b"\n" in buf:
            line = bytes(buf).split(b"\n", 1)[0]
            try:
                request = json.loads(line)
            except ValueError:
                request = {}
            self.handle(conn, request.get("op"))

    def drop_client(self, fd: int) -> None:
        conn, _ = self.clients.pop(fd, (None, None))
        if conn:
            if conn in self.waiting:
                self.waiting.remove(conn)
            conn.close()

    def reply(self, conn: socket.socket, message: dict) -> None:
        try:
            conn.setblocking(True)
            conn.sendall((json.dumps(message) + "\n").encode())
        except OSError:
            pass
        self.drop_client(conn.fileno())

    def handle(self, conn: socket.socket, op: str | None) -> None:
        if op == "ping":
            self.reply(conn, {"ok": True, "port": self.port, "ready": self.ready})
        elif op == "stop":
            self.reply(conn, {"ok": True})
            self.running = False
        elif op == "hard_reset":
            self.hard_reset()
            self.waiting.append(conn)
        else:
            self.reply(conn, {"ok": False, "error": f"unknown op {op!r}"})

    def hard_reset(self) -> None:
        self.to_device.buf.clear()
        self.tail = b""
        self.boot_at = time.monotonic()
        if self.backend.restart_on_reset:
            self.kill_backend()
            self.spawn()
            self.write_record()
        else:
            self.at_boot = True
            self.backend.hard_reset_via_monitor(self.monitor)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="boardkit.virtual.daemon")
    parser.add_argument("--name", required=True)
    parser.add_argument("--kind", required=True)
    parser.add_argument("--baud", type=int, default=None)
    parser.add_argument("--webrepl", type=int, default=None, metavar="PORT")
    parser.add_argument("--image", default=None, metavar="STAGED")
    parser.add_argument("--ready-after", type=float, default=None, metavar="SECONDS")
    args = parser.parse_args(argv)
    # The password travels in the environment (argv shows in ps); the backend must not inherit it.
    password = os.environ.pop(WEBREPL_PASSWORD_ENV, None)
    if args.webrepl is not None and not password:
        print(f"--webrepl needs a password in ${WEBREPL_PASSWORD_ENV}", file=sys.stderr)
        return 2
    return Daemon(args.name, args.kind, args.baud, args.webrepl, password, args.image,
                  args.ready_after).run()


if __name__ == "__main__":
    sys.exit(main())
