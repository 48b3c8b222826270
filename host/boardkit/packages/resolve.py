"""From what the user asked for to checked files: find every package and its dependencies
(transitively), then fetch every file, check it against its hash, and compile source for the
board where the index had no .mpy. Everything happens here, before a byte goes to the board,
so a missing package, a cycle, a conflict or a bad hash leaves the board as it was.

With a lock file, a package it holds is taken from it (same version, same files, checked
against the recorded SHA-256), unless the user asked for another version or for --upgrade;
`strict` (install --locked) takes everything from the lock or fails.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from boardkit.errors import BoardkitError, PackageError, PackageNotFound
from boardkit.packages.lock import Lock, LockedPackage
from boardkit.packages.model import FileRef, Loaded, PackageFile, Requirement, ResolvedPackage
from boardkit.packages.sources import ResolveContext, SourceKind, source_for

NoteCallback = Callable[[str], None]
FETCH_WORKERS = 8


@dataclass
class LockUse:
    """How a resolve uses a lock file."""

    lock: Lock | None = None
    strict: bool = False  # everything from the lock (install --locked)
    upgrade: bool = False  # ignore the lock's versions (install --upgrade)


class Resolver:
    """Resolves one set of requirements for one kind of board (ctx.variant)."""

    def __init__(self, ctx: ResolveContext, lock_use: LockUse | None = None, on_note: NoteCallback | None = None):
        self.ctx = ctx
        self.lock_use = lock_use or LockUse()
        self.on_note = on_note
        self.loaded: dict[str, Loaded] = {}
        self.pinned: dict[str, tuple[str | None, str]] = {}  # key -> (version asked, by whom)
        self.requested: dict[str, str] = {}  # key -> the requirement the user typed

    def resolve(self, requirements: list[Requirement]) -> list[ResolvedPackage]:
        """Every package needed, fetched and checked (in the order they were found)."""
        for requirement in requirements:
            self.requested[self._visit(requirement, [])] = str(requirement)
        return self._fetch_all()

    # -- finding packages -------------------------------------------------------------------

    def _visit(self, requirement: Requirement, stack: list[str]) -> str:
        kind = source_for(requirement.spec, self.ctx)
        key = kind.key(requirement, self.ctx)
        if key in stack:
            cycle = " -> ".join([*stack[stack.index(key) :], key])
            raise PackageError(f"dependency cycle: {cycle}", hint="the packages need each other; fix their deps")
        if key in self.loaded:
            asked, by = self.pinned[key]
            have = self.loaded[key].version
            if requirement.version is None or requirement.version in (asked, have):
                return key
            if asked is not None:
                raise PackageError(
                    f"version conflict: {key} {asked} (wanted by {by}) and {requirement.version} "
                    f"(wanted by {requirement.wanted_by or 'you'})",
                    hint="ask for one version of it yourself, e.g. `boardkit install NAME@VERSION`",
                )
            # the newest was taken for an earlier want; a pinned version wins over "newest"
        self.loaded[key] = self._load(kind, key, requirement)
        self.pinned[key] = (requirement.version, requirement.wanted_by or "you")
        wants = [Requirement(spec, version, wanted_by=key) for spec, version in self.loaded[key].deps]
        for want in wants:  # the deps' manifests come in while the first of them is looked at
            self._prefetch(want)
        for want in wants:
            self._visit(want, [*stack, key])
        return key

    def _prefetch(self, requirement: Requirement) -> None:
        try:
            kind = source_for(requirement.spec, self.ctx)
            key = kind.key(requirement, self.ctx)
        except BoardkitError:
            return  # said properly when it is visited
        use = self.lock_use
        if use.lock is not None and not use.upgrade and key in use.lock.packages:
            return  # it will come from the lock
        kind.prefetch(requirement, self.ctx)

    def _load(self, kind: SourceKind, key: str, requirement: Requirement) -> Loaded:
        use = self.lock_use
        entry = use.lock.packages.get(key) if use.lock is not None and not use.upgrade else None
        if entry is not None and requirement.version in (None, entry.version):
            found = self._from_lock(entry)
            if found is not None:
                return found
            if use.strict:
                raise PackageError(
                    f"{_lock_name(use)} has {key} only for {', '.join(sorted(entry.variants))}, "
                    f"not for this board ({self.ctx.variant})",
                    hint="install without --locked to add this kind of board to the lock",
                )
            requirement = Requirement(requirement.spec, entry.version, requirement.wanted_by)
        elif use.strict:
            if entry is not None:
                raise PackageError(
                    f"{_lock_name(use)} has {key} {entry.version}, not {requirement.version}",
                    hint="install without --locked to change the lock",
                )
            raise PackageError(
                f"{key} is not in {_lock_name(use)}", hint="install it without --locked to add it to the lock"
            )
        return kind.load(requirement, self.ctx)

    def _from_lock(self, entry: LockedPackage) -> Loaded | None:
        variant = entry.variants.get(self.ctx.variant) or entry.variants.get("bundle")
        if variant is None:
            return None
        files = [FileRef(f.path, f.url, sha256=f.sha256) for f in variant.files]
        return Loaded(
            key=entry.key,
            version=entry.version,
            source=entry.source,
            files=files,
            deps=[(dep, None) for dep in entry.deps],
            variant=self.ctx.variant if self.ctx.variant in entry.variants else "bundle",
            compile=variant.compiled,
        )

    # -- fetching files ---------------------------------------------------------------------

    def _fetch_all(self) -> list[ResolvedPackage]:
        jobs = [(loaded, ref) for loaded in self.loaded.values() for ref in loaded.files]
        with ThreadPoolExecutor(max_workers=FETCH_WORKERS) as pool:
            fetched = list(pool.map(lambda job: self._fetch(*job), jobs))
        by_key: dict[str, list[PackageFile]] = {key: [] for key in self.loaded}
        for (loaded, _), file in zip(jobs, fetched, strict=True):
            by_key[loaded.key].append(file)
        owner: dict[str, tuple[str, str]] = {}
        resolved = []
        for key, loaded in self.loaded.items():
            for file in by_key[key]:
                other = owner.setdefault(file.path, (key, file.sha256))
                if other[0] != key and other[1] != file.sha256:
                    raise PackageError(
                        f"{other[0]} and {key} both install {file.path}, with different contents",
                        hint="install one of them, or each into its own --target",
                    )
            resolved.append(
                ResolvedPackage(
                    key=key,
                    version=loaded.version,
                    source=loaded.source,
                    variant=self.ctx.variant if loaded.compile else loaded.variant,
                    compiled=loaded.compile and any(f.path != f.fetched_path for f in by_key[key]),
                    files=by_key[key],
                    deps=[self._dep_key(spec, version, key) for spec, version in loaded.deps],
                    requested=key in self.requested,
                )
            )
        return resolved

    def _dep_key(self, spec: str, version: str | None, wanted_by: str) -> str:
        requirement = Requirement(spec, version, wanted_by)
        return source_for(spec, self.ctx).key(requirement, self.ctx)

    def _fetch(self, loaded: Loaded, ref: FileRef) -> PackageFile:
        try:
            data = self.ctx.fetcher.get(ref.location)
        except PackageNotFound:
            raise PackageError(
                f"{loaded.key}: its file {ref.path} is missing at {ref.location}",
                hint="the package's index or repository is incomplete; nothing was written to the board",
            ) from None
        digest = hashlib.sha256(data).hexdigest()
        expected = ref.sha256 or ref.short_hash
        if expected is not None and not digest.startswith(expected):
            raise PackageError(
                f"{loaded.key}: {ref.path} does not match its hash (expected {expected[:16]}, got {digest[:16]})",
                hint=(
                    f"it changed since {_lock_name(self.lock_use)} was written; `boardkit install --upgrade "
                    f"{loaded.key}` takes the new one (nothing was written to the board)"
                    if ref.sha256
                    else "the server sent a different file than its index lists; nothing was written to the board"
                ),
            )
        path = ref.path
        board_data = data
        if loaded.compile and path.endswith(".py"):
            board_data = self._compile(loaded, path, data)
            if board_data is not data:
                path = path[: -len(".py")] + ".mpy"
        return PackageFile(path, board_data, ref.location, digest, ref.path, len(data))

    def _compile(self, loaded: Loaded, path: str, data: bytes) -> bytes:
        compiler = _compiler()
        if compiler is None or not compiler.can_compile(self.ctx.mpy_version):
            note = f"{loaded.key}: no .mpy for this board in the index and no mpy-cross for it: installed as source"
            if note not in self.ctx.notes:
                self.ctx.notes.append(note)
            return data
        compiled: bytes = compiler.compile_source(data, f"{loaded.key}/{path}", self.ctx.mpy_version)
        return compiled


def _compiler() -> Any:
    """boardkit.mpy_compile (compile_source, can_compile), where this boardkit has it; else None."""
    try:
        from boardkit import mpy_compile
    except ImportError:
        return None
    return mpy_compile


def _lock_name(use: LockUse) -> str:
    return use.lock.path.name if use.lock is not None else "the lock file"
