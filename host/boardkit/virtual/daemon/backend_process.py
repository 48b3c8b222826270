"""The process that is the board (node, QEMU, ...): started, watched and ended by the daemon.

Its stdin/stdout are the board's UART (non-blocking pipes the daemon polls); a pidfd says
when it exits. It gets PR_SET_PDEATHSIG, so even a SIGKILLed daemon leaves no orphan, and
a backend that reads Ctrl-C on a side pipe (kinds' interrupt_fd) gets one.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from pathlib import Path

from boardkit.virtual.kinds.base import Backend


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


class BackendProcess:
    """One backend's process at a time: spawn() again after kill() for a fresh one."""

    def __init__(self, backend: Backend, cwd: Path, fs_dir: Path | None, monitor: str) -> None:
        self.backend = backend
        self.cwd = cwd
        self.fs_dir = fs_dir
        self.monitor = monitor
        self.proc: subprocess.Popen[bytes] | None = None
        self.pidfd = -1
        self.interrupt_w = -1  # write end of the backend's Ctrl-C side pipe, if it has one
        self._interrupt_r = -1
        self.expecting_exit = False  # we are ending it: its exit is not the board dying

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def stdin_fd(self) -> int:
        assert self.proc is not None and self.proc.stdin is not None
        return self.proc.stdin.fileno()

    @property
    def stdout_fd(self) -> int:
        assert self.proc is not None and self.proc.stdout is not None
        return self.proc.stdout.fileno()

    def spawn(self, image: Path | None) -> None:
        """Start the backend (booting `image` where its kind takes one)."""
        cmd = self.backend.command(self.cwd, self.fs_dir, self.monitor, image)
        if self.fs_dir:
            self.fs_dir.mkdir(parents=True, exist_ok=True)
        pass_fds: tuple[int, ...] = ()
        self._interrupt_r = -1
        if self.backend.interrupt_fd:
            # Ctrl-C also travels on a side pipe the backend can read while a program runs,
            # without reading (and reordering) its ordinary input. The child moves the read
            # end to the agreed fd number (_prepare_child).
            self._close_interrupt_pipe()
            self._interrupt_r, self.interrupt_w = os.pipe()
            os.set_blocking(self.interrupt_w, False)
            pass_fds = (self._interrupt_r, self.backend.interrupt_fd)
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sys.stderr,
            preexec_fn=self._prepare_child,
            cwd=self.cwd,
            pass_fds=pass_fds,
        )
        if self._interrupt_r >= 0:
            os.close(self._interrupt_r)
        os.set_blocking(self.stdin_fd, False)
        os.set_blocking(self.stdout_fd, False)
        self.pidfd = os.pidfd_open(self.proc.pid)
        self.expecting_exit = False

    def _prepare_child(self) -> None:
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

    def send_interrupts(self, count: int) -> None:
        """Copy `count` Ctrl-C onto the side pipe (where the backend has one)."""
        if self.interrupt_w < 0 or count <= 0:
            return
        try:
            os.write(self.interrupt_w, b"\x03" * count)
        except (BlockingIOError, OSError):
            pass  # side pipe full: the in-band copy still reaches the REPL

    def _close_interrupt_pipe(self) -> None:
        if self.interrupt_w >= 0:
            os.close(self.interrupt_w)
            self.interrupt_w = -1

    def exit_status(self) -> int | None:
        """The exit status of a backend that ended, waiting for it to be reaped."""
        return self.proc.wait() if self.proc else None

    def kill(self) -> None:
        """End the backend: SIGTERM (node writes its flash back), SIGKILL if it is stuck."""
        if not self.proc:
            return
        self.expecting_exit = True
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self.proc.kill()  # stuck in `while True: pass`: pull the plug
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                if f is not None:
                    f.close()
            except OSError:
                pass
        if self.pidfd >= 0:
            os.close(self.pidfd)
            self.pidfd = -1
        self.proc = None
