"""push, sync and pull: move only what differs, atomically and verified.

A CircuitPython board whose CIRCUITPY drive is mounted on this computer sees its own
filesystem read-only, so push and sync decide here where to write: through the drive
(that one mounted drive, or the folder given as `drive`) or through the board's REPL.
Every caller (the CLI, fleet, a script) gets that choice without making it.

Progress: progress(files_done, files_total, bytes_done, bytes_total). Notes for the user
(e.g. "writing through the CIRCUITPY drive at ...") go to on_note(text).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from boardkit import drives
from boardkit import sync as sync_plan
from boardkit.api.files import check_local_put
from boardkit.device import Device
from boardkit.errors import BoardChanged, InvalidInput, UnsupportedOnBoard
from boardkit.sync import LocalFile, SyncProgress, SyncResult

NoteCallback = Callable[[str], None]
# (path relative to the synced folder, is a folder) -> True for what a sync must never touch
PathFilter = Callable[[str, bool], bool]


@dataclass
class TransferResult(SyncResult):
    """What a push, sync or pull did (or, with dry_run, would do)."""

    drive: str | None = None  # the CIRCUITPY drive or folder written through; None: the REPL
    plan: list[dict[str, Any]] | None = None  # with dry_run: one row per action; nothing was changed

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        if self.drive is not None:
            data["drive"] = self.drive
        return data


def circuitpy_drive(device: Device) -> Path | None:
    """The CIRCUITPY drive to write through for this board, or None to use its REPL.

    Only a CircuitPython board, and only when exactly one CIRCUITPY drive is mounted: with
    several, which one is this board's cannot be told, so the REPL is used (and says if it
    is read-only).
    """
    if device.caps.implementation != "circuitpython":
        return None
    mounted = drives.find_circuitpy()
    return mounted[0] if len(mounted) == 1 else None


def _writing_to(
    device: Device | None, drive: Path | None, remote_dir: str, on_note: NoteCallback | None, compress: bool = True
) -> Path | None:
    """The folder to write into instead of the board's REPL, or None."""
    if device is not None:
        # What the board reported last time stands until its first call says otherwise.
        device.use_cached_caps()
        device.files.compress = device.files.compress and compress
    if drive is not None:
        return Path(drive) / remote_dir.strip("/")
    if device is None:
        raise InvalidInput("a push or sync needs a board (device) or a drive folder (drive=...)")
    found = circuitpy_drive(device)
    if found is None:
        return None
    if on_note:
        on_note(f"writing through the CIRCUITPY drive at {found}")
    return found / remote_dir.strip("/")


def _once_more_if_board_changed(carry_out: Callable[[], TransferResult]) -> TransferResult:
    """Run a transfer; once more if the board turned out not to be the one remembered at its
    port (BoardChanged comes before anything is written, and the board is probed by then)."""
    try:
        return carry_out()
    except BoardChanged:
        return carry_out()


def _carry_out(
    device: Device | None,
    files: list[LocalFile],
    remote_dir: str,
    folder: Path | None,
    *,
    delete: bool,
    protected: PathFilter | None,
    dry_run: bool,
    progress: SyncProgress | None,
    compile: bool = False,
) -> TransferResult:
    if compile:
        if folder is not None or device is None:
            raise UnsupportedOnBoard(
                "--compile makes MicroPython .mpy files; a CIRCUITPY drive is CircuitPython's",
                hint="drop --compile",
            )
        from boardkit.sync_compile import compiled_files

        # the compiled .mpy files live here until they are on the board
        with tempfile.TemporaryDirectory(prefix="bk-compiled-") as work:
            compiled = compiled_files(files, device.caps, Path(work))
            return _carry_out(
                device,
                compiled,
                remote_dir,
                None,
                delete=delete,
                protected=protected,
                dry_run=dry_run,
                progress=progress,
            )
    if folder is not None:
        plan = drives.plan_drive(files, folder, delete=delete, protected=protected)
        if dry_run:
            return TransferResult(drive=str(folder), plan=plan.describe())
        done = drives.apply_drive(plan, folder, progress=progress)
        return TransferResult(**vars(done), drive=str(folder))
    assert device is not None  # _writing_to returned None only with a device
    plan = sync_plan.plan_push(device, files, remote_dir, delete=delete, protected=protected)
    if dry_run:
        return TransferResult(plan=plan.describe())
    return TransferResult(**vars(sync_plan.apply_push(device, plan, progress=progress)))


def check_local_push(files: Sequence[str | Path]) -> list[LocalFile]:
    """The files push would send; InvalidInput now for one missing, a folder, or unreadable.

    Call it before connecting: a mistyped name is reported without waiting for a board.
    """
    found = sync_plan.local_files(list(files))
    for f in found:
        check_local_put(f.path)
    return found


def check_local_sync(source: Path, excludes: Sequence[str] = ()) -> list[LocalFile]:
    """The files sync would send from source; InvalidInput (or SyncError) now if it cannot.

    Catches a missing folder, a file given for a folder, a bad .boardkitignore or excludes
    pattern, a name boards cannot store, an unreadable file; call it before connecting.
    """
    found = sync_plan.scan_local(Path(source), excludes)
    for f in found:
        check_local_put(f.path)
    return found


