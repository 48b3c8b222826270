"""CircuitPython's CIRCUITPY drive: finding it, and syncing to it as a folder.

While a CircuitPython board's drive is mounted on the computer, the board's own view of its
filesystem is read-only, so sync writes through the drive instead: same ignore rules, same
plan, each file written beside its target, flushed to the medium (fsync) and renamed into
place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from boardkit.device import TMP_SUFFIX
from boardkit.errors import SyncError
from boardkit.sync import LocalFile, SyncPlan, SyncProgress, SyncResult, apply_plan

LABEL = "CIRCUITPY"
# What the board or the computer's OS keeps on the drive: never deleted by --delete.
SYSTEM_NAMES = {
    "boot_out.txt",
    ".Trashes",
    ".fseventsd",
    ".metadata_never_index",
    "System Volume Information",
    ".Spotlight-V100",
    "sd",
}


def find_circuitpy(mounts_file: str | None = None) -> list[Path]:
    """Mounted CIRCUITPY drives on this computer (Linux, macOS, Windows)."""
    from boardkit.mounts import find_drives

    return find_drives(LABEL, mounts_file)


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def plan_drive(
    files: list[LocalFile], drive: Path, delete: bool = False, protected: Callable[[str, bool], bool] | None = None
) -> SyncPlan:
    """The same plan as for a board, against a folder (the mounted drive)."""
    if not drive.is_dir():
        raise SyncError(
            f"{drive} is not a mounted drive or folder",
            hint="plug the board in and check its CIRCUITPY drive is mounted",
        )
    plan = SyncPlan()
    wanted = set()
    for f in files:
        target = drive / f.rel
        wanted.add(f.rel)
        if target.is_file() and target.stat().st_size == f.size and _hash(target) == _hash(f.path):
            plan.skip.append(f.rel)
        else:
            plan.send.append((f, f.rel))
        for parent in Path(f.rel).parents:
            if str(parent) != "." and not (drive / parent).is_dir():
                plan.make_dirs.append(parent.as_posix())
    plan.make_dirs = sorted(set(plan.make_dirs), key=lambda d: d.count("/"))
    for path in drive.rglob("*" + TMP_SUFFIX):
        plan.stale.append(path.relative_to(drive).as_posix())
    if delete:
        for path in sorted(drive.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            rel = path.relative_to(drive).as_posix()
            top = rel.split("/", 1)[0]
            if top in SYSTEM_NAMES or rel in wanted or rel in plan.stale:
                continue
            is_dir = path.is_dir()
            if is_dir and any(w.startswith(rel + "/") for w in wanted):
                continue
            if protected and protected(rel, is_dir):
                continue
            plan.delete.append((rel, is_dir))
    needed = plan.bytes_to_send
    free = _free_space(drive)
    if free is not None and needed > free:
        raise SyncError(
            f"the files need {needed} bytes but {drive} has {free} bytes free",
            hint="remove files from the drive, or sync fewer files",
        )
    return plan


def _free_space(drive: Path) -> int | None:
    try:
        return shutil.disk_usage(drive).free
    except OSError:
        return None


class _DriveWriter:
    def __init__(self, drive: Path):
        self.drive = drive

    def remove(self, rel: str, is_dir: bool = False) -> None:
        path = self.drive / rel
        path.rmdir() if is_dir else path.unlink(missing_ok=True)

    def mkdir(self, rel: str) -> None:
        (self.drive / rel).mkdir(exist_ok=True)

    def write(self, rel: str, data: bytes, progress: Callable[[int, int], None] | None) -> None:
        _write_durably(self.drive / rel, data)

    def finish(self) -> None:
        _sync_folder(self.drive)


def apply_drive(plan: SyncPlan, drive: Path, progress: SyncProgress | None = None) -> SyncResult:
    return apply_plan(plan, _DriveWriter(drive), progress)


def _write_durably(target: Path, data: bytes) -> None:
    """Write beside the target, flush it to the medium, then rename over the old file.

    A board unplugged half-way leaves the old file (and a stray temporary, removed by the
    next sync), never half a code.py.
    """
    tmp = target.with_name(target.name + TMP_SUFFIX)
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, target)
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    if sys.platform == "win32":  # pragma: no cover - directories cannot be fsynced there
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
