"""The computer's side of `watch`: which saves matter, and what changed since the last sync.

A folder being edited is noisy: editors write temporary files beside the one saved (vim's
.swp and 4913, emacs's .#name lock and name~ backup, JetBrains' ___jb_tmp___), tools write
__pycache__. WatchedFolder answers two questions with the same ignore rules as `sync`
(.boardkitignore, excludes, the defaults) plus those editor files:

- does this event from the file watcher matter (`matters`)?
- what must go to the board now (`changes`): files whose content differs from what the last
  sync sent, and files deleted since (only those this watch knew were on the board).

It remembers the content hash of what it sent, so a save needs no listing round trip to the
board: the board holds what this session put there (the session is the only writer while
the watch runs; a new session starts from a full listing).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from boardkit import sync as sync_plan
from boardkit.errors import InvalidInput
from boardkit.local_files import unreadable
from boardkit.sync import IGNORE_FILE, LocalFile

# Files editors write while saving, never part of a project (gitignore syntax).
EDITOR_TEMP_FILES = (
    "*.swp",
    "*.swx",
    "*.swo",
    "*~",
    "4913",  # vim's "can I write here?" probe file
    ".#*",  # emacs lock files (dangling symbolic links)
    r"\#*#",  # emacs auto-save ("#" alone would start a comment)
    "*___jb_tmp___",
    "*___jb_old___",
    ".goutputstream-*",  # gedit
    "*.kate-swp",
)

SNAPSHOT_TRIES = 5  # looks at the folder when files vanish while it is read

# Default programs, in the order a board looks for them at boot (CircuitPython: code.py).
DEFAULT_PROGRAMS = ("main.py", "code.py")


@dataclass
class Changes:
    """What a sync must do after some saves."""

    send: list[LocalFile] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # deleted here (paths relative to the folder)
    left: list[str] = field(default_factory=list)  # ignored now: no longer synced, kept on the board

    def __bool__(self) -> bool:
        return bool(self.send or self.removed)

    @property
    def names(self) -> list[str]:
        return sorted([f.rel for f in self.send] + self.removed)


def file_hash(path: Path) -> str:
    """SHA-256 of a local file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


class WatchedFolder:
    """A local folder synced to a board: its ignore rules and what the board last got of it."""

    def __init__(self, root: Path, excludes: list[str] | tuple[str, ...] = (), run: Path | None = None) -> None:
        self.root = Path(root)
        self.excludes = [*excludes, *EDITOR_TEMP_FILES]
        self.run = run.resolve() if run is not None else None
        self._ignored = sync_plan.ignore_matcher(self.root, self.excludes)
        self._resolved_root = self.root.resolve()
        self.on_board: dict[str, str] = {}  # rel -> hash of the content the board holds

    # -- which events matter ---------------------------------------------------------------

    def matters(self, path: str) -> bool:
        """Whether a change the file watcher reports at this path calls for a sync and a run."""
        full = Path(path)
        if self.run is not None and full == self.run:
            return True
        try:
            rel = full.relative_to(self._resolved_root).as_posix()
        except ValueError:
            try:
                rel = full.relative_to(self.root).as_posix()
            except ValueError:
                return False
        if rel in (".", ""):
            return False
        if rel == IGNORE_FILE:
            self.reload_rules()
            return True  # what is ignored changed: sync what now is not
        # A deleted path cannot say whether it was a folder: ignored either way means ignored.
        return not (self._ignored(rel, False) or self._ignored(rel, True))

    def reload_rules(self) -> None:
        """Read .boardkitignore again (it was edited). A bad pattern keeps the old rules."""
        try:
            self._ignored = sync_plan.ignore_matcher(self.root, self.excludes)
        except InvalidInput:
            pass  # the next sync reports it, with its line number

    # -- what changed ----------------------------------------------------------------------

    def scan(self) -> list[LocalFile]:
        """The files a sync sends now (sync's rules; editor temporaries left out)."""
        return sync_plan.scan_local(self.root, self.excludes)

    def snapshot(self) -> dict[str, tuple[LocalFile, str]]:
        """Every file a sync sends now, with its content hash (taken before anything is sent,
        so a save during the sync is seen as a change by the next one)."""
        # Every file is hashed again: a size-and-mtime cache would miss a same-size save within
        # one tick of the file system's clock, and hashing a project takes milliseconds.
        for _ in range(SNAPSHOT_TRIES):
            try:
                return {f.rel: (f, file_hash(f.path)) for f in self.scan()}
            except FileNotFoundError as exc:
                # A file went between the listing and the reading (an editor's temporary file
                # of a kind not ignored): look again.
                vanished = exc
            except OSError as exc:
                raise unreadable(Path(exc.filename or self.root), exc) from None
        raise InvalidInput(
            f"files in {self.root} keep vanishing while they are read ({vanished.filename})",
            hint="add the program that writes them to .boardkitignore's patterns",
        )

    def changes(self, now: dict[str, tuple[LocalFile, str]]) -> Changes:
        """Files whose content differs from what the board got, and files deleted since."""
        found = Changes(send=[f for rel, (f, digest) in now.items() if self.on_board.get(rel) != digest])
        for rel in sorted(rel for rel in self.on_board if rel not in now):
            # Deleted here: deleted on the board. Still here but ignored now (.boardkitignore
            # was edited): left alone on the board, as a sync leaves ignored files.
            (found.left if (self.root / rel).exists() else found.removed).append(rel)
        return found

    def synced(self, now: dict[str, tuple[LocalFile, str]], changes: Changes | None = None) -> None:
        """Record that the board holds what changes sent (None: every file of `now`) and
        no longer the removed files."""
        if changes is None:
            self.on_board = {rel: digest for rel, (_, digest) in now.items()}
            return
        for f in changes.send:
            self.on_board[f.rel] = now[f.rel][1]
        for rel in changes.removed + changes.left:
            self.on_board.pop(rel, None)

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """Whether sync leaves this path (relative) alone: a --delete never removes it."""
        return self._ignored(rel, is_dir)

    def forget_board(self) -> None:
        """The board may hold anything now (a new session): the next sync lists it first."""
        self.on_board.clear()

    def folders_of(self, files: list[LocalFile]) -> set[str]:
        """The folders (relative) these files sit in, parents included."""
        found: set[str] = set()
        for f in files:
            for parent in PurePosixPath(f.rel).parents:
                if str(parent) != ".":
                    found.add(str(parent))
        return found


def resolve_program(folder: Path, run: str | Path | None) -> Path | None:
    """The local program `watch` re-runs: `run` (a path as given, or relative to folder), or
    with run None the folder's main.py or code.py if it has one. InvalidInput when `run`
    names no file inside folder (watch re-runs a file of the folder it syncs)."""
    folder = Path(folder)
    if run is None:
        return next((folder / name for name in DEFAULT_PROGRAMS if (folder / name).is_file()), None)
    given = Path(run)
    candidates = [given] if given.is_absolute() else [given, folder / given]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        existing = next((c for c in candidates if c.exists()), None)
        if existing is not None:
            raise InvalidInput(f"{existing} is not a file", hint="--run names the program to re-run, e.g. main.py")
        raise InvalidInput(
            f"no such program: {run} (looked in the current folder and in {folder})",
            hint="--run names a .py file of the watched folder, e.g. --run main.py",
        )
    try:
        found.resolve().relative_to(folder.resolve())
    except ValueError:
        raise InvalidInput(
            f"{found} is outside {folder}: watch re-runs a program of the folder it syncs",
            hint=f"move it into {folder}, or watch the folder that holds both",
        ) from None
    return found
