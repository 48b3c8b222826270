"""watch: sync a folder to a board on every save, then re-run a program and stream its output.

    stop = threading.Event()
    with connect("/dev/ttyACM0") as device:
        watch(device, Path("lesson"), run=Path("lesson/main.py"),
              on_event=lambda e: print(e.to_dict()), on_output=sys.stdout.buffer.write, stop=stop)

One session with the board for the whole watch. A file watcher (the watchfiles library) sees
saves; a burst of them (an editor writes a temporary file, renames it, writes a backup) is
one change. Each change: the running program is stopped (Ctrl-C), the files whose content
differs from what the board got are sent (sync's plan and writer: atomic and verified), the
board is soft-reset (a fresh heap, so edited modules are imported again), and the program
runs again, its output streamed to on_output until it ends or the next save.

The first sync lists the board (as `sync` does); later ones need no listing: the watch knows
what it sent. A failed sync or a program that raised is an event, and the watch goes on. A
board that goes away is reported; with `reconnect`, the watch waits up to `board_wait`
seconds for it to come back (then syncs it whole and runs again), else raises.

Events (WatchEvent.kind; WatchEvent.data):
  watching    folder, board, remote_dir, program      the file watcher is ready
  changed     paths                                    saves seen (relative paths)
  synced      sent, deleted, bytes, seconds, files     what the sync did (also when nothing)
  started     program, run                             the program starts (run: 1, 2, ...)
  finished    program, seconds                         it ended by itself
  raised      program, error, traceback                it raised (the board's traceback)
  exited      program, code, said                      it called sys.exit(code)
  stopped     program, reason ("save" or "stop")       it was interrupted with Ctrl-C
  error       stage ("sync" or "run"), error, hint     one line; the watch goes on
  board-lost  error, wait                              the link broke; waiting up to `wait` s
  waiting     seconds                                  still waiting for the board
  board-back  board                                    reconnected
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardkit.api.session import run as run_program
from boardkit.api.transfer import check_local_sync
from boardkit.device import Device
from boardkit.errors import (
    BoardkitError,
    BoardReset,
    InvalidInput,
    LinkError,
    LinkTimeout,
    RemoteError,
    ReplError,
)
from boardkit.local_files import unreadable
from boardkit.program import ProgramExit
from boardkit.repl import OutputCallback
from boardkit.watch_sync import BoardMirror
from boardkit.watched_folder import WatchedFolder, resolve_program

DEBOUNCE = 0.03  # seconds without a new event that end a burst of saves (editors take a few ms)
BOARD_WAIT = 60.0  # seconds to wait for a board that went away
RETRY_EVERY = 1.0  # seconds between attempts to reach it again
WAITING_NOTE_EVERY = 10.0  # seconds between "still waiting" events
INTERRUPT_AGAIN = 0.5  # seconds before a second Ctrl-C to a program that caught the first
WATCHER_TICK_MS = 100  # the file watcher's wake-up when idle (only to say it is ready)
READY_WAIT = 10.0  # seconds for the file watcher to start


@dataclass
class WatchEvent:
    """Something that happened during a watch (see the module's docstring for the kinds)."""

    kind: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.kind, **self.data}


EventCallback = Callable[[WatchEvent], None]


@dataclass
class WatchSummary:
    """What a watch did, when it ends."""

    syncs: int = 0
    runs: int = 0
    errors: int = 0


class _Either:
    """Set when either event is (what watchfiles' stop_event needs: is_set())."""

    def __init__(self, *events: threading.Event) -> None:
        self.events = events

    def is_set(self) -> bool:
        return any(e.is_set() for e in self.events)


def check_local_watch(
    folder: Path, run: str | Path | None = None, excludes: Sequence[str] = (), *, default_program: bool = True
) -> Path | None:
    """The program a watch of folder would re-run (run, or with default_program its main.py or
    code.py), after sync's local checks; InvalidInput now when it cannot. Call before connecting."""
    check_local_sync(Path(folder), excludes)
    if run is None and not default_program:
        return None
    return resolve_program(Path(folder), run)


