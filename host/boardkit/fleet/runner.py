"""Run one operation on many seats at once: a thread pool, one boardkit session per seat.

    report = run_fleet(seats, task, on_event=view.update)

`task(ctx)` does the work for one seat (ctx.connect() opens its board; ctx.update() reports
progress) and returns a dict; "summary" in it is the one-line result. A seat whose task
raises is a failure with the error's message and hint; the others carry on. Nothing here
prints: progress goes through `on_event(seat, state, text, done, total)`.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from boardkit.device import Device
from boardkit.errors import BoardkitError, DeviceError, PortNotFound, RemoteError
from boardkit.fleet.roster import Seat

if TYPE_CHECKING:
    from boardkit.ports import PortInfo
    from boardkit.virtual import VirtualBoard

# (seat name, state, text, done, total); state: "waiting" | "working" | "ok" | "failed"
EventCallback = Callable[[str, str, str, int | None, int | None], None]
MAX_WORKERS = 64
T = TypeVar("T")


@dataclass
class SeatResult:
    seat: str
    ok: bool
    seconds: float
    summary: str = ""  # one line for the table
    error: str = ""
    hint: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "seat": self.seat,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "summary": self.summary,
        }
        if not self.ok:
            out["error"] = self.error
            out["hint"] = self.hint
        out.update({k: v for k, v in self.data.items() if k not in out})
        return out


@dataclass
class FleetReport:
    command: str
    results: list[SeatResult]
    seconds: float

    @property
    def failed(self) -> list[str]:
        return [r.seat for r in self.results if not r.ok]

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "seconds": round(self.seconds, 2),
            "ok": self.ok,
            "failed": self.failed,
            "seats": [r.to_dict() for r in self.results],
        }


class Ports:
    """One look at what is attached, shared by every seat of a run (resolving a seat's board)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._serial: list[PortInfo] | None = None
        self._virtual: dict[str, VirtualBoard] | None = None

    def serial(self) -> list[PortInfo]:
        """The serial ports attached (looked at once per run)."""
        with self._lock:
            if self._serial is None:
                from boardkit.ports import serial_ports

                self._serial = serial_ports(include_all=True)
            return self._serial

    def virtual(self) -> dict[str, VirtualBoard]:
        """The running virtual boards by name (looked at once per run)."""
        with self._lock:
            if self._virtual is None:
                from boardkit import virtual

                self._virtual = {b.name: b for b in virtual.list_boards()}
            return self._virtual

    def url(self, seat: Seat) -> str:
        """The URL a seat's board is reached at, or PortNotFound saying what is missing."""
        if seat.finder in ("url", "port"):
            return seat.value
        if seat.finder == "virtual":
            board = self.virtual().get(seat.value)
            if board is None:
                raise PortNotFound(
                    f"virtual board {seat.value} is not running",
                    hint=f"start it: boardkit virtual start KIND --name {seat.value}",
                )
            return board.port
        attr = "serial_number" if seat.finder == "serial" else "location"
        for info in self.serial():
            if getattr(info, attr) == seat.value:
                return info.port
        raise PortNotFound(
            f"no board with {seat.describe()} is plugged in",
            hint="check its USB cable; `boardkit devices` lists what is attached",
        )

    def virtual_name(self, seat: Seat, url: str) -> str | None:
        """The name of the virtual board behind seat (found at url), or None for a real board."""
        if seat.finder == "virtual":
            return seat.value
        for board in self.virtual().values():
            if board.port == url:
                return board.name
        return None


class SeatContext:
    """What a task gets for one seat: its roster entry, its board, a way to report progress."""

    def __init__(self, seat: Seat, ports: Ports, timeout: float, emit: EventCallback | None):
        self.seat = seat
        self.ports = ports
        self.timeout = timeout
        self._emit = emit
        self._url: str | None = None

    @property
    def url(self) -> str:
        if self._url is None:
            self._url = self.ports.url(self.seat)
        return self._url

    @property
    def virtual_name(self) -> str | None:
        return self.ports.virtual_name(self.seat, self.url)

    def connect(self) -> Device:
        """A session with this seat's board (a Device; use it in a with block)."""
        from boardkit.api import connect

        self.update("connecting")
        return connect(self.url, timeout=self.timeout)

    def session(self, work: Callable[[Device], T]) -> T:
        """work(device) in a session with this seat's board.

        A board whose heap runs out part-way (the micro:bit's 10 KB, fragmented by the programs
        run since it last restarted) gets a soft reset, a fresh heap with its files kept, and
        one more try: work must be safe to repeat (plan again, then apply).
        """
        with self.connect() as device:
            try:
                return work(device)
            except DeviceError as exc:
                if not out_of_memory(exc):
                    raise
            self.update("out of memory: soft reset, trying again")
            device.soft_reset()
            return work(device)

    def update(self, text: str, done: int | None = None, total: int | None = None) -> None:
        """Report what this seat is doing (done/total bytes or steps, when known)."""
        if self._emit:
            self._emit(self.seat.name, "working", text, done, total)


def out_of_memory(exc: BaseException) -> bool:
    """Did the board run out of heap (a MemoryError raised, or reported by the device)?"""
    if isinstance(exc, RemoteError) and exc.exc_type == "MemoryError":
        return True
    return isinstance(exc, DeviceError) and "out of memory" in str(exc)


def run_fleet(
    seats: list[Seat],
    task: Callable[[SeatContext], dict[str, Any]],
    *,
    command: str = "",
    timeout: float = 10.0,
    workers: int | None = None,
    on_event: EventCallback | None = None,
    ports: Ports | None = None,
) -> FleetReport:
    """Run task on every seat at once; return every seat's result, in roster order."""
    started = time.monotonic()
    ports = ports or Ports()
    emit = _guarded(on_event)
    for seat in seats:
        emit(seat.name, "waiting", "waiting", None, None)
    results: dict[str, SeatResult] = {}

    def one(seat: Seat) -> None:
        results[seat.name] = run_seat(seat, task, ports, timeout, emit)

    count = max(1, min(len(seats), workers or MAX_WORKERS))
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="fleet")
    try:
        futures = [pool.submit(one, seat) for seat in seats]
        for future in futures:
            future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    ordered = [results[s.name] for s in seats]
    return FleetReport(command, ordered, time.monotonic() - started)


