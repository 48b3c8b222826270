"""`fleet scan`: fill the roster from the boards attached, and label each new board.

A board already in the roster (same serial number, USB path, port, URL or virtual name)
is left alone. A new board that carries a seat label (boardkit_seat.txt) keeps that seat
name, so boards labelled last week find their seats again whatever port they landed on;
the others get the next free "seat-NN". Seats are appended to the roster's text, so the
teacher's comments and edits stay as they were.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardkit.fleet import labels
from boardkit.fleet.roster import (
    Roster,
    Seat,
    load_roster,
    seat_name_problem,
    seat_table,
)
from boardkit.fleet.runner import EventCallback, FleetReport, Ports, SeatContext, SeatResult, run_fleet

UNKNOWN_BOARD = "?"


@dataclass
class Attached:
    """A board found attached, and how the roster will find it again."""

    url: str
    board: str  # a boards/ id, or "?" when the USB id does not say
    finder: str
    value: str
    comment: str = ""
    name: str = ""  # the seat name to give it when it carries no label (a labgrid place's name)


@dataclass
class ScanResult:
    added: list[Seat] = field(default_factory=list)
    known: int = 0
    unknown_type: list[str] = field(default_factory=list)  # seats whose board type must be filled in
    # boards not found where the roster says, but labelled with one of its seats: (seat, where found)
    labelled_known: list[tuple[str, str]] = field(default_factory=list)
    report: FleetReport | None = None  # the labelling pass


def attached(include_serial: bool = True, default_board: str | None = None) -> list[Attached]:
    """What is plugged in (and the running virtual boards), identified as steadily as it can be."""
    from boardkit.ports import serial_ports, virtual_ports

    found: list[Attached] = []
    serial = serial_ports() if include_serial else []
    numbers = [p.serial_number for p in serial if p.serial_number]
    for info in serial:
        # Cheap adapters sometimes share one "serial number": then the USB path is steadier.
        if info.serial_number and numbers.count(info.serial_number) == 1:
            finder, value = "serial", info.serial_number
        elif info.location:
            finder, value = "usb_path", info.location
        else:
            finder, value = "port", info.port
        board, comment = _board_type(info.vid_pid, default_board)
        found.append(Attached(info.port, board, finder, value, comment or info.description))
    for info in virtual_ports():
        kind = "microbit" if "microbit" in info.description else "wasm"
        found.append(Attached(info.port, f"virtual_{kind}", "virtual", info.virtual_name))
    return found


def _board_type(vid_pid: str, default: str | None) -> tuple[str, str]:
    if default:
        return default, ""
    from boardkit.boards import boards_for_usb

    try:
        vid, pid = (int(part, 16) for part in vid_pid.split(":"))
    except ValueError:
        return UNKNOWN_BOARD, "set board = (see `boardkit boards`)"
    candidates = boards_for_usb(vid, pid)
    if len(candidates) == 1:
        return candidates[0].id, ""
    if candidates:
        return UNKNOWN_BOARD, "set board = one of " + ", ".join(b.id for b in candidates)
    return UNKNOWN_BOARD, f"USB id {vid_pid}: set board = (see `boardkit boards`)"


def scan(
    path: Path,
    *,
    prefix: str = "seat",
    write_labels: bool = True,
    include_serial: bool = True,
    default_board: str | None = None,
    timeout: float = 10.0,
    on_event: EventCallback | None = None,
    found: list[Attached] | None = None,
) -> ScanResult:
    """Add the attached boards that are not in the roster at path (creating it if need be).

    found: the boards to consider instead of the attached ones (labgrid places: see
    fleet.labgrid_places)."""
    roster = load_roster(path) if path.exists() else Roster(path)
    known = {s.identity for s in roster.seats}
    candidates = attached(include_serial, default_board) if found is None else found
    new = [a for a in candidates if (a.finder, a.value) not in known]
    result = ScanResult(known=len(roster.seats))
    if not new:
        return result
    # Pass 1: read the labels the new boards carry.
    probes = [Seat(f"{a.finder}:{a.value}", a.board, "port", a.url) for a in new]
    read = run_fleet(probes, _read_label_task, command="scan", timeout=timeout, on_event=on_event)
    taken = {s.name.casefold() for s in roster.seats}
    seats: list[Seat] = []
    keep: list[tuple[Attached, Seat, SeatResult]] = []
    for board, probe, outcome in zip(new, probes, read.results, strict=True):
        label = outcome.data.get("label") if outcome.ok else None
        if label and label.casefold() in taken:
            # Already a seat, reached another way (moved to another port, or a URL): not a new seat.
            result.labelled_known.append((label, board.url))
            continue
        keep.append((board, probe, outcome))
    new, probes = [b for b, _, _ in keep], [p for _, p, _ in keep]
    for board, _, outcome in keep:
        label = outcome.data.get("label") if outcome.ok else None
        if label and not seat_name_problem(label) and label.casefold() not in taken:
            name = label
        elif board.name and not seat_name_problem(board.name) and board.name.casefold() not in taken:
            name = board.name
        else:
            name = _next_name(prefix, taken)
        taken.add(name.casefold())
        seats.append(Seat(name, board.board, board.finder, board.value))
    # Pass 2: write the labels that are missing or different.
    if write_labels:
        wanted = {probe.name: seat.name for probe, seat in zip(probes, seats, strict=True)}
        had = {r.seat: r.data.get("label") for _, _, r in keep if r.ok}
        to_label = [p for p in probes if p.name in had and had[p.name] != wanted[p.name]]
        if to_label:
            result.report = run_fleet(
                to_label, _write_label_task(wanted), command="label", timeout=timeout, on_event=on_event, ports=Ports()
            )
    if seats:
        _append(path, roster, seats, new)
    result.added = seats
    result.unknown_type = [s.name for s in seats if s.board == UNKNOWN_BOARD]
    return result


def _read_label_task(ctx: SeatContext) -> dict[str, Any]:
    with ctx.connect() as device:
        label = labels.read_label(device)
    return {"summary": f"label {label!r}" if label else "no label", "label": label}


def _write_label_task(wanted: dict[str, str]) -> Callable[[SeatContext], dict[str, Any]]:
    def task(ctx: SeatContext) -> dict[str, Any]:
        with ctx.connect() as device:
            labels.write_label(device, wanted[ctx.seat.name])
        return {"summary": f"labelled {wanted[ctx.seat.name]}"}

    return task


def _next_name(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}-{n:02d}".casefold() in taken:
        n += 1
    return f"{prefix}-{n:02d}"


def _append(path: Path, roster: Roster, seats: list[Seat], found: list[Attached]) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    if not text.endswith("\n"):
        text += "\n"
    for seat, board in zip(seats, found, strict=True):
        comment = board.comment if seat.board == UNKNOWN_BOARD or board.comment else ""
        text += "\n" + seat_table(seat, comment)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_HEADER = """\
# The classroom roster: one [seats.NAME] table per board (boardkit fleet --help; docs/classroom.md).
# Rename a seat to the pupil's name by editing its table header, e.g. [seats.alice];
# `boardkit fleet label` then writes the new name onto the board.

[class]
name = ""
"""