def check_local_pull(local: Path) -> None:
    """Raise InvalidInput now if pull could not write into the local folder (call before connecting)."""
    root = Path(local)
    if root.exists() and not root.is_dir():
        raise InvalidInput(f"{root} is not a folder", hint="give a folder to copy the board's files into")
    existing = next((p for p in [root, *root.parents] if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InvalidInput(f"{existing} is a file, not a folder")


def push(
    device: Device | None,
    files: Sequence[str | Path],
    remote_dir: str = "/",
    *,
    drive: Path | None = None,
    dry_run: bool = False,
    compile: bool = False,
    progress: SyncProgress | None = None,
    on_note: NoteCallback | None = None,
    compress: bool = True,
) -> TransferResult:
    """Copy these local files into the board folder remote_dir, skipping those it already holds.

    Each file is written under a temporary name, checked by hash on the board, then renamed
    into place. drive: write into this folder (a CIRCUITPY drive) instead; device may then be None.
    compile: send each module x.py as x.mpy compiled for the board (see sync), replacing its x.py.
    compress=False: never send deflate-compressed data (by default it goes compressed where
    the board has deflate and it pays).
    """
    local = check_local_push(files)

    def carry_out() -> TransferResult:
        folder = _writing_to(device, drive, remote_dir, on_note, compress)
        return _carry_out(
            device,
            local,
            remote_dir,
            folder,
            delete=False,
            protected=None,
            dry_run=dry_run,
            progress=progress,
            compile=compile,
        )

    return _once_more_if_board_changed(carry_out)


def sync(
    device: Device | None,
    source: Path,
    remote_dir: str = "/",
    *,
    delete: bool = False,
    excludes: Sequence[str] = (),
    leave_alone: PathFilter | None = None,
    drive: Path | None = None,
    dry_run: bool = False,
    compile: bool = False,
    progress: SyncProgress | None = None,
    on_note: NoteCallback | None = None,
    compress: bool = True,
) -> TransferResult:
    """Make the board folder remote_dir match the local folder source; send only what differs.

    One round trip asks the board for the size and hash of all it holds. .boardkitignore and
    excludes (gitignore syntax) leave files out; delete removes board files source no longer
    has (ignored ones are left alone, as is whatever leave_alone(rel, is_dir) says).
    drive: sync into this folder (a CIRCUITPY drive) instead; device may then be None.

    compile: each module x.py goes to the board as x.mpy, compiled by mpy-cross for the
    board's .mpy version (main.py and boot.py stay .py); the .py files here stay the source.
    A board x.py is removed when its x.mpy goes up, and (compile or not) a board x.mpy when
    its x.py does: MicroPython would import the stale x.py first. A file that does not compile
    raises InvalidInput "FILE:LINE: message" before anything changes; a board that cannot
    import .mpy files (the micro:bit v1, CircuitPython) raises UnsupportedOnBoard.
    compress=False: never send deflate-compressed data.
    """
    source = Path(source)
    files = check_local_sync(source, excludes)
    ignored = sync_plan.ignore_matcher(source, excludes)
    if leave_alone is not None:
        files = [f for f in files if not leave_alone(f.rel, False)]

    def protected(rel: str, is_dir: bool) -> bool:
        return ignored(rel, is_dir) or (leave_alone is not None and leave_alone(rel, is_dir))

    def carry_out() -> TransferResult:
        folder = _writing_to(device, drive, remote_dir, on_note, compress)
        return _carry_out(
            device,
            files,
            remote_dir,
            folder,
            delete=delete,
            protected=protected,
            dry_run=dry_run,
            progress=progress,
            compile=compile,
        )

    return _once_more_if_board_changed(carry_out)


def pull(
    device: Device,
    remote_dir: str,
    local: Path,
    *,
    dry_run: bool = False,
    leave_alone: Callable[[str], bool] | None = None,
    on_refused: Callable[[str], None] | None = None,
    progress: SyncProgress | None = None,
) -> TransferResult:
    """Copy the board folder remote_dir into the local folder, fetching only what differs.

    leave_alone(board path): files not to fetch. A name the board reports that would land
    outside local is refused: SyncError, or with on_refused(board path) skipped (the rest
    are fetched). A file whose bytes do not match the board's hash raises SyncError.
    """
    root = Path(local)
    check_local_pull(root)
    fetch, same = sync_plan.plan_pull(device, remote_dir, root, leave_alone=leave_alone, on_refused=on_refused)
    if dry_run:
        rows = [{"action": "fetch", "path": e.path, "to": str(t), "bytes": e.size} for e, t in fetch]
        return TransferResult(plan=rows + [{"action": "same", "path": p} for p in same])
    root.mkdir(parents=True, exist_ok=True)
    return TransferResult(**vars(sync_plan.apply_pull(device, fetch, same, progress=progress)))
