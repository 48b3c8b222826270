"""boardkit's helpers on the board (lib/bk_fs.py), sent piece by piece as calls need them.

This is where a session survives a board's hard days, each recovery learnt on a real one:
- out of memory on a small board (micro:bit v1, a few KB of heap): drop the helpers this
  call does not need, then free the raw REPL's line buffer, then soft-reset (never while a
  board file is open);
- code garbled on the way (plain raw mode has no flow control, a busy board drops bytes):
  our code never has a syntax error nor names what is not there, so those errors mean
  "send it again"; a helper that lost bytes yet still parsed is defined again.
A call that is run again calls its restart() first, so output collected from the failed
run can be dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from boardkit import device_code
from boardkit.device import resident
from boardkit.device.errors import file_error
from boardkit.device.probe import Capabilities, small_heap
from boardkit.errors import BoardChanged, CodeLost, DeviceError, LinkTimeout, RemoteError
from boardkit.repl import GARBLED_TYPES, OutputCallback, RawRepl, length_and_sum

GARBLED_RETRIES = 3
SMALL_BOARD_FUNCTIONS = 6  # helper functions a board with under 32 KB free keeps defined at once
# Every call into our helpers ends within this many seconds (a read may ask for more): a
# board looping in its filesystem (a damaged one) must not keep a command waiting for ever.
HELPER_TIMEOUT = 120.0

Restart = Callable[[], None]


class Board(Protocol):
    """What the helpers need of a session (Device is one)."""

    repl: RawRepl
    url: str

    @property
    def caps(self) -> Capabilities: ...

    def exec(
        self, code: str | bytes, on_output: OutputCallback | None = None, timeout: float | None = None
    ) -> bytes: ...

    def fresh_raw_repl(self) -> None: ...

    def soft_reset(self) -> None: ...

    @property
    def caps_cached(self) -> bool: ...

    def reprobe(self) -> None: ...


class HelperLoader:
    """Runs calls into lib/bk_fs.py on one board, keeping track of what is defined there."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.loaded: set[str] = set()  # lib/bk_fs.py pieces on the board ("" = prelude)
        self.file_open = False  # a board-side file is open (write_file): no soft reset now
        self.timeout = HELPER_TIMEOUT  # the bound on the call running now
        # lib/bk_fs.py is kept on the board's flash (resident.py): None until the first call
        self.resident: bool | None = None
        self.sent = 0  # bytes of helper code sent this session (not the calls): tests count them

    def forget(self) -> None:
        """The board lost our helpers (a soft reset): send them again when needed."""
        self.loaded.clear()

    def clean(self) -> None:
        """Drop our helpers from the REPL's globals (a small board needs that heap back)."""
        if not self.loaded:
            return
        if self.resident:
            self.board.exec(resident.clean_code(), timeout=self.timeout)
        else:
            self.call("_bk_clean()")
        self.loaded.clear()

    def call(
        self,
        call: str,
        on_output: OutputCallback | None = None,
        path: str | None = None,
        restart: Restart | None = None,
        timeout: float = HELPER_TIMEOUT,
        checked: bool = False,
    ) -> bytes:
        """Run a call into lib/bk_fs.py, first sending whatever part of it this session lacks.

        On a link without flow control the call runs only if it arrived whole (_bk_x),
        unless it is `checked`: a piece of a file, which carries its own length and sum.

        On a small board each piece goes in its own exec: the micro:bit cannot parse
        much more than a few hundred bytes of source at once. A call that is run again (out
        of memory, code garbled on the way) calls restart() first, so a caller collecting
        its output through on_output can drop what the failed run printed. The call is
        stopped (and DeviceError raised) after timeout seconds.
        """
        board = self.board
        self.timeout = timeout
        if not checked:
            call = self._guarded(call)
        try:
            if not small_heap(board.caps):
                return self._call_roomy(call, on_output)
            # Out of memory even with only the helpers this call needs (_exec_small has dropped
            # the others): first free the raw REPL's line buffer (globals, and an open file,
            # stay); then, if no board file is open, a soft reset: a fresh heap, without the
            # REPL's globals (as mpremote's every command does).
            for recover in (board.fresh_raw_repl, board.soft_reset, None):
                try:
                    return self._call_small(call, on_output, restart)
                except RemoteError as exc:
                    if (
                        exc.exc_type != "MemoryError"
                        or recover is None
                        or (recover == board.soft_reset and self.file_open)
                    ):
                        raise
                recover()
                if restart:
                    restart()
        except RemoteError as exc:
            raise file_error(exc, path, board.caps.platform) from None
        except LinkTimeout as exc:
            if "still running" not in str(exc):
                raise  # the link itself went quiet: its own words say so
            raise DeviceError(
                f"the board did not finish boardkit's file operation{f' on {path}' if path else ''} "
                f"within {timeout:g} s; it was stopped",
                hint="its filesystem may be damaged: check with `boardkit ls`, or `boardkit reset --hard`",
            ) from None
        finally:
            self.timeout = HELPER_TIMEOUT
        raise AssertionError("unreachable")

    def _guarded(self, call: str) -> str:
        """The call, to run on the board only if it arrives whole where bytes can be lost."""
        if self.board.repl.raw_paste:
            return call  # flow control: nothing is lost on the way
        return f"_bk_x({call!r},{length_and_sum(call.encode())})"

    def exec_own(self, code: str, on_output: OutputCallback | None = None, restart: Restart | None = None) -> bytes:
        """Exec boardkit's own code, resending it if it arrived garbled.

        Plain raw mode (old firmware) has no flow control: a board too busy to empty its
        receive buffer drops bytes. Our code never has a syntax error and checks its data,
        so those errors mean "garbled on the way" and the code is sent again.
        """
        for attempt in range(GARBLED_RETRIES + 1):
            if attempt and restart:
                restart()
            try:
                return self.board.exec(code, on_output=on_output, timeout=self.timeout)
            except CodeLost:
                if attempt == GARBLED_RETRIES:
                    raise
            except RemoteError as exc:
                # Our code names nothing that is not there: a NameError or AttributeError from
                # it means a byte of a name was lost (seen on a micro:bit under heavy load).
                if not self._garbled(exc) or attempt == GARBLED_RETRIES:
                    raise
        raise AssertionError("unreachable")

    def _pieces(self, call: str) -> tuple[list[tuple[str, str]], set[str]]:
        """The lib/bk_fs.py pieces this session has not sent yet that `call` needs; all it needs."""
        helpers = device_code.module("bk_fs")
        used = [name for name in helpers.functions if name + "(" in call]
        needed = helpers.closure(used)
        missing = [fn for fn in needed if fn not in self.loaded]
        pieces = ([] if "" in self.loaded else [("", helpers.prelude)]) + [
            (fn, helpers.functions[fn]) for fn in missing
        ]
        return pieces, set(needed)

    def _call_roomy(self, call: str, on_output: OutputCallback | None) -> bytes:
        if self.resident is None:
            self.resident = resident.applies(self.board.caps)
        if self.resident:
            if "" not in self.loaded:
                return self._call_resident(call, on_output)
            return self.board.exec(call, on_output=on_output, timeout=self.timeout)  # all there
        pieces, _ = self._pieces(call)
        code = "".join(code for _, code in pieces)
        out = self.board.exec(code + call, on_output=on_output, timeout=self.timeout)
        self.sent += len(code)
        self.loaded.update(name for name, _ in pieces)
        return out

    def _call_resident(self, call: str, on_output: OutputCallback | None) -> bytes:
        """The session's first call, after putting the helpers kept on the board (resident.py)
        in the REPL's globals: one exec when they are imported already; else imported from
        flash first, or written there (or into RAM) when missing or of another version."""
        board = self.board
        for attempt in range(3):
            check = board.caps if board.caps_cached else None
            try:
                out = board.exec(resident.bootstrap(check) + call, on_output=on_output, timeout=self.timeout)
                self.loaded.add("")  # every function of lib/bk_fs.py is there now
                return out
            except RemoteError as exc:
                if attempt == 2:
                    raise
                if not self._resident_missing(exc):
                    if board.caps_cached:
                        # not an answer our bootstrap gives (a micro:bit's sys has no modules):
                        # the cache may describe another board once at this port
                        board.reprobe()  # BoardChanged when it does
                    raise
        raise AssertionError("unreachable")

    def _resident_missing(self, exc: RemoteError) -> bool:
        """After the bootstrap failed: make the helpers importable; False if exc is another error."""
        board = self.board
        if exc.exc_type == "ImportError" and resident.OTHER_BOARD in exc.message:
            board.reprobe()  # raises when this board is not the one the cache described
            return True
        if exc.exc_type != "KeyError" or resident.module_name() not in exc.message:
            return False
        try:
            if resident.on_flash(board.caps):
                self.board.exec(resident.import_code(), timeout=self.timeout)
                return True
        except RemoteError as missing:
            if resident.MISSING not in missing.message:
                raise
        if board.caps_cached:
            board.reprobe()  # a board without our module may be another board: ask it first
            if not resident.applies(board.caps):
                raise BoardChanged(
                    "the board is not the one boardkit saw at this port last", hint="run the command again"
                )
        code = resident.install_code(board.caps)
        self.exec_own(code)
        self.sent += len(code)
        return True

    def _call_small(self, call: str, on_output: OutputCallback | None, restart: Restart | None) -> bytes:
        # A few KB of heap cannot hold every helper: drop the ones this call does not use
        # when there are many, or when the board runs out of memory.
        for attempt in range(2):
            pieces, needed = self._pieces(call)
            loaded = [fn for fn in self.loaded if fn]
            missing = [name for name, _ in pieces if name]
            if missing and len(loaded) + len(missing) > SMALL_BOARD_FUNCTIONS:
                self._evict(needed)
            for name, code in pieces:
                self._exec_small(code, needed)
                self.loaded.add(name)
            try:
                return self._exec_small(call, needed, on_output=on_output, restart=restart)
            except RemoteError as exc:
                if attempt or not self._garbled(exc):
                    raise
            # The call itself was sent again and still fails as garbled code does: a helper
            # it uses lost a byte on the way yet still parsed (`_bk_f.write` as `_.write`).
            # Define them again (and the prelude, unless that would drop an open file).
            self.loaded.difference_update(needed if self.file_open else needed | {""})
            if restart:
                restart()
        raise AssertionError("unreachable")

    def _garbled(self, exc: RemoteError) -> bool:
        """Is this how our own code fails when bytes of it were lost (plain raw mode only)?"""
        return not self.board.repl.raw_paste and (exc.exc_type in GARBLED_TYPES or "bk: garbled" in exc.message)

    def _exec_small(
        self, code: str, needed: set[str], on_output: OutputCallback | None = None, restart: Restart | None = None
    ) -> bytes:
        """Exec on a small board; out of memory, drop the helpers not needed now and retry once."""
        try:
            return self.exec_own(code, on_output=on_output, restart=restart)
        except RemoteError as exc:
            if exc.exc_type != "MemoryError" or not self._evict(needed):
                raise
        if restart:
            restart()
        return self.exec_own(code, on_output=on_output, restart=restart)

    def _evict(self, keep: set[str]) -> bool:
        """Delete our helper functions other than `keep` from the board; False if none."""
        evict = [fn for fn in self.loaded if fn and fn not in keep]
        if evict:
            self.exec_own("".join(f"del {fn}\n" for fn in evict) + "import gc\ngc.collect()")
            self.loaded.difference_update(evict)
        return bool(evict)
