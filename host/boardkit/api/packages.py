"""Library packages onto a board, into a kit, and (through fleet) onto a classroom.

    plan = prepare_install(["aioble", "github:org/sensor@v2"])   # checked now, before any board
    with connect("/dev/ttyACM0") as device:
        result = install(device, plan)                  # resolved, fetched, checked, then written
    installed(device)                                   # what the board holds, matched to the lock

Sources as mip takes them (a name from a mip index, github:org/repo[/path][@ref], a URL, a
local package.json) and, for CircuitPython boards or with `bundle`, names in a CircuitPython
library bundle. Every file is checked against its hash before anything is written; writes go
through `sync` (atomic, hash-checked, only what differs). boardkit.lock (`lock`) records the
exact files; `locked` installs exactly those. See docs/packages.md.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardkit.api.transfer import sync
from boardkit.device import Device
from boardkit.errors import InvalidInput, PackageError, PackageNotFound, RemoteFileError, UnsupportedOnBoard
from boardkit.packages.bundle_release import newest_bundle
from boardkit.packages.bundle_zip import LibraryBundle
from boardkit.packages.fetch import Fetcher, is_url, timeout_from_environment
from boardkit.packages.index import DEFAULT_INDEX, MipIndex
from boardkit.packages.installed import InstalledPackage, match_files
from boardkit.packages.lock import LOCK_FILE, Lock
from boardkit.packages.model import Requirement, ResolvedPackage, parse_requirement
from boardkit.packages.resolve import LockUse, Resolver
from boardkit.packages.sources import ResolveContext, source_for
from boardkit.sync import SyncProgress

NoteCallback = Callable[[str], None]
GITHUB_RAW = "https://raw.githubusercontent.com"
CIRCUITPYTHON_HINT = (
    "download the CircuitPython library bundle for the board's version from "
    "https://circuitpython.org/libraries and give --bundle PATH_OR_URL"
)

__all__ = [
    "DEFAULT_INDEX",
    "LOCK_FILE",
    "InstallPlan",
    "InstallResult",
    "InstalledPackage",
    "board_variant",
    "install",
    "install_into_kit",
    "installed",
    "prepare_install",
]


@dataclass
class InstallResult:
    """What an install did: the packages (with their files) and what was written where."""

    target: str  # the board folder (or the kit folder) the files went into
    packages: list[ResolvedPackage]
    sent: int = 0  # files written
    bytes: int = 0
    skipped: int = 0  # files the board already held, unchanged
    seconds: float = 0.0
    lock: str | None = None  # the lock file written, if any
    notes: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # files an earlier install of a package left

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "packages": [p.to_dict() for p in self.packages],
            "sent": self.sent,
            "bytes": self.bytes,
            "skipped": self.skipped,
            "seconds": round(self.seconds, 3),
            "lock": self.lock,
            "notes": self.notes,
            "removed": self.removed,
        }


class InstallPlan:
    """What to install and from where, checked; resolved once per kind of board (a fleet's
    seats share one plan: the index is asked and the files fetched once)."""

    def __init__(
        self,
        requirements: list[Requirement],
        *,
        index: str,
        bundle: str | None,
        lock: Lock | None,
        lock_use: LockUse,
        mpy: bool,
        github_base: str,
        timeout: float,
    ) -> None:
        self.requirements = requirements
        self.fetcher = Fetcher(timeout)
        self.index = MipIndex(index, self.fetcher)
        self.bundle_location = bundle
        self.lock = lock
        self.lock_use = lock_use
        self.mpy = mpy
        self.github_base = github_base
        self._bundles: dict[str, LibraryBundle] = {}
        self._newest: dict[int, str] = {}  # CircuitPython major -> its newest bundle's URL
        # what the lock said each package put on boards before this install (any kind of board)
        self.installed_before: dict[str, dict[str, set[str]]] = {
            key: {name: {f.board_path for f in v.files} for name, v in p.variants.items()}
            for key, p in (lock.packages.items() if lock is not None else [])
        }
        self._resolved: dict[str, tuple[list[ResolvedPackage], list[str]]] = {}
        self._lock = threading.Lock()

    def bundle_for(self, circuitpython_major: int, on_note: NoteCallback | None = None) -> str:
        """The bundle a CircuitPython board's names come from: --bundle, else the newest
        release of the library bundle for its major version (looked up once per plan)."""
        if self.bundle_location is not None:
            return self.bundle_location
        with self._lock:
            found = self._newest.get(circuitpython_major)
            if found is None:
                try:
                    tag, found = newest_bundle(self.fetcher, circuitpython_major)
                except PackageError as exc:  # offline, or no release to be found
                    raise PackageError(str(exc), hint=CIRCUITPYTHON_HINT) from None
                try:
                    self.fetcher.zip_file(found)  # fetched now (and kept), to say which is missing
                except PackageNotFound:
                    raise PackageError(
                        f"the newest bundle release ({tag}) has no bundle for CircuitPython {circuitpython_major}",
                        hint=CIRCUITPYTHON_HINT,
                    ) from None
                except PackageError as exc:
                    raise PackageError(str(exc), hint=CIRCUITPYTHON_HINT) from None
                self._newest[circuitpython_major] = found
                if on_note:
                    on_note(f"CircuitPython {circuitpython_major}: libraries from the bundle released {tag}")
        return found

    def context(self, variant: str, mpy_version: int = 0, *, bundle: str | None = None) -> ResolveContext:
        """The resolving context for one kind of board; bundle: where names are looked up
        first (default: --bundle, if given)."""
        location = bundle or self.bundle_location
        library = None
        if location is not None:
            library = self._bundles.get(location)
            if library is None:
                library = self._bundles[location] = LibraryBundle(location, self.fetcher)
        return ResolveContext(self.fetcher, self.index, variant, mpy_version, self.github_base, library)

    def resolve(
        self, variant: str, mpy_version: int = 0, *, bundle: str | None = None, on_note: NoteCallback | None = None
    ) -> list[ResolvedPackage]:
        """Every package with its files fetched and checked, for boards of this variant (cached)."""
        key = f"{variant}/{mpy_version}/{bundle}"
        with self._lock:
            if key not in self._resolved:
                ctx = self.context(variant, mpy_version, bundle=bundle)
                packages = Resolver(ctx, self.lock_use, on_note).resolve(self.requirements)
                self._resolved[key] = (packages, list(ctx.notes))
            packages, notes = self._resolved[key]
        for note in notes:
            if on_note:
                on_note(note)
        return packages

    def record(self, packages: list[ResolvedPackage]) -> str | None:
        """Write what was installed into the lock file (not for --locked); its path, or None."""
        if self.lock is None or self.lock_use.strict:
            return None
        requested = {p.key: _asked(p, self.requirements) for p in packages if p.requested}
        with self._lock:
            self.lock.record(packages, requested)
            self.lock.write()
        return str(self.lock.path)


def _asked(package: ResolvedPackage, requirements: list[Requirement]) -> str:
    """The requirement as the user typed it, for the lock's "requested" table."""
    for requirement in requirements:
        if requirement.spec == package.key or requirement.spec.lower() == package.key.lower():
            return str(requirement)
    return package.key


