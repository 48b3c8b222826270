"""Collect: a board's files into OUT/SEAT/, never anywhere else, never over an earlier collection.

Two guards stand between a board and the teacher's disk:
- the seat folder: the seat name is checked as a plain folder name (roster.seat_name_problem)
  and the folder must resolve to a direct child of OUT (a symlink planted there is refused);
- each file: sync.safe_local_path refuses any name a board reports ("../x", "/etc/x",
  "a\\..\\x", "C:x", NUL bytes, ...) that would land outside the seat folder. A refused name
  is skipped (the rest are still collected) and the seat is reported as failed, naming it.

An earlier collection in OUT/SEAT/ is kept: the new one goes to OUT/SEAT-YYYYmmdd-HHMMSS/,
unless force is given (then files in OUT/SEAT/ are replaced by the board's, others kept).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boardkit.api.transfer import TransferResult, pull
from boardkit.device import Device
from boardkit.errors import SyncError
from boardkit.fleet.labels import MARKER_FILES
from boardkit.fleet.roster import seat_name_problem
from boardkit.fleet.runner import SeatContext

READ_ATTEMPTS = 3


class CollectRefused(SyncError):
    """Some names were refused; the other files were collected (see .data)."""

    data: dict[str, Any]


def seat_folder(out_root: Path, seat: str, force: bool, stamp: str) -> Path:
    """The folder this seat's collection goes to, checked to be a direct child of out_root."""
    problem = seat_name_problem(seat)
    if problem:
        raise SyncError(f"seat name {seat!r} cannot be a folder name: {problem}")
    root = out_root.resolve()
    folder = out_root / seat
    if not force and _holds_files(folder):
        folder = out_root / f"{seat}-{stamp}"
        n = 2
        while folder.exists():
            folder = out_root / f"{seat}-{stamp}-{n}"
            n += 1
    if folder.is_symlink() or folder.resolve().parent != root:
        raise SyncError(
            f"{folder} is not a plain folder inside {out_root}", hint="remove the link there; nothing was written"
        )
    return folder


def _holds_files(folder: Path) -> bool:
    """Is something there already (files, or a link or file in the folder's place)?"""
    return folder.is_symlink() or (folder.exists() and (not folder.is_dir() or any(folder.iterdir())))


def collect_seat(ctx: SeatContext, out_root: Path, remote_dir: str, force: bool, stamp: str) -> dict[str, Any]:
    """One seat's board files (under remote_dir, its labels left out) into its folder of out_root."""
    folder = seat_folder(out_root, ctx.seat.name, force, stamp)

    def progress(files_done: int, files_total: int, done: int, total: int) -> None:
        ctx.update(f"fetching {min(files_done + 1, files_total)}/{files_total}", done, total)

    def work(device: Device) -> tuple[TransferResult, list[str]]:
        ctx.update("listing")
        refused: list[str] = []
        folder.mkdir(parents=True, exist_ok=True)
        done = pull(
            device,
            remote_dir,
            folder,
            leave_alone=lambda path: path.lstrip("/") in MARKER_FILES,
            on_refused=refused.append,
            progress=progress,
        )
        return done, refused

    for attempt in range(READ_ATTEMPTS):
        try:
            result, refused = ctx.session(work)
            break
        except SyncError as exc:
            # A file whose bytes did not match the board's own hash on the way (a busy board
            # or a noisy link): ask again; files already fetched now count as the same.
            if "changed on the board while it was read" not in str(exc) or attempt == READ_ATTEMPTS - 1:
                raise
            ctx.update("a file arrived damaged: reading again")
    data: dict[str, Any] = {"folder": str(folder), "files": result.sent + result.skipped, **result.to_dict()}
    summary = f"{result.sent + result.skipped} file(s), {result.bytes} bytes -> {folder}"
    if refused:
        error = CollectRefused(
            f"refused {len(refused)} file name(s) that would land outside {folder}: "
            f"{', '.join(repr(p) for p in refused[:3])}; collected the other "
            f"{result.sent + result.skipped}",
            hint="rename those files on the board",
        )
        error.data = {**data, "refused": refused}
        raise error
    data["summary"] = summary
    return data
