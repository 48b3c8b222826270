"""The board side of WebREPL's file transfer (PUT, GET, GET_VER) for a virtual board.

On a real board modwebrepl.c does this in C, in the firmware, on the bytes of binary
frames (see boardkit.links.webrepl_protocol for the records). The virtual boards run stock
firmware with no WebREPL in it, so the endpoint does the same work through the board's own
raw REPL, on the session's byte stream, while the client sees none of it: a real board
prints nothing during a transfer either. Like a real board, a transfer is served only while
the board waits for input (at a prompt), not while a program runs.

A PUT lands under a temporary name and is renamed over the file once complete, where the
board can rename (the micro:bit v1 cannot: there it is written in place, as a real board
always does): a client that goes away half-way leaves the old file as it was.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable

from boardkit.links.webrepl_protocol import (
    FAILED,
    GET_CHUNK_MAX,
    GET_FILE,
    GET_VER,
    OK,
    PUT_FILE,
    REQUEST,
    FileRequest,
    pack_chunk,
    pack_response,
    parse_request,
)
from boardkit.repl import GARBLED_TYPES, length_and_sum
from boardkit.safe_ast import literal

RAW_BANNER = b"raw REPL; CTRL-B to exit\r\n>"
FRIENDLY_PROMPT = b">>> "
REPLY_TIMEOUT = 20.0  # seconds the board may take to answer one step (a 115200-baud board is slow)
TMP_SUFFIX = ".wrtmp"
TAIL = 32  # bytes of forwarded output kept to tell which REPL mode the board is in
INFO = (
    "import sys as _wr_s, os as _wr_o, gc as _wr_g\n"
    "print(repr((tuple(_wr_s.implementation.version[:3]), hasattr(_wr_o, 'rename'), _wr_g.mem_free())))\n"
    "del _wr_s, _wr_o, _wr_g"
)


GARBLED_RETRIES = 3
GARBLED = "wr: garbled"
# How a step that lost bytes on the way fails: our steps never raise these when whole.
# (and TypeError: a checker that lost a byte of its `return a` gives None to index)
GARBLED_ERRORS = re.compile(rb"\b(" + "|".join((*GARBLED_TYPES, "TypeError")).encode() + rb")\b")
# On a board that can drop input bytes a step's literals (paths, data) go through this check
# before the step runs: a path that lost a byte would still parse and name another file.
# Defined for the length of a transfer, as _wr_f is.
CHECKER = (
    "def _wr_k(a,k):\n"
    " if sum(len(b)<<16|sum(b)&65535 for b in (bytes(x,'utf8') if type(x) is str else x for x in a))!=k:\n"
    f"  raise ValueError('{GARBLED}')\n"
    " return a"
)
CLEAN = "globals().pop('_wr_k',None)\nglobals().pop('_wr_a',None)"


def check_of(args: tuple[str | bytes, ...]) -> int:
    """What CHECKER computes for these literals (their bytes' lengths and 16-bit sums)."""
    return sum(length_and_sum(a.encode() if isinstance(a, str) else a) for a in args)


class BoardFailed(Exception):
    """The board could not do a step; code is its errno where it said one (else FAILED)."""

    def __init__(self, message: str, code: int = FAILED, garbled: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.garbled = garbled  # the step arrived without some of its bytes (sent again)
        self.unparsed = False  # no room to parse it: nothing of it ran


class BoardConsole:
    """The session's byte stream to the board, taken over for the length of one operation.

    While `capturing`, what the board prints comes here (route()) instead of going to the
    client; the raw REPL is entered at the start and left at the end if the board was at
    its friendly prompt before.
    """

    def __init__(self, send: Callable[[bytes], None], forward: Callable[[bytes], None], lossy: bool = False) -> None:
        self._send = send  # bytes to the board
        self._forward = forward  # bytes to the client (text frames)
        # The board may drop input bytes (the emulated micro:bit under load). A real board
        # does this work in C and never garbles it: here each step is checked, sent again.
        self.lossy = lossy
        self._checker = False  # CHECKER is defined on the board
        self._cond = threading.Condition()
        self._buf = bytearray()
        self.capturing = False
        self.tail = FRIENDLY_PROMPT  # what the client saw last (the login ends with a prompt)
        self._was_raw = False

    def route(self, data: bytes) -> None:
        """Output from the board: kept for the operation under way, else sent to the client."""
        with self._cond:
            if self.capturing:
                self._buf += data
                self._cond.notify_all()
                return
            self.tail = (self.tail + data)[-TAIL:]
        self._forward(data)

    def begin(self) -> None:
        """Take the board over: its raw REPL, whatever mode it was in."""
        self._checker = False
        with self._cond:
            self.capturing = True
            self._buf.clear()
            self._was_raw = self.tail.endswith((b"\x04>", RAW_BANNER))
        self._send(b"\x01")
        try:
            before = self._read_until(RAW_BANNER)
        except BoardFailed:  # busy running a program: leave it alone
            self._release()
            raise
        if before.endswith(b"\r\n"):  # the friendly REPL's answer to Ctrl-A
            before = before[:-2]
        if before:  # printed before we came: the client's
            self._forward(before)

    def end(self) -> None:
        """Give the board back in the mode it was in."""
        try:
            self.drop_checker()
            if not self._was_raw:
                self._send(b"\x02")
                self._read_until(FRIENDLY_PROMPT)
        finally:
            self._release()

    def _release(self) -> None:
        with self._cond:
            self.capturing = False
            leftover = bytes(self._buf)
            self._buf.clear()
        if leftover:
            self.route(leftover)

    def drop_checker(self) -> None:
        """Free the heap CHECKER takes (a micro:bit's is a few KB) when no step needs it."""
        if not self._checker:
            return
        self._checker = False
        try:
            self.exec(CLEAN)
        except BoardFailed:
            pass  # two names left in the REPL's globals: nothing to stop for

    def run(self, template: str, *args: str | bytes) -> bytes:
        """Run a step: template with {0}, {1}, ... standing for the literals args; its output.

        Where the board may drop bytes, the literals go checked (CHECKER) and a step that
        arrived garbled is sent again; elsewhere the step goes as plain code.
        """
        if not self.lossy or not args:
            return self.exec(template.format(*(repr(a) for a in args)))
        names = [f"_wr_a[{i}]" for i in range(len(args))]
        code = f"_wr_a=_wr_k(({''.join(repr(a) + ',' for a in args)}),{check_of(args)})\n"
        code += template.format(*names) + "\ndel _wr_a"
        for attempt in range(GARBLED_RETRIES + 1):
            try:
                if not self._checker:
                    self.exec(CHECKER)
                    self._checker = True
                return self.exec(code)
            except BoardFailed as exc:
                if not exc.garbled or attempt == GARBLED_RETRIES:
                    raise
                self._checker = False  # it may be the checker that lost a byte: define it again
        raise AssertionError("unreachable")

    def exec(self, code: str) -> bytes:
        """Run code in the raw REPL; its output, or BoardFailed with the board's errno.

        Code a small heap had no room to parse (nothing of it ran) goes once more in a fresh
        raw REPL: leaving it frees its line buffer, grown to the longest code it was sent.
        """
        try:
            return self._exec(code)
        except BoardFailed as exc:
            if not exc.unparsed:
                raise
        self._send(b"\x02\x01")  # to the friendly REPL and back
        self._read_until(RAW_BANNER)
        return self._exec(code)

    def _exec(self, code: str) -> bytes:
        self._send(code.encode() + b"\x04")
        head = self._read_until(b"OK")
        if head.strip():
            raise BoardFailed(f"the raw REPL did not take the code ({head[-60:]!r})")
        out = self._read_until(b"\x04")
        err = self._read_until(b"\x04")
        self._read_until(b">")
        if err.strip():
            found = re.search(rb"(?:OSError|Errno)\D{0,10}(\d+)", err)
            garbled = self.lossy and (GARBLED.encode() in err or GARBLED_ERRORS.search(err) is not None)
            failed = BoardFailed(
                err.decode(errors="replace").strip(), int(found.group(1)) if found else FAILED, garbled=garbled
            )
            # Out of memory before it ran: a traceback that never reached "in <module>".
            failed.unparsed = b"MemoryError" in err and b"in <module>" not in err
            raise failed
        return out

    def _read_until(self, marker: bytes) -> bytes:
        deadline = time.monotonic() + REPLY_TIMEOUT
        with self._cond:
            while marker not in self._buf:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise BoardFailed(f"the board did not answer (waiting for {marker!r})")
                self._cond.wait(left)
            before, _, after = bytes(self._buf).partition(marker)
            self._buf[:] = after
            return before


class FileTransfer:
    """The request/data state machine for the bytes of a session's binary frames."""

    def __init__(self, console: BoardConsole, send_binary: Callable[[bytes], None], info: BoardInfo) -> None:
        self.console = console
        self.send_binary = send_binary
        self.info = info
        self._head = bytearray()
        self.op: FileRequest | None = None
        self._remaining = 0
        self._pending = bytearray()  # PUT: received, not yet written
        self._outgoing = bytearray()  # GET: read, not yet sent
        self._eof = False
        self._failed = OK
        self._tmp = self._target = ""

    @property
    def busy(self) -> bool:
        """A PUT or GET is under way (the board's REPL is ours until it ends)."""
        return self.op is not None

    def feed(self, data: bytes) -> None:
        """Bytes of binary frames, in order (frame boundaries do not matter)."""
        view = memoryview(data)
        while view:
            if self.op is None:
                need = REQUEST.size - len(self._head)
                self._head += view[:need]
                view = view[need:]
                if len(self._head) == REQUEST.size:
                    record = bytes(self._head)
                    self._head.clear()
                    self._start(record)
            elif self.op.op == PUT_FILE:
                take = view[: self._remaining]
                view = view[len(take) :]
                self._pending += take
                self._remaining -= len(take)
                if len(self._pending) >= self.info.budget or not self._remaining:
                    self._write_pending()
                if not self._remaining:
                    self._finish(self._close_put())
            else:  # GET: each byte asks for the next chunk
                view = view[1:]
                self._send_chunk()

    def abort(self) -> None:
        """The client went away mid-operation: close the file, drop a half-written one."""
        if self.op is None:
            return
        try:
            if self.op.op == PUT_FILE:
                self._discard()
            else:
                self.console.exec("_wr_f.close()\ndel _wr_f")
        except BoardFailed:
            pass
        try:
            self.console.end()
        except BoardFailed:
            pass
        self.op = None

    # ------------------------------------------------------------------ operations
    def _start(self, record: bytes) -> None:
        try:
            request = parse_request(record)
        except ValueError:
            self.send_binary(pack_response(FAILED))
            return
        if request.op == GET_VER:
            try:
                version = self.info.version(self.console)
            except BoardFailed:
                version = (0, 0, 0)
            self.send_binary(bytes(version))
            return
        if request.op not in (PUT_FILE, GET_FILE) or not request.name:
            self.send_binary(pack_response(FAILED))
            return
        try:
            self.console.begin()
        except BoardFailed:
            self.send_binary(pack_response(FAILED))
            return
        try:
            self.info.learn(self.console)
            path = request.path
            if request.op == PUT_FILE:
                self._target = path
                self._tmp = path + TMP_SUFFIX if self.info.can_rename else path
                self.console.run("_wr_f = open({0}, {1})", self._tmp, "wb")
            else:
                self.console.run("_wr_f = open({0}, {1})", path, "rb")
                self.console.drop_checker()  # the reads have no literals to check
        except BoardFailed as exc:
            self._give_back()
            self.send_binary(pack_response(exc.code))
            return
        self.op = request
        self._remaining = request.size
        self._failed = OK
        self._eof = False
        self._outgoing.clear()
        self._pending.clear()
        self.send_binary(pack_response(OK))
        if request.op == PUT_FILE and not request.size:
            self._finish(self._close_put())

    def _write_pending(self) -> None:
        data, self._pending = bytes(self._pending), bytearray()
        while data and not self._failed:  # the rest of a failed PUT is read and dropped
            n = min(len(data), self.info.budget)
            while n > 1 and len(repr(data[:n])) > self.info.budget:
                n = n * 3 // 4
            try:
                self.console.run("_wr_f.write({0})", data[:n])
            except BoardFailed as exc:
                self._failed = exc.code
            data = data[n:]

    def _close_put(self) -> int:
        code = self._failed
        try:
            if code:
                self._discard()
            elif self._tmp == self._target:
                self.console.exec("_wr_f.close()\ndel _wr_f")
            else:
                self.console.run(
                    "_wr_f.close()\ndel _wr_f\nimport os as _wr_o\n"
                    "try:\n _wr_o.rename({0}, {1})\n"
                    # Some filesystems (FAT) will not rename over an existing file.
                    "except OSError:\n _wr_o.remove({1})\n _wr_o.rename({0}, {1})\n"
                    "del _wr_o",
                    self._tmp,
                    self._target,
                )
        except BoardFailed as exc:
            code = exc.code or FAILED
            try:
                self._discard()
            except BoardFailed:
                pass
        return code

    def _discard(self) -> None:
        """Close the file being written; a half-written temporary file never stays behind."""
        close = "try:\n _wr_f.close()\n del _wr_f\nexcept NameError:\n pass\n"
        if self._tmp == self._target:
            self.console.exec(close)
            return
        remove = "import os as _wr_o\ntry:\n _wr_o.remove({0})\nexcept OSError:\n pass\ndel _wr_o"
        self.console.run(close + remove, self._tmp)

    def _send_chunk(self) -> None:
        if not self._outgoing and not self._eof:
            try:
                out = self.console.exec(f"print(repr(_wr_f.read({max(16, self.info.budget // 4)})))")
                data = literal(out.decode().strip())
                if not isinstance(data, bytes):
                    raise BoardFailed("the board sent no bytes")
            except (BoardFailed, ValueError, SyntaxError) as exc:
                self._failed = exc.code if isinstance(exc, BoardFailed) else FAILED
                data = b""
            self._outgoing += data
            self._eof = not data
        piece = bytes(self._outgoing[:GET_CHUNK_MAX])
        del self._outgoing[:GET_CHUNK_MAX]
        self.send_binary(pack_chunk(piece))
        if not piece:
            code = self._failed
            try:
                self.console.exec("_wr_f.close()\ndel _wr_f")
            except BoardFailed as exc:
                code = code or exc.code
            self._finish(code)

    def _finish(self, code: int) -> None:
        self.op = None
        self._give_back()
        self.send_binary(pack_response(code))

    def _give_back(self) -> None:
        try:
            self.console.end()
        except BoardFailed:
            pass


class BoardInfo:
    """What the endpoint learns about its board once (the board does not change under it)."""

    def __init__(self) -> None:
        self.known = False
        self.release: tuple[int, int, int] = (0, 0, 0)
        self.can_rename = False
        self.budget = 320  # characters of code per raw-REPL step: what the board's heap allows

    def learn(self, console: BoardConsole) -> None:
        """Ask the board (its raw REPL must be ours), unless already known."""
        if self.known:
            return
        out = console.exec(INFO)
        try:
            release, rename, free = literal(out.decode().strip())
        except (ValueError, SyntaxError) as exc:
            raise BoardFailed(f"the board's answer made no sense: {out[-60:]!r}") from exc
        self.release = tuple(int(v) for v in release[:3]) + (0,) * (3 - len(release))  # type: ignore[assignment]
        self.can_rename = bool(rename)
        # The raw REPL grows its line buffer by doubling, in one piece: on a small heap a
        # long line fails to fit and the firmware stops dead (a micro:bit has about 9 KB).
        self.budget = 16384 if free >= 64 * 1024 else 1024 if free >= 32 * 1024 else 320
        self.known = True

    def version(self, console: BoardConsole) -> tuple[int, int, int]:
        """The board's MicroPython version, for GET_VER (asked once)."""
        if not self.known:
            console.begin()
            try:
                self.learn(console)
            finally:
                console.end()
        return self.release