class Watcher:
    """A watch in progress: `run()` it; `stop` ends it; `device` is the session in use.

    A device it replaced (after the board came back) it has closed; the one in use when run()
    returns is the caller's to close.
    """

    def __init__(
        self,
        device: Device,
        folder: Path,
        remote_dir: str = "/",
        *,
        run: Path | None = None,
        excludes: Sequence[str] = (),
        delete: bool = False,
        reset: bool = True,
        on_event: EventCallback | None = None,
        on_output: OutputCallback | None = None,
        stop: threading.Event | None = None,
        reconnect: Callable[[], Device] | None = None,
        board_wait: float = BOARD_WAIT,
        debounce: float = DEBOUNCE,
    ) -> None:
        self.device = device
        self.folder = Path(folder)
        self.program = check_local_watch(self.folder, run, excludes, default_program=False)
        self.remote_dir = remote_dir or "/"
        self.excludes = list(excludes)
        self.delete = delete
        self.reset = reset
        self.on_event = on_event
        self.on_output = on_output
        self.stop = stop if stop is not None else threading.Event()
        self.reconnect = reconnect
        if board_wait < 0 or debounce < 0:
            raise InvalidInput("board_wait and debounce are seconds, 0 or more")
        self.board_wait = board_wait
        self.debounce = debounce
        self.local = WatchedFolder(self.folder, self.excludes, self.program)
        self.mirror = BoardMirror(self.local, self.remote_dir, delete=delete)
        self.summary = WatchSummary()
        self._batches: queue.Queue[set[str] | BaseException] = queue.Queue()
        self._pending = threading.Event()  # a change waits: the program must stop
        self._ready = threading.Event()
        self._done = threading.Event()
        self._program_running = False  # only the user's program is ever interrupted
        self._interrupted = False
        self._stage = "sync"  # what the cycle is doing: "sync" or "run"

    # -- the loop ----------------------------------------------------------------------------

    def run(self) -> WatchSummary:
        """Watch until `stop` is set; raises when the board is gone for good or the watcher fails."""
        threads = [
            threading.Thread(target=self._watch_files, name="bk-watch-files", daemon=True),
            threading.Thread(target=self._interrupter, name="bk-watch-interrupt", daemon=True),
        ]
        for thread in threads:
            thread.start()
        try:
            # A board that does not answer now fails the watch at once, as any command would;
            # only one that went away during the watch is waited for.
            self.device.caps  # noqa: B018 -- the probe, or its LinkError / ReplError
            if not self._ready.wait(READY_WAIT):
                raise BoardkitError("the file watcher did not start", hint="check the folder can be read")
            self._take_failure()
            self._emit(
                "watching",
                folder=str(self.folder),
                board=self.device.url,
                remote_dir=self.remote_dir,
                program=self._program_name(),
            )
            self._cycle()
            while not self.stop.is_set():
                changed = self._next_changes()
                if changed is None:
                    break
                self._emit("changed", paths=changed)
                self._cycle()
        finally:
            self._done.set()
            for thread in threads:
                thread.join(timeout=2)
        return self.summary

    def send_input(self, data: bytes) -> None:
        """Keys for the running program's input() (dropped when none runs)."""
        self.device.send_input(data)

    def _next_changes(self) -> list[str] | None:
        """The paths of the next burst of saves (all that queued up), or None once stopped."""
        while not self.stop.is_set():
            try:
                first = self._batches.get(timeout=0.1)
            except queue.Empty:
                continue
            batches = [first]
            while not self._batches.empty():
                batches.append(self._batches.get_nowait())
            self._pending.clear()
            paths: set[str] = set()
            for batch in batches:
                if isinstance(batch, BaseException):
                    raise BoardkitError(f"the file watcher stopped: {batch}", hint="start watch again") from batch
                paths |= batch
            return sorted(self._relative(p) for p in paths)
        return None

    def _cycle(self) -> None:
        """Sync, then run; a board that went away is waited for, then the cycle starts again."""
        while not self.stop.is_set():
            try:
                if self._sync() and self.program is not None and not self.stop.is_set():
                    self._run_program()
                return
            except (LinkTimeout, ReplError) as exc:  # the board is there but went quiet, or hung
                self.mirror.forget()
                self._error(self._stage, exc)
                return
            except LinkError as exc:
                self._wait_for_board(exc)

    # -- sync --------------------------------------------------------------------------------

    def _sync(self) -> bool:
        """Send what changed; False (after an error event) when that failed."""
        self._stage = "sync"
        started = time.monotonic()
        try:
            plan = self.mirror.sync(self.device)
        except (LinkError, ReplError):
            raise
        except BoardkitError as exc:  # full, a name the board cannot store, a bad ignore file ...
            self._error("sync", exc)
            return False
        except OSError as exc:  # a file went, or became unreadable, between the look and the send
            self._error("sync", unreadable(Path(exc.filename or self.folder), exc))
            return False
        self.summary.syncs += 1
        deleted = [self.mirror.relative(self.device, path) for path, _ in plan.delete]
        self._emit(
            "synced",
            sent=len(plan.send),
            deleted=len(plan.delete),
            bytes=plan.bytes_to_send,
            seconds=round(time.monotonic() - started, 3),
            files=sorted([f.rel for f, _ in plan.send] + deleted),
        )
        return True

    # -- run ---------------------------------------------------------------------------------

    def _run_program(self) -> None:
        assert self.program is not None
        device = self.device
        name = self._program_name()
        self._stage = "run"
        if self.reset:
            device.soft_reset()  # a fresh heap: modules the last run imported load again
        where = None
        if self.remote_dir.strip("/"):
            # its folder is the working folder, and first on sys.path: the wasm board's import
            # does not look in the working folder for sys.path's ''
            where = device.board_path(self.remote_dir)
            device.exec(f"__import__('os').chdir({where!r})\n__import__('sys').path.insert(0, {where!r})")
        device.caps  # noqa: B018 -- probed now, never while the program may be interrupted
        self.summary.runs += 1
        self._emit("started", program=name, run=self.summary.runs)
        started = time.monotonic()
        self._interrupted = False
        self._program_running = True
        try:
            run_program(device, self.program, on_output=self.on_output)
        except RemoteError as exc:
            if exc.exc_type == "KeyboardInterrupt" and self._interrupted:
                self._emit("stopped", program=name, reason="stop" if self.stop.is_set() else "save")
            else:
                self._emit("raised", program=name, error=exc.message, traceback=exc.traceback)
        except ProgramExit as exc:
            self._emit("exited", program=name, code=exc.exit_code, said=exc.said)
        except BoardReset as exc:
            device.helpers.forget()
            self._error("run", exc)
        except InvalidInput as exc:  # the program cannot be read, or cannot reach the board whole
            self._error("run", exc)
        else:
            self._emit("finished", program=name, seconds=round(time.monotonic() - started, 3))
        finally:
            self._program_running = False
            if where is not None:
                self._leave_folder(where)

    def _leave_folder(self, where: str) -> None:
        """Back to the board's top folder after a run in `where`: the next command (or tool)
        must find the board as a soft reset would leave it, even with --no-reset."""
        try:
            self.device.exec(
                f"__import__('os').chdir('/')\nif {where!r} in __import__('sys').path:"
                f" __import__('sys').path.remove({where!r})"
            )
        except BoardkitError:
            pass  # the board went away or reset: the next cycle deals with that

    def _program_name(self) -> str | None:
        return self._relative(str(self.program)) if self.program is not None else None

    # -- the board going away ------------------------------------------------------------------

    def _wait_for_board(self, lost: LinkError) -> None:
        """Reach the board again (then the next sync lists it); raise `lost` if it does not come back."""
        try:
            self.device.close()
        except BoardkitError:
            pass
        if self.reconnect is None:
            raise lost
        self._emit("board-lost", error=str(lost), wait=self.board_wait)
        started = time.monotonic()
        next_note = WAITING_NOTE_EVERY
        while not self.stop.wait(RETRY_EVERY):
            elapsed = time.monotonic() - started
            try:
                device = self.reconnect()
            except (LinkError, ReplError):
                device = None
            if device is not None:
                try:
                    device.caps  # noqa: B018 -- it answers: the probe ran
                except (LinkError, ReplError):
                    device.close()
                else:
                    self.device = device
                    self.mirror.forget()
                    self._emit("board-back", board=device.url)
                    return
            if elapsed >= self.board_wait:
                raise LinkError(
                    f"the board did not come back within {self.board_wait:g} s ({lost})",
                    hint="check the cable or the virtual board, then start watch again",
                ) from lost
            if elapsed >= next_note:
                self._emit("waiting", seconds=round(elapsed))
                next_note += WAITING_NOTE_EVERY

    # -- the two helper threads ----------------------------------------------------------------

    def _watch_files(self) -> None:
        """Queue each burst of saves that matters; the first wake-up says the watcher is ready."""
        import watchfiles

        def matters(_change: watchfiles.Change, path: str) -> bool:
            return self.local.matters(path)

        try:
            for batch in watchfiles.watch(
                self.folder,
                watch_filter=matters,
                debounce=1600,
                step=max(1, round(self.debounce * 1000)),
                stop_event=_Either(self.stop, self._done),
                rust_timeout=WATCHER_TICK_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
            ):
                self._ready.set()
                if batch:
                    self._batches.put({path for _, path in batch})
                    self._pending.set()
        except Exception as exc:  # noqa: BLE001 -- the folder went away, no inotify watches left ...
            self._batches.put(exc)
            self._ready.set()

    def _interrupter(self) -> None:
        """Ctrl-C to the running program while a change waits or the watch is stopping
        (again after INTERRUPT_AGAIN: a program may catch KeyboardInterrupt once)."""
        while not self._done.is_set():
            if not (self._pending.is_set() or self.stop.is_set()):
                self._pending.wait(0.1)  # (stop is the caller's Event: looked at 10 times a second)
            elif self._program_running and self.device.repl.interrupt_program():
                self._interrupted = True
                self._done.wait(INTERRUPT_AGAIN)
            else:
                self._done.wait(0.01)  # a sync is under way; its program will start soon

    def _take_failure(self) -> None:
        if not self._batches.empty():
            first = self._batches.queue[0]
            if isinstance(first, BaseException):
                raise BoardkitError(f"cannot watch {self.folder}: {first}", hint="check the folder") from first

    # -- reporting ---------------------------------------------------------------------------

    def _relative(self, path: str) -> str:
        for root in (self.folder.resolve(), self.folder):
            try:
                return Path(path).relative_to(root).as_posix()
            except ValueError:
                continue
        return path

    def _emit(self, kind: str, **data: Any) -> None:
        if self.on_event is not None:
            self.on_event(WatchEvent(kind, data))

    def _error(self, stage: str, exc: BoardkitError) -> None:
        self.summary.errors += 1
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        self._emit("error", stage=stage, error=message, hint=exc.hint)