def prepare_install(
    packages: Sequence[str] = (),
    *,
    index: str = DEFAULT_INDEX,
    bundle: str | Path | None = None,
    lock: Path | None = Path(LOCK_FILE),
    locked: bool = False,
    upgrade: bool = False,
    mpy: bool = True,
    github_base: str | None = None,
    timeout: float | None = None,
) -> InstallPlan:
    """Check what is asked (names, local files, the lock) and return the plan to install it.

    packages: as mip takes them ("aioble", "aioble@0.2.1", "github:org/repo[/path][@ref]", a
    URL, "PATH/package.json"). None given: everything the lock file lists (exactly).
    lock: the lock file to follow and update (None: no lock). locked: take every package from
    it, exactly, and fail for anything it lacks. upgrade: ignore its versions (and update it).
    mpy: ask the index for the board's .mpy files (False: source). github_base: the server of
    github: raw files ($BOARDKIT_GITHUB_RAW or raw.githubusercontent.com). timeout: seconds
    per download ($BOARDKIT_DOWNLOAD_TIMEOUT or 20). InvalidInput for anything wrong here.
    """
    if not index or not (is_url(index) or Path(index).is_dir()):
        raise InvalidInput(f"--index {index!r} is not an http(s) URL or a folder", hint=f"e.g. {DEFAULT_INDEX}")
    if locked and upgrade:
        raise InvalidInput("--locked and --upgrade exclude each other", hint="--locked installs the lock as it is")
    book = Lock.read(Path(lock)) if lock is not None else None
    requirements = [parse_requirement(text) for text in packages]
    if locked and (book is None or not book.exists):
        raise InvalidInput(f"--locked: there is no lock file {lock}", hint="install once without --locked to write it")
    strict = locked
    if not requirements:
        if book is None or not book.requested:
            raise InvalidInput(
                "give a package to install",
                hint=f"e.g. `boardkit install aioble` (with a {LOCK_FILE} here: what it lists)",
            )
        requirements = [parse_requirement(text) for text in book.requested.values()]
        strict = not upgrade  # a bare `boardkit install` is the lock, exactly
    bundle_location = None
    if bundle is not None:
        bundle_location = str(bundle)
        if not is_url(bundle_location) and not Path(bundle_location).is_file():
            raise InvalidInput(f"no such bundle file: {bundle_location}", hint="give the bundle .zip (a path or URL)")
    plan = InstallPlan(
        requirements,
        index=index,
        bundle=bundle_location,
        lock=book,
        lock_use=LockUse(book, strict=strict, upgrade=upgrade),
        mpy=mpy,
        github_base=github_base or os.environ.get("BOARDKIT_GITHUB_RAW") or GITHUB_RAW,
        timeout=timeout or timeout_from_environment(),
    )
    precheck = ResolveContext(plan.fetcher, plan.index, "py")
    for requirement in requirements:  # a wrong spelling or a missing package.json, said now
        source_for(requirement.spec, precheck).check_local(requirement)
    return plan