def run_seat(
    seat: Seat, task: Callable[[SeatContext], dict[str, Any]], ports: Ports, timeout: float, emit: EventCallback
) -> SeatResult:
    """One seat's task; whatever goes wrong becomes a failed SeatResult, never an exception."""
    ctx = SeatContext(seat, ports, timeout, emit)
    begun = time.monotonic()
    try:
        data = task(ctx) or {}
    except BoardkitError as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        result = SeatResult(
            seat.name,
            False,
            time.monotonic() - begun,
            error=message,
            hint=exc.hint or "",
            data=dict(getattr(exc, "data", {}) or {}),
        )
    except Exception as exc:  # noqa: BLE001 -- a bug, or an unwrapped library error: still only this seat
        result = SeatResult(
            seat.name,
            False,
            time.monotonic() - begun,
            error=f"internal error: {type(exc).__name__}: {exc}",
            hint="please report it; the other seats carried on",
        )
    else:
        data = dict(data)
        summary = str(data.pop("summary", ""))
        result = SeatResult(seat.name, True, time.monotonic() - begun, summary=summary, data=data)
    emit(seat.name, "ok" if result.ok else "failed", result.summary if result.ok else result.error, None, None)
    return result


def _guarded(on_event: EventCallback | None) -> EventCallback:
    """Progress callbacks come from many threads: serialise them; a broken view never fails a seat."""
    lock = threading.Lock()

    def emit(seat: str, state: str, text: str, done: int | None, total: int | None) -> None:
        if on_event is None:
            return
        with lock:
            try:
                on_event(seat, state, text, done, total)
            except Exception:  # noqa: BLE001, S110 -- a broken progress view must not fail a seat
                pass

    return emit


# -- the last run, for --retry-failed ---------------------------------------------------------


def save_state(path: Path, report: FleetReport, seats_run: list[str]) -> None:
    """Remember, per command, which seats have failed and not succeeded since (beside the roster).

    Seats not in this run keep what they had: `sync --only bob` does not forget that carol failed.
    """
    runs = _dict_or_empty(load_state(path).get("runs"))
    old = _dict_or_empty(runs.get(report.command))
    errors = {seat: err for seat, err in _dict_or_empty(old.get("errors")).items() if seat not in seats_run}
    errors.update({r.seat: r.error for r in report.results if not r.ok})
    runs[report.command] = {"finished": time.strftime("%Y-%m-%dT%H:%M:%S"), "failed": sorted(errors), "errors": errors}
    state = {"last": report.command, "runs": runs}
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(state, indent=2) + "\n")
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only roster folder costs only --retry-failed


def _dict_or_empty(value: object) -> dict[str, Any]:
    """value if the state file has a table there, else {} (the file may be old or hand-edited)."""
    return value if isinstance(value, dict) else {}


def load_state(path: Path) -> dict[str, Any]:
    """The saved state of the last runs, or {} (no file, or not readable as a JSON table)."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def failed_last_time(path: Path, command: str) -> tuple[list[str], str | None]:
    """(the seats whose last `command` failed, when that run finished) — ([], None) if never run."""
    run = _dict_or_empty(load_state(path).get("runs")).get(command)
    if not isinstance(run, dict):
        return [], None
    finished = run.get("finished")
    return [s for s in run.get("failed", []) if isinstance(s, str)], finished if isinstance(finished, str) else None
