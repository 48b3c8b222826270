"""MicroPython's raw REPL over a Link.

Protocol (MicroPython docs, "raw mode and raw-paste mode"):
  Ctrl-A enters raw mode: the board prints "raw REPL; CTRL-B to exit\\r\\n>".
  Code followed by Ctrl-D runs it: "OK", stdout, \\x04, stderr (a traceback), \\x04, ">".
  Raw-paste (MicroPython 1.13+): after Ctrl-A, b"\\x05A\\x01" asks for it; the board answers
  b"R\\x01" + a 16-bit window size (supported), b"R\\x00" (refused), or, on older firmware
  such as the micro:bit v1's, treats the bytes as input and re-prints the raw banner.
  In raw-paste the host sends at most one window ahead; each \\x01 from the board grants
  another window, \\x04 from the board means "stop, I hit an error". The host ends with \\x04,
  the board acknowledges with \\x04, then output follows as in raw mode.
  Ctrl-B leaves raw mode; Ctrl-D on an empty raw line soft-resets the board.

Every wait has a deadline; nothing here blocks forever.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from boardkit.errors import BoardHung, BoardReset, CodeLost, LinkTimeout, NoMicroPython, ReplError
from boardkit.program import control_byte

if TYPE_CHECKING:
    from boardkit.links import Link

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n"
RAW_PROMPT = RAW_BANNER + b">"
SOFT_REBOOT = b"soft reboot\r\n"
CTRL_A, CTRL_B, CTRL_C, CTRL_D, CTRL_E = b"\x01", b"\x02", b"\x03", b"\x04", b"\x05"

# Plain raw mode has no flow control: old firmware reads from a small UART buffer,
# so code is written in slices with a breath between them (real UARTs drop bytes otherwise).
PLAIN_RAW_SLICE = 256
PLAIN_RAW_PAUSE = 0.01
# How code that lost bytes on the way fails there (boardkit's own code never does when whole).
GARBLED_TYPES = ("SyntaxError", "IndentationError", "NameError", "AttributeError")


def length_and_sum(data: bytes) -> int:
    """length << 16 | 16-bit byte sum: what a board compares before running code that may have
    lost bytes on the way (lib/bk_fs.py _bk_x, the virtual WebREPL's step checker)."""
    return len(data) << 16 | sum(data) & 0xFFFF


OutputCallback = Callable[[bytes], None]


@dataclass
class ExecResult:
    stdout: bytes
    stderr: bytes

    @property
    def raised(self) -> bool:
        return bool(self.stderr)


class RawRepl:
    """Drives the raw REPL on one link. Not thread-safe: one conversation at a time."""

    def __init__(self, link: Link, timeout: float = 10.0, answer_timeout: float = 3.0) -> None:
        self.link = link
        self.timeout = timeout  # for replies that may take a while
        self.answer_timeout = answer_timeout  # for "is anyone there?" waits
        self.in_raw = False
        self.raw_paste: bool | None = None  # unknown until first tried
        self.interrupted_program = False  # set when entering raw had to stop a program
        self.running = False  # a program of ours is running (input may go to it)
        self._running_lock = threading.Lock()  # interrupt_program() never races the end of a run
        self._buf = bytearray()

    # -- reading -------------------------------------------------------------------

    def _fill(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        chunk = self.link.read(65536, min(remaining, 0.5))
        if chunk:
            self._buf += chunk
            return True
        return False

    def read_until(
        self, marker: bytes, timeout: float, on_data: OutputCallback | None = None, what: str = "the board"
    ) -> bytes:
        """Read up to and including `marker`; return what came before it.

        With on_data, bytes are handed over as they arrive (minus the marker).
        """
        deadline = time.monotonic() + timeout
        scanned = 0
        while True:
            idx = self._buf.find(marker, max(0, scanned - len(marker) + 1))
            if idx >= 0:
                data = bytes(self._buf[:idx])
                del self._buf[: idx + len(marker)]
                if on_data and len(data) > scanned:
                    on_data(data[scanned:])
                return data
            if on_data and len(self._buf) > len(marker):
                # hand over everything that cannot be the start of the marker
                safe = len(self._buf) - len(marker) + 1
                if safe > scanned:
                    on_data(bytes(self._buf[scanned:safe]))
                    scanned = safe
            elif not on_data:
                scanned = len(self._buf)
            if not self._fill(deadline):
                if time.monotonic() >= deadline:
                    raise LinkTimeout(
                        f"timed out after {timeout:g} s waiting for {what}",
                        hint="the board may be busy or stuck; try `boardkit reset --hard`",
                    )

    def read_exact(self, n: int, timeout: float, what: str = "the board") -> bytes:
        deadline = time.monotonic() + timeout
        while len(self._buf) < n:
            if not self._fill(deadline) and time.monotonic() >= deadline:
                raise LinkTimeout(f"timed out after {timeout:g} s waiting for {what}")
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def drain(self) -> bytes:
        """Discard and return whatever the board has sent so far."""
        data = bytes(self._buf)
        self._buf.clear()
        while self.link.pending():
            data += self.link.read(65536, 0)
        return data

    # -- entering and leaving --------------------------------------------------------

    def enter(self) -> None:
        """Get the board to an idle raw REPL prompt, stopping any running program."""
        if self.in_raw:
            return
        # Ctrl-C twice stops a running program (once may be caught by it),
        # Ctrl-A asks for raw mode. Sent in one write: one round trip.
        self.link.write(b"\r" + CTRL_C + CTRL_C + CTRL_A)
        try:
            before = self.read_until(RAW_PROMPT, self.answer_timeout, what="the raw REPL prompt")
        except LinkTimeout:
            before = self._diagnose_no_prompt()
        if b"KeyboardInterrupt" in before:
            self.interrupted_program = True  # stays set for the session (a resend re-enters)
        self.in_raw = True

    def _diagnose_no_prompt(self) -> bytes:
        """Try once more; return what came before the prompt, or raise saying what is wrong."""
        seen = self.drain()
        url = getattr(self.link, "url", "the port")
        # One more chance: a slow board, or our Ctrl-A got eaten by a program's input().
        self.link.write(CTRL_C + CTRL_C + b"\r" + CTRL_A)
        try:
            return seen + self.read_until(RAW_PROMPT, self.answer_timeout, what="the raw REPL prompt")
        except LinkTimeout:
            seen += self.drain()
        if not seen.strip(b"\x00\r\n "):
            raise BoardHung(
                f"no answer from {url}: the board ignores Ctrl-C (stuck in a long C call?) "
                f"or is not running MicroPython",
                hint="try `boardkit reset --hard`; if that does not help, check the port and baud rate",
            )
        if _looks_like_micropython(seen):
            raise BoardHung(f"{url} answered but would not enter the raw REPL", hint="try `boardkit reset --hard`")
        raise NoMicroPython(
            f"{url} sent {len(seen)} bytes that are not a MicroPython REPL ({_preview(seen)})",
            hint="check it is a MicroPython/CircuitPython board and the baud rate (default 115200)",
        )

    def exit(self) -> None:
        """Back to the friendly REPL (Ctrl-B)."""
        if self.in_raw:
            self.link.write(CTRL_B)
            self.in_raw = False

    # -- running code ------------------------------------------------------------------

    def exec(
        self, code: str | bytes, on_stdout: OutputCallback | None = None, timeout: float | None = None
    ) -> ExecResult:
        """Run code on the board; stream stdout through on_stdout; return both streams.

        timeout bounds the whole run (None: wait as long as the program runs).
        """
        self.enter()
        if isinstance(code, str):
            code = code.encode()
        if not code.strip():
            code = b"pass"  # an empty program's Ctrl-D would be a soft reset in the raw REPL
        refused = control_byte(code, CTRL_D)  # ends the code in raw-paste mode too
        if refused is not None:
            raise refused
        self._send(code)
        return self._follow(on_stdout, timeout)

    def _send(self, code: bytes) -> None:
        if self.raw_paste is not False:
            self.link.write(CTRL_E + b"A" + CTRL_A)
            reply = self.read_exact(2, self.timeout, what="the raw-paste reply")
            if reply == b"R\x01":
                self.raw_paste = True
                self._send_raw_paste(code)
                return
            if reply != b"R\x00":
                # Firmware older than raw-paste took our bytes as input; its Ctrl-A
                # re-printed the raw banner. Resynchronise on it.
                self._buf[:0] = reply
                self.read_until(RAW_PROMPT, self.timeout, what="the raw REPL prompt")
            self.raw_paste = False
        self._send_plain_raw(code)

    def _send_plain_raw(self, code: bytes) -> None:
        """Plain raw mode: no flow control, so a board that dropped bytes is given one resend.

        Bytes 1-4 are the raw REPL's commands there, so code holding one cannot be sent.

        A board at the raw prompt answers "OK" the moment Ctrl-D arrives; silence means our
        bytes did not all arrive (a busy or starved board overran its receive buffer). Ctrl-C
        clears its half-received line and the code goes again, once.
        """
        refused = control_byte(code, b"\x01\x02\x03\x04")
        if refused is not None:
            raise refused
        for attempt in (1, 2):
            for start in range(0, len(code), PLAIN_RAW_SLICE):
                self.link.write(code[start : start + PLAIN_RAW_SLICE])
                if start + PLAIN_RAW_SLICE < len(code):
                    time.sleep(PLAIN_RAW_PAUSE)
            self.link.write(CTRL_D)
            try:
                ok = self.read_exact(2, self.answer_timeout, what="the board to accept the code")
                break
            except LinkTimeout:
                self.in_raw = False
                if attempt == 2:
                    self.link.write(CTRL_C)
                    raise CodeLost(
                        "the board did not acknowledge the code: bytes were lost on the way",
                        hint="try again; if it keeps happening, lower the load on the board or the link",
                    ) from None
                self.drain()
                self.enter()
        if ok != b"OK":
            rest = self.drain()
            raise ReplError(f"the board refused the code (it said {_preview(ok + rest)})", hint="try `boardkit reset`")

    def _send_raw_paste(self, code: bytes) -> None:
        window = int.from_bytes(self.read_exact(2, self.timeout, what="the raw-paste window"), "little")
        credit = window
        sent = 0
        while sent < len(code):
            # Wait for credit when the window is spent; otherwise just absorb what arrived.
            while credit == 0 or self._buf or self.link.pending():
                control = self.read_exact(1, self.timeout, what="raw-paste flow control")
                if control == CTRL_A:
                    credit += window
                elif control == CTRL_D:
                    # The board stopped the paste (e.g. a syntax error): end our side.
                    self.link.write(CTRL_D)
                    return
                else:
                    raise ReplError(
                        f"unexpected byte {control!r} in raw-paste flow control", hint="try `boardkit reset`"
                    )
            chunk = code[sent : sent + credit]
            self.link.write(chunk)
            sent += len(chunk)
            credit -= len(chunk)
        self.link.write(CTRL_D)
        # The board acknowledges the end of data with \x04 (any \x01 before it are spare credit).
        self.read_until(CTRL_D, self.timeout, what="the board to acknowledge the code")

    def _follow(self, on_stdout: OutputCallback | None, timeout: float | None) -> ExecResult:
        limit = timeout if timeout is not None else 10**9
        started = time.monotonic()
        watch = _ResetWatch(on_stdout)
        self.running = True
        try:
            stdout = self.read_until(CTRL_D, limit, on_data=watch, what="the program to finish")
        except BoardReset:
            self.in_raw = False  # it is at its friendly prompt now, a fresh heap
            raise
        except LinkTimeout:
            self.stop_program()
            raise LinkTimeout(
                f"the program was still running after {limit:g} s; stopped it",
                hint="raise --timeout if it needs longer",
            ) from None
        except KeyboardInterrupt:
            self.stop_program()
            raise
        finally:
            with self._running_lock:
                self.running = False
        remaining = max(limit - (time.monotonic() - started), self.answer_timeout)
        stderr = self.read_until(CTRL_D, remaining, what="the program's error output")
        self.read_until(b">", self.timeout, what="the raw REPL prompt")
        return ExecResult(stdout, stderr)

    def stop_program(self) -> None:
        """Interrupt a running program and get back to the raw prompt, or say it is hung."""
        self.link.write(CTRL_C)
        try:
            self.read_until(CTRL_D, self.answer_timeout, what="the program to stop")
            self.read_until(CTRL_D, self.answer_timeout, what="the program's error output")
            self.read_until(b">", self.answer_timeout, what="the raw REPL prompt")
        except LinkTimeout:
            self.in_raw = False
            crash = _crash_report(bytes(self._buf))
            if crash:  # it did not hang: it faulted and rebooted (its REPL answers again)
                raise ReplError(
                    f"the board crashed while the program ran and rebooted ({crash})",
                    hint="its files are kept; the program hit a fault in the firmware, so change it",
                ) from None
            raise BoardHung(
                "the board did not respond to Ctrl-C: it is stuck (a C call that never returns?)",
                hint="run `boardkit reset --hard`",
            ) from None

    def send_input(self, data: bytes) -> None:
        """Keys typed for the running program's input(): passed on as a terminal would send
        them (Enter as \\r). Dropped when no program runs, so they never become code."""
        if self.running and data:
            self.link.write(data.replace(b"\r\n", b"\r").replace(b"\n", b"\r"))

    def interrupt_program(self) -> bool:
        """Ctrl-C to the program of ours that is running, from another thread (its exec then
        ends with KeyboardInterrupt); False, sending nothing, when none runs: a Ctrl-C that
        arrived while the next code was on its way would cut that code short."""
        with self._running_lock:
            if not self.running:
                return False
            self.link.write(CTRL_C)
            return True

    def interrupt(self) -> None:
        """Send Ctrl-C (friendly or raw REPL)."""
        self.link.write(CTRL_C)

    def soft_reset(self) -> bytes:
        """Soft-reset the board (fresh heap, boot.py/main.py run); return what it printed."""
        self.enter()
        self.link.write(CTRL_D)
        self.read_until(SOFT_REBOOT, self.timeout, what="the board to soft-reset")
        # In raw mode a board comes back to the raw prompt by itself (boot.py/main.py
        # are skipped). If it does not (older firmware, a main.py that runs), stop it.
        try:
            printed = self.read_until(RAW_PROMPT, self.answer_timeout, what="the board to come back")
        except LinkTimeout:
            self.in_raw = False
            self.link.write(CTRL_C + CTRL_C + CTRL_A)
            printed = self.read_until(RAW_PROMPT, self.timeout, what="the board to come back after reset")
        self.in_raw = True
        return printed


# The line the wasm virtual board prints when its interpreter faults and reboots
# (firmware/wasm/board.mjs), like a real board's panic message before its boot banner.
CRASH_MARKER = re.compile(rb"FATAL: MicroPython crashed \(([^)\r\n]*)\)")


def _crash_report(data: bytes) -> str | None:
    """What a board said when it crashed, if `data` holds its crash line."""
    found = CRASH_MARKER.search(data)
    return found.group(1).decode(errors="replace") if found else None


# The friendly REPL's greeting, last thing a board prints after it booted: a program that
# reset the board (machine.reset(), microbit.reset()) never finishes in the raw REPL.
_BOOT_GREETING = re.compile(rb'MicroPython v\S+ on [^\r\n]*\r\nType "help\(\)" for more information\.\r\n>>> $')


class _ResetWatch:
    """Passes a program's output on, and raises BoardReset when it ends in the boot greeting."""

    def __init__(self, on_stdout: OutputCallback | None) -> None:
        self.on_stdout = on_stdout
        self.tail = b""

    def __call__(self, data: bytes) -> None:
        if self.on_stdout is not None:
            self.on_stdout(data)
        self.tail = (self.tail + data)[-400:]
        if self.tail.endswith(b">>> ") and _BOOT_GREETING.search(self.tail):
            crash = _crash_report(self.tail)
            if crash is not None:
                raise BoardReset(
                    f"the board crashed while the program ran and rebooted ({crash})",
                    hint="its files are kept; the program hit a fault in the interpreter itself",
                )
            raise BoardReset(
                "the board reset while the program ran (machine.reset()?); it is at its REPL prompt again",
                hint="nothing to do: its files are kept; run the next command when it is ready",
            )


def _looks_like_micropython(data: bytes) -> bool:
    return any(token in data for token in (b">>>", b"MicroPython", b"CircuitPython", b"Traceback", b"raw REPL"))


def _preview(data: bytes, limit: int = 40) -> str:
    text = repr(data[:limit])
    return text + ("..." if len(data) > limit else "")
