"""The teacher's view: the roster's seats as live tiles, and the classroom actions
(push a lesson folder, run the editor's program, stop, collect) run through boardkit.fleet,
so a seat that fails fails alone, exactly as `boardkit fleet` does.

Nothing here prints or knows about sockets: state changes go to `on_change(seat_dict)`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from boardkit.device import Device
from boardkit.errors import BoardkitError, InvalidInput
from boardkit.fleet import Roster, Seat, ops, run_fleet
from boardkit.fleet.runner import FleetReport, Ports, SeatContext

SeatChange = Callable[[dict[str, Any]], None]
RUN_MAX_TIME = 600.0  # seconds a program runs on the boards before it is stopped for the teacher


# roster board id -> the feature data's target name, where they differ
_CHECK_NAMES = {"microbit_v1": "microbit", "virtual_microbit": "microbit", "virtual_wasm": "wasm"}


def check_name(board: str) -> str:
    """The feature data's name for a roster board id (micro:bit v1 -> "microbit")."""
    return _CHECK_NAMES.get(board, board)


class Classroom:
    """One roster's seats, what the page shows of each, and the actions on all of them."""

    def __init__(self, roster: Roster, on_change: SeatChange, release: Callable[[str, str], None]) -> None:
        self.roster = roster
        self.on_change = on_change
        self.release = release  # (url, why): end a page's relay on a board the teacher needs
        self.seats: dict[str, dict[str, Any]] = {
            s.name: {
                "name": s.name,
                "pupil": s.pupil,
                "board": s.board,
                "where": s.describe(),
                "state": "",
                "text": "",
                "result": "",
            }
            for s in roster.seats
        }
        self._busy = threading.Lock()
        self._running: dict[str, Device] = {}  # seat -> the session running the teacher's program

    def seat(self, name: str) -> Seat:
        return self.roster.select([name])[0]

    def snapshot(self) -> list[dict[str, Any]]:
        return [dict(v) for v in self.seats.values()]

    def _update(self, name: str, **changes: Any) -> None:
        self.seats[name].update(changes)
        self.on_change(dict(self.seats[name]))

    def _event(self, seat: str, state: str, text: str, done: int | None, total: int | None) -> None:
        self._update(seat, state=state, text=text)

    def url_of(self, seat: Seat) -> str:
        return Ports().url(seat)

    def _free_boards(self, why: str) -> None:
        ports = Ports()
        for seat in self.roster.seats:
            try:
                self.release(ports.url(seat), why)
            except BoardkitError:
                pass

    def _run(self, command: str, task: Callable[[SeatContext], dict[str, Any]], timeout: float = 10.0) -> FleetReport:
        if not self._busy.acquire(blocking=False):
            raise InvalidInput("another classroom action is still running", hint="wait for it to finish")
        try:
            self._free_boards(f"the teacher's {command} needs this board for a moment")
            report = run_fleet(self.roster.seats, task, command=command, timeout=timeout, on_event=self._event)
        finally:
            self._busy.release()
        for result in report.results:
            line = result.summary if result.ok else f"{result.error}" + (f" — {result.hint}" if result.hint else "")
            changes: dict[str, Any] = {"result": f"{command}: {line}", "ok": result.ok}
            if command == "status":
                changes.update(
                    reachable=result.ok,
                    label=result.data.get("label") or "",
                    kit=_name(result.data.get("kit")),
                    lesson=_name(result.data.get("lesson")),
                )
            if command != "status" and result.ok:
                changes["reachable"] = True
            self._update(result.seat, **changes)
        return report

    def status(self) -> FleetReport:
        """Reachability, label, kit and lesson of every seat (boardkit fleet status)."""
        return self._run("status", ops.status())

    def push(self, folder: Path) -> FleetReport:
        """Make every board hold the lesson folder (boardkit fleet sync)."""
        if not folder.is_dir():
            raise InvalidInput(f"no lesson folder {folder}", hint="give the path of a folder on the teacher's computer")
        report = self._run("push", ops.sync(folder))
        for result in report.results:
            if result.ok:  # the kit marker on the board now names this lesson
                self._update(result.seat, lesson=folder.resolve().name)
        return report

    def run(self, code: str) -> FleetReport:
        """Run the program on every board, keeping each one's output (boardkit fleet run)."""
        return self._run("run", ops.run_code(code, RUN_MAX_TIME, sessions=self._running))

    def collect(self, folder: Path) -> FleetReport:
        """Every board's files into folder/SEAT/ (boardkit fleet collect)."""
        return self._run("collect", ops.collect(folder))

    def stop(self) -> FleetReport:
        """Ctrl-C to every board running the teacher's program, through the run's own session
        (a serial port is held exclusively: nothing else could open it meanwhile)."""

        def task(ctx: SeatContext) -> dict[str, Any]:
            device = self._running.get(ctx.seat.name)
            if device is None:
                return {"summary": "nothing running"}
            device.link.write(b"\x03")
            return {"summary": "stopped"}

        return run_fleet(self.roster.seats, task, command="stop")


def _name(entry: object) -> str:
    return str(entry.get("name", "")) if isinstance(entry, dict) else ""
