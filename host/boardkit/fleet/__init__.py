"""Fleet mode: the same boardkit operations on a whole classroom of boards at once.

    roster = load_roster(Path("classroom.toml"))          # seats, each with its board
    report = run_fleet(roster.seats, ops.sync(Path("lesson1")))
    report.failed                                          # the seats that did not make it

roster.py   classroom.toml: parse, validate (mistakes with line numbers), seat tables
runner.py   the thread pool: one session per seat, failures isolated, the last run's state
ops.py      one function per operation (status, sync, push, run, collect, reset, flash, label)
collect.py  a board's files into OUT/SEAT/, guarded against names that would escape it
labels.py   the seat label and kit marker files kept on each board
scan.py     fill the roster from what is attached, label new boards
"""

from boardkit.fleet.roster import Roster, RosterError, Seat, load_roster, parse_roster
from boardkit.fleet.runner import FleetReport, SeatResult, run_fleet

__all__ = [
    "FleetReport",
    "Roster",
    "RosterError",
    "Seat",
    "SeatResult",
    "load_roster",
    "parse_roster",
    "run_fleet",
]
