"""The board's side of `watch`: bring a board folder up to date with a WatchedFolder.

The first sync (and the first after anything went wrong, or a new session) is sync's own:
one listing round trip, then sync's plan. After it, the watch knows what the board holds
(while it runs it is the only writer), so a save becomes a SyncPlan of the changed files,
deleted files and new folders without asking the board first, carried out by sync's writer
(atomic and verified, as every sync).
"""

from __future__ import annotations

from boardkit.device import Device
from boardkit.errors import UnsupportedOnBoard
from boardkit.sync import LocalFile, SyncPlan, apply_push, plan_push
from boardkit.watched_folder import Changes, WatchedFolder

Snapshot = dict[str, tuple[LocalFile, str]]  # WatchedFolder.snapshot()


class BoardMirror:
    """A board folder kept equal to a local folder, one sync at a time."""

    def __init__(self, local: WatchedFolder, remote_dir: str = "/", *, delete: bool = False) -> None:
        self.local = local
        self.remote_dir = remote_dir or "/"
        self.delete = delete  # the listing sync also removes board files the folder lacks
        self.known = False  # False: the next sync lists the board first
        self._dirs: set[str] = set()  # folders (relative) known to be on the board

    def forget(self) -> None:
        """What the board holds is not known now (a failed sync, a new session)."""
        self.known = False
        self.local.forget_board()

    def sync(self, device: Device) -> SyncPlan:
        """Send what changed since the last sync; the plan carried out. A failure leaves the
        mirror forgetting, so the next sync lists the board again."""
        known, self.known = self.known, False
        now = self.local.snapshot()
        plan = self._changes(device, now) if known else self._listed(device, now)
        self.known = True
        return plan

    def _listed(self, device: Device, now: Snapshot) -> SyncPlan:
        """A whole sync, as `boardkit sync` does it: one listing round trip, then what differs."""
        files = [f for f, _ in now.values()]
        plan = plan_push(device, files, self.remote_dir, delete=self.delete, protected=self.local.ignored)
        apply_push(device, plan)
        self.local.synced(now)
        self._dirs = self.local.folders_of(files)
        return plan

    def _changes(self, device: Device, now: Snapshot) -> SyncPlan:
        """Send the changed files and remove the deleted ones, without asking the board first."""
        changes: Changes = self.local.changes(now)
        plan = SyncPlan()
        new_dirs = sorted(self.local.folders_of(changes.send) - self._dirs)
        if new_dirs and not device.caps.has_folders:
            raise UnsupportedOnBoard(
                f"{device.caps.machine} has a flat filesystem: cannot store {new_dirs[0]}/",
                hint="keep the project flat for this board, or list the folder in .boardkitignore",
            )
        for rel in new_dirs:
            path = self.board_path(device, rel)
            if device.stat(path) is None:
                plan.make_dirs.append(path)
        for f in changes.send:
            target = self.board_path(device, f.rel)
            device.check_name(target)
            plan.send.append((f, target))
        for rel in changes.removed:
            path = self.board_path(device, rel)
            if device.stat(path) is not None:  # already gone is as good
                plan.delete.append((path, False))
        if plan.send or plan.make_dirs or plan.delete:
            apply_push(device, plan)
        self._dirs |= set(new_dirs)
        self.local.synced(now, changes)
        return plan

    def board_path(self, device: Device, rel: str) -> str:
        """Where a file of the folder (relative path) is on the board."""
        return device.board_path(f"{self.remote_dir.rstrip('/')}/{rel}")

    def relative(self, device: Device, path: str) -> str:
        """A board path in the synced folder as a path relative to it."""
        base = device.board_path(self.remote_dir).rstrip("/")
        return path[len(base) + 1 :] if base and path.startswith(base + "/") else path.lstrip("/")
