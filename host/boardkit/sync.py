"""Sync: make a board folder match a local folder (or the other way), sending only what differs.

The plan comes first (`plan_push`, `plan_pull`): one round trip asks the board for the
size and content hash of everything under the target folder, the local side is hashed the
same way, and the difference is a `SyncPlan`. `apply_push` / `apply_pull` carry it out.
Every file lands under a temporary name and is checked by hash on the board before it
replaces the old one (see Device.write_file), so a cut cable leaves the old file or the new.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from boardkit.device import TMP_SUFFIX, Device, FileEntry, listing_hash
from boardkit.errors import InvalidInput, RemoteFileError, SyncError, UnsupportedOnBoard

IGNORE_FILE = ".boardkitignore"
DEFAULT_IGNORES = [
    ".git/",
    "__pycache__/",
    "*.pyc",
    ".DS_Store",
    IGNORE_FILE,
    "*" + TMP_SUFFIX,
    ".venv/",
    "node_modules/",
]

# (files done, files total, bytes done, bytes total)
SyncProgress = Callable[[int, int, int, int], None]


@dataclass
class LocalFile:
    rel: str  # POSIX-style path relative to the synced folder
    path: Path
    size: int
    source: str | None = None  # --compile: the .py (rel) this .mpy was compiled from


@dataclass
class SyncPlan:
    send: list[tuple[LocalFile, str]] = field(default_factory=list)  # (local, board path)
    skip: list[str] = field(default_factory=list)  # board paths already equal
    make_dirs: list[str] = field(default_factory=list)
    delete: list[tuple[str, bool]] = field(default_factory=list)  # (board path, is folder)
    stale: list[str] = field(default_factory=list)  # temporaries of a cut transfer
    # board x.py -> the x.mpy that replaces it (or the other way): also listed in delete
    replaced: dict[str, str] = field(default_factory=dict)

    @property
    def bytes_to_send(self) -> int:
        return sum(f.size for f, _ in self.send)

    def describe(self) -> list[dict[str, str | int]]:
        rows: list[dict[str, str | int]] = [{"action": "mkdir", "path": d} for d in self.make_dirs]
        rows += [{"action": "send", "path": r, "bytes": f.size, **_compiled_from(f)} for f, r in self.send]
        rows += [{"action": "delete", "path": p, **_replaced_by(self.replaced, p)} for p, _ in self.delete]
        rows += [{"action": "delete", "path": p} for p in self.stale]
        rows += [{"action": "same", "path": p} for p in self.skip]
        return rows


def _compiled_from(f: LocalFile) -> dict[str, str]:
    return {"from": f.source} if f.source else {}


def _replaced_by(replaced: dict[str, str], path: str) -> dict[str, str]:
    return {"replaced_by": replaced[path]} if path in replaced else {}


@dataclass
class SyncResult:
    sent: int = 0
    skipped: int = 0
    deleted: int = 0
    bytes: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "sent": self.sent,
            "skipped": self.skipped,
            "deleted": self.deleted,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
        }


# -- local side ------------------------------------------------------------------------


def ignore_matcher(root: Path, excludes: Sequence[str] = ()) -> Callable[[str, bool], bool]:
    """A predicate (relative path, is folder) -> ignored, from .boardkitignore + defaults."""
    import pathspec  # gitignore semantics, done right

    # (where the line comes from, the line): a bad pattern is named with its file and line number
    sourced = [("", line) for line in DEFAULT_IGNORES] + [("--exclude", line) for line in excludes]
    ignore_file = root / IGNORE_FILE
    if ignore_file.is_file():
        try:
            text = ignore_file.read_text(errors="replace")
        except OSError as exc:
            raise InvalidInput(f"cannot read {ignore_file}: {exc.strerror}") from None
        sourced += [(f"{ignore_file}:{n}", line) for n, line in enumerate(text.splitlines(), 1)]
    for where, line in sourced:
        try:
            pathspec.GitIgnoreSpec.from_lines([line]).match_file("x")
        except (ValueError, re.error):
            raise InvalidInput(
                f"{where}: not a valid pattern: {line!r}", hint="patterns use gitignore syntax"
            ) from None
    spec = pathspec.GitIgnoreSpec.from_lines([line for _, line in sourced])

    def ignored(rel: str, is_dir: bool) -> bool:
        return spec.match_file(rel + "/" if is_dir else rel)

    return ignored


def push_arguments(names: list[str], sync_command: str = "boardkit sync") -> tuple[list[LocalFile], str]:
    """FILE... [REMOTE_DIR] as `push` takes them: (the files, the board folder).

    Only files are pushed, so a last argument that is not a local file (or starts with ":",
    as in mpremote) names the board folder.
    """
    names = list(names)
    remote_dir = "/"
    if len(names) > 1 and (names[-1].startswith(":") or not Path(names[-1]).is_file()):
        remote_dir = names.pop().removeprefix(":") or "/"
    return local_files(names, sync_command), remote_dir


def local_files(names: Sequence[str | Path], sync_command: str = "boardkit sync") -> list[LocalFile]:
    """These local files, each to be sent under its own name; InvalidInput for a missing one or a folder."""
    files = []
    for name in names:
        path = Path(name)
        if path.exists() and not path.is_dir() and not path.is_file():
            from boardkit.local_files import check_readable

            check_readable(path)  # says what it is: a FIFO, a device
        if not path.is_file():
            raise InvalidInput(
                f"no such file: {name}" if not path.exists() else f"{name} is a folder",
                hint=f"push sends files; use `{sync_command} FOLDER` for a folder",
            )
        files.append(LocalFile(path.name, path, path.stat().st_size))
    return files


def scan_local(root: Path, excludes: Sequence[str] = ()) -> list[LocalFile]:
    """The files under root that a sync would send, skipping ignored ones and symlinks out."""
    if not root.exists():
        raise InvalidInput(f"no such folder: {root}", hint="give the folder that holds your project")
    if not root.is_dir():
        raise InvalidInput(f"{root} is not a folder", hint="give the folder that holds your project")
    ignored = ignore_matcher(root, excludes)
    found = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        rel_folder = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel_folder == "." else rel_folder + "/"
        dirs[:] = sorted(
            d for d in dirs if not ignored(prefix + d, True) and not os.path.islink(os.path.join(folder, d))
        )
        for name in sorted(files):
            rel = prefix + name
            path = Path(folder, name)
            if ignored(rel, False):
                continue
            if path.is_symlink() and not _inside(path.resolve(), root.resolve()):
                continue  # a link pointing out of the project is not part of it
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                raise SyncError(
                    f"{path!r}: the name is not valid UTF-8, which boards cannot store",
                    hint=f"rename it, or add it to {IGNORE_FILE}",
                ) from None
            found.append(LocalFile(rel, path, _regular_size(path, rel)))
    return found


def _regular_size(path: Path, rel: str) -> int:
    """The size of a file a sync would send; InvalidInput for a FIFO, a device or a file no
    board could hold (reading one would wait or fill memory for ever)."""
    from boardkit.local_files import check_regular

    info = path.stat()
    try:
        check_regular(path, info.st_mode, info.st_size)
    except InvalidInput as exc:
        raise InvalidInput(str(exc), hint=f"leave it out: add {rel} to {IGNORE_FILE}") from None
    return info.st_size


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _board_join(folder: str, rel: str) -> str:
    if folder in ("", "/"):
        return "/" + rel
    return folder.rstrip("/") + "/" + rel


# -- push ------------------------------------------------------------------------------


def plan_push(
    device: Device,
    files: list[LocalFile],
    remote_dir: str = "/",
    delete: bool = False,
    protected: Callable[[str, bool], bool] | None = None,
) -> SyncPlan:
    """What to send, skip, create and (with delete) remove so the board matches `files`."""
    caps = device.caps
    remote_dir = device.board_path(remote_dir)
    if not caps.has_folders:
        nested = [f.rel for f in files if "/" in f.rel]
        if nested or remote_dir not in ("/", ""):
            raise UnsupportedOnBoard(
                f"{device.caps.machine} has a flat filesystem: cannot store {nested[0] if nested else remote_dir!r}",
                hint=f"keep the project flat for this board, or list sub-folders in {IGNORE_FILE}",
            )
    found, listed = device.listing(remote_dir)
    remote = {e.path: e for e in listed}
    plan = SyncPlan()
    wanted_dirs: set[str] = set()
    wanted_files: set[str] = set()
    modules: list[str] = []
    # Leftovers of a transfer that was cut: never part of the project, removed first.
    plan.stale = [path for path in remote if path.endswith(TMP_SUFFIX)]
    for f in files:
        target = device.board_path(_board_join(remote_dir, f.rel))
        device.check_name(target)
        wanted_files.add(target)
        if target.endswith(".py") or f.source is not None:
            modules.append(target)  # a module that goes up as .py, or as .mpy compiled from one
        for parent in PurePosixPath(target).parents:
            p = str(parent)
            if p not in ("/", ".", ""):
                wanted_dirs.add(p)
        have = remote.get(target)
        if have is not None and have.size == f.size and have.hash == listing_hash(f.path.read_bytes(), caps.sha256):
            plan.skip.append(target)
        else:
            plan.send.append((f, target))
    existing = set(remote)
    above = [str(p) for p in [PurePosixPath(remote_dir), *PurePosixPath(remote_dir).parents] if str(p) != "/"]
    if found is not None:
        existing |= set(above)  # the target folder is there, so are those above it
    elif remote_dir not in ("/", ""):
        # a new target folder: which of the folders above it are there?
        existing |= {p for p in above if device.stat(p) is not None}
    plan.make_dirs = sorted(d for d in wanted_dirs if d not in existing)
    _replace_twins(plan, remote, modules, wanted_files, remote_dir, protected)
    if delete:
        base = remote_dir.rstrip("/")
        for path, entry in sorted(remote.items(), key=lambda kv: kv[0].count("/"), reverse=True):
            is_dir = entry.is_dir
            if path.endswith(TMP_SUFFIX):
                continue  # already planned above
            if (is_dir and path in wanted_dirs) or (not is_dir and path in wanted_files):
                continue
            if path in plan.replaced:
                continue  # already planned: its other form goes up
            rel = path[len(base) + 1 :] if base and path.startswith(base + "/") else path.lstrip("/")
            if protected and protected(rel, is_dir):
                continue  # ignored locally: leave the board's copy alone
            if is_dir and any(w.startswith(path + "/") for w in wanted_files):
                continue
            plan.delete.append((path, is_dir))
    _check_space(device, plan, remote)
    return plan


def module_twin(board_path: str) -> str | None:
    """The other form of a module: "/lib/x.py" <-> "/lib/x.mpy"; None for any other file."""
    path = PurePosixPath(board_path)
    other = {".py": ".mpy", ".mpy": ".py"}.get(path.suffix)
    return str(path.with_suffix(other)) if other and path.stem else None


def _replace_twins(
    plan: SyncPlan,
    remote: dict[str, FileEntry],
    modules: list[str],
    wanted_files: set[str],
    remote_dir: str,
    protected: Callable[[str, bool], bool] | None,
) -> None:
    """Plan to remove the board's other form of each module that goes up (delete or not).

    A .mpy on the board stands for the local .py of the same name (--compile put it there),
    and the other way round: MicroPython imports x.py before x.mpy, so a stale x.py would
    hide a new x.mpy, and a stale x.mpy is dead weight that would come back to life if x.py
    went. Only a module the folder holds in one form counts: a board x.mpy with no local
    x.py (or x.py, x.mpy both local) is the user's, and ignored paths are never touched.
    """
    base = remote_dir.rstrip("/")
    for target in sorted(modules):
        other = module_twin(target)
        have = remote.get(other) if other else None
        if other is None or have is None or have.is_dir or other in wanted_files:
            continue
        rel = other[len(base) + 1 :] if base and other.startswith(base + "/") else other.lstrip("/")
        if protected and protected(rel, False):
            continue
        plan.replaced[other] = target
        plan.delete.append((other, False))


def _check_space(device: Device, plan: SyncPlan, remote: dict[str, FileEntry]) -> None:
    """Refuse before writing anything when the new files cannot fit."""
    if not device.caps.fs_space or not plan.send:
        return
    freed = sum(remote[t].size for _, t in plan.send if t in remote)
    freed += sum(remote[p].size for p, is_dir in plan.delete if not is_dir)
    largest = max(f.size for f, _ in plan.send)  # the temporary copy of the biggest file
    needed = plan.bytes_to_send - freed + largest
    free = device.files.free_space() if needed > device.caps.fs_space[0] else device.caps.fs_space[0]
    if free is not None and needed > free:  # asked again: the probe's figure may be old
        raise SyncError(
            f"the files need {needed} bytes but the board has {free} bytes free",
            hint="remove files on the board, or sync fewer files",
        )


class PlanWriter(Protocol):
    """Where a plan is carried out: a board (through its REPL) or a mounted drive."""

    def remove(self, path: str, is_dir: bool = False) -> None: ...
    def mkdir(self, path: str) -> None: ...
    def write(self, path: str, data: bytes, progress: Callable[[int, int], None]) -> None: ...
    def finish(self) -> None: ...


def apply_plan(plan: SyncPlan, writer: PlanWriter, progress: SyncProgress | None = None) -> SyncResult:
    """Carry out a push plan: clear stale temporaries, make folders, send files, delete."""
    started = time.monotonic()
    result = SyncResult(skipped=len(plan.skip))
    total_bytes = plan.bytes_to_send
    for path in plan.stale:
        writer.remove(path)
    for folder in plan.make_dirs:
        writer.mkdir(folder)
    done_bytes = 0
    for index, (local, target) in enumerate(plan.send):
        data = local.path.read_bytes()

        def file_progress(done: int, total: int, base: int = done_bytes, index: int = index) -> None:
            if progress:
                progress(index, len(plan.send), base + done, total_bytes)

        writer.write(target, data, file_progress)
        done_bytes += len(data)
        result.sent += 1
        result.bytes += len(data)
        if progress:
            progress(index + 1, len(plan.send), done_bytes, total_bytes)
    for path, is_dir in plan.delete:
        writer.remove(path, is_dir)
        result.deleted += 1
    writer.finish()
    result.seconds = time.monotonic() - started
    return result


class _BoardWriter:
    def __init__(self, device: Device):
        self.device = device

    def remove(self, path: str, is_dir: bool = False) -> None:
        self.device.remove(path)

    def mkdir(self, path: str) -> None:
        self.device.mkdir(path)

    def write(self, path: str, data: bytes, progress: Callable[[int, int], None]) -> None:
        self.device.write_file(path, data, progress=progress)

    def finish(self) -> None:
        pass


def apply_push(device: Device, plan: SyncPlan, progress: SyncProgress | None = None) -> SyncResult:
    return apply_plan(plan, _BoardWriter(device), progress)


# -- pull ------------------------------------------------------------------------------


def safe_local_path(root: Path, remote_dir: str, board_path: str) -> Path:
    """Where a board file lands under root; refuses names that would escape it."""
    base = remote_dir.rstrip("/")
    rel = board_path[len(base) + 1 :] if base and board_path.startswith(base + "/") else board_path.lstrip("/")
    parts = PurePosixPath(rel).parts
    if (
        not parts
        or any(p in ("..", ".", "") or "\\" in p or "\x00" in p or ":" in p for p in parts)
        or PurePosixPath(rel).is_absolute()
    ):
        raise SyncError(
            f"the board reported a file name that would land outside {root}: {board_path!r}",
            hint="nothing was written for it; rename the file on the board",
        )
    target = (root / Path(*parts)).resolve()
    if not _inside(target, root.resolve()):
        raise SyncError(f"the board file {board_path!r} would land outside {root}", hint="nothing was written for it")
    return target


def plan_pull(
    device: Device,
    remote_dir: str,
    root: Path,
    leave_alone: Callable[[str], bool] | None = None,
    on_refused: Callable[[str], None] | None = None,
) -> tuple[list[tuple[FileEntry, Path]], list[str]]:
    """[(board entry, local path)] to fetch, and the board paths already equal locally.

    leave_alone(board path): files not to fetch. A board name that would land outside root
    raises SyncError, or with on_refused is passed to it and skipped.
    """
    remote_dir = device.board_path(remote_dir)
    found, entries = device.listing(remote_dir)
    if found is None:
        raise RemoteFileError(f"{remote_dir}: no such folder on the board")
    fetch, same = [], []
    for e in entries:
        if e.is_dir or e.name.endswith(TMP_SUFFIX) or (leave_alone is not None and leave_alone(e.path)):
            continue
        try:
            target = safe_local_path(root, remote_dir, e.path)
        except SyncError:
            if on_refused is None:
                raise
            on_refused(e.path)
            continue
        if (
            target.is_file()
            and target.stat().st_size == e.size
            and listing_hash(target.read_bytes(), device.caps.sha256) == e.hash
        ):
            same.append(e.path)
        else:
            fetch.append((e, target))
    return fetch, same


def apply_pull(
    device: Device, fetch: list[tuple[FileEntry, Path]], same: list[str], progress: SyncProgress | None = None
) -> SyncResult:
    started = time.monotonic()
    result = SyncResult(skipped=len(same))
    total = sum(e.size for e, _ in fetch)
    done = 0
    for index, (entry, target) in enumerate(fetch):
        data = device.read_file(entry.path)
        if listing_hash(data, device.caps.sha256) != entry.hash:
            raise SyncError(f"{entry.path} changed on the board while it was read", hint="run the sync again")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}{TMP_SUFFIX}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        done += len(data)
        result.sent += 1
        result.bytes += len(data)
        if progress:
            progress(index + 1, len(fetch), done, total)
    result.seconds = time.monotonic() - started
    return result