def board_variant(device: Device, mpy: bool = True) -> str:
    """What to ask an index for this board: its .mpy version ("6"), or "py"."""
    version = device.caps.mpy_version
    return str(version & 0xFF) if mpy and version else "py"


def install(
    device: Device,
    packages: Sequence[str] | InstallPlan,
    *,
    target: str | None = None,
    progress: SyncProgress | None = None,
    on_note: NoteCallback | None = None,
    **options: Any,
) -> InstallResult:
    """Install packages onto the board into target (default /lib; / on a flat filesystem).

    packages: an InstallPlan, or what prepare_install takes (options are its keywords).
    Everything is resolved, fetched and checked first; a failure there leaves the board as it
    was. Files are written with sync (atomic, hash-checked; those already there are skipped);
    a CircuitPython board with its drive mounted is written through the drive.
    """
    plan = packages if isinstance(packages, InstallPlan) else prepare_install(packages, **options)
    caps = device.caps
    folder = target or ("/lib" if caps.has_folders else "/")
    started = time.monotonic()
    bundle = plan.bundle_for(caps.version[0], on_note) if caps.implementation == "circuitpython" else None
    resolved = plan.resolve(board_variant(device, plan.mpy), caps.mpy_version, bundle=bundle, on_note=on_note)
    if not caps.has_folders:
        nested = next((f"{p.key} ({f.path})" for p in resolved for f in p.files if "/" in f.path), None)
        if nested is not None:
            raise UnsupportedOnBoard(
                f"{caps.machine} has a flat filesystem (no folders): cannot hold {nested}",
                hint="only packages that are single modules can go onto this board",
            )
    with tempfile.TemporaryDirectory(prefix="bk-install-") as staging:
        _stage(Path(staging), resolved)
        written = sync(device, Path(staging), folder, progress=progress, on_note=on_note)
    removed = _remove_outdated(device, folder, resolved, plan.installed_before)
    result = InstallResult(folder, resolved, written.sent, written.bytes, written.skipped, removed=removed)
    result.lock = plan.record(resolved)
    result.seconds = time.monotonic() - started
    return result