def watch(
    device: Device,
    folder: Path,
    remote_dir: str = "/",
    *,
    run: Path | None = None,
    excludes: Sequence[str] = (),
    delete: bool = False,
    reset: bool = True,
    on_event: EventCallback | None = None,
    on_output: OutputCallback | None = None,
    stop: threading.Event | None = None,
    reconnect: Callable[[], Device] | None = None,
    board_wait: float = BOARD_WAIT,
    debounce: float = DEBOUNCE,
) -> WatchSummary:
    """Sync folder into the board folder remote_dir on every save and re-run `run` (a .py file
    in folder; None: sync only), until `stop` is set.

    excludes: more ignore patterns (gitignore syntax) beside .boardkitignore and the editors'
    temporary files. delete: the first sync also removes board files folder does not have
    (files deleted locally during the watch are always removed from the board). reset: a
    soft reset before each run (a fresh heap, so edited modules are imported again).
    on_event(WatchEvent): what happens; on_output(bytes): the program's output as it streams.
    reconnect(): a new session when the board went away (tried every second for up to
    board_wait seconds); None: a lost board raises its LinkError. debounce: seconds of quiet
    that end a burst of saves. See Watcher for the device's ownership.
    """
    return Watcher(
        device,
        folder,
        remote_dir,
        run=run,
        excludes=excludes,
        delete=delete,
        reset=reset,
        on_event=on_event,
        on_output=on_output,
        stop=stop,
        reconnect=reconnect,
        board_wait=board_wait,
        debounce=debounce,
    ).run()