def install_into_kit(
    kit_dir: Path,
    packages: Sequence[str] | InstallPlan,
    *,
    target: str = "lib",
    on_note: NoteCallback | None = None,
    **options: Any,
) -> InstallResult:
    """Install packages into a kit folder's lib/ (or target inside it), as source: `kit build`
    compiles lib/ modules for each board it builds for."""
    kit = Path(kit_dir)
    if not kit.is_dir():
        raise InvalidInput(f"{kit} is not a folder", hint="a kit is a folder of files for the board")
    plan = packages if isinstance(packages, InstallPlan) else prepare_install(packages, **options)
    started = time.monotonic()
    resolved = plan.resolve("py", on_note=on_note)
    folder = kit / target.strip("/")
    sent = skipped = size = 0
    for package in resolved:
        for file in package.files:
            path = folder / file.path
            if path.is_file() and path.read_bytes() == file.data:
                skipped += 1
                continue
            _write_replacing(path, file.data)
            sent += 1
            size += len(file.data)
    result = InstallResult(str(folder), resolved, sent, size, skipped)
    result.lock = plan.record(resolved)
    result.seconds = time.monotonic() - started
    return result


def installed(
    device: Device,
    *,
    target: str | None = None,
    lock: Path | None = Path(LOCK_FILE),
    index: str | None = DEFAULT_INDEX,
    timeout: float | None = None,
    on_note: NoteCallback | None = None,
) -> list[InstalledPackage]:
    """The packages in the board's target folder: its files (one listing) matched against the
    lock file's hashes, then the index's newest release for names the lock lacks (index None:
    not asked)."""
    folder = target or ("/lib" if device.caps.has_folders else "/")
    _, entries = device.listing(folder)
    book = Lock.read(Path(lock)) if lock is not None and Path(lock).exists() else None
    variant = "bundle" if device.caps.implementation == "circuitpython" else board_variant(device)
    mip_index = MipIndex(index, Fetcher(timeout or timeout_from_environment(5.0))) if index else None
    return match_files(entries, folder, book, variant, mip_index, on_note)


def _remove_outdated(
    device: Device, folder: str, packages: list[ResolvedPackage], before: dict[str, dict[str, set[str]]]
) -> list[str]:
    """Remove the files the lock says an earlier install of these packages put there and this
    one does not: an old version's modules, and x.py where x.mpy now replaces it (MicroPython
    would import the .py first). Only files the lock names: a user's own are never touched."""
    removed = []
    for package in packages:
        now = {f.path for f in package.files}
        variants = before.get(package.key, {})
        stale = variants.get(package.variant, set()) - now
        stale |= {p for paths in variants.values() for p in paths if p.endswith(".py") and p[:-3] + ".mpy" in now}
        for rel in sorted(stale):
            path = folder.rstrip("/") + "/" + rel
            try:
                device.remove(path)
            except RemoteFileError:
                continue  # not on this board (installed on another kind of board, or removed)
            removed.append(path)
    return removed


def _stage(folder: Path, packages: list[ResolvedPackage]) -> None:
    for package in packages:
        for file in package.files:
            path = folder / file.path
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.data)


def _write_replacing(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.bk-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from None
