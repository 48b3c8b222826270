"""The nouns of package installing: a requirement, a package's manifest (mip's package.json),
the files it brings, and a package once resolved and fetched.

A mip package.json (micropython-lib's index serves one per package, version and .mpy version):
    {"version": "0.2.1",
     "hashes": [["aioble/core.mpy", "5c4b3fa2"]],       # files kept in the index, by SHA-256 prefix
     "urls": [["extra.py", "github:org/repo/extra.py"]],  # files anywhere else (relative: beside the json)
     "deps": [["logging", "latest"]]}
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from boardkit.errors import InvalidInput, PackageError

LATEST = "latest"
_HEX = re.compile(r"^[0-9a-f]{6,64}$")


@dataclass(frozen=True)
class Requirement:
    """One thing asked for: "aioble", "aioble@0.2.1", "github:org/repo@v2", "lib/package.json"."""

    spec: str  # without the version
    version: str | None  # None: the newest (mip's "latest"); for git hosts a branch or tag
    wanted_by: str | None = None  # the package whose deps named it; None: asked for by the user

    def __str__(self) -> str:
        return self.spec + (f"@{self.version}" if self.version else "")


def parse_requirement(text: str, wanted_by: str | None = None) -> Requirement:
    """ "name@1.2" -> Requirement("name", "1.2"); InvalidInput for an empty spec or version."""
    text = text.strip()
    spec, at, version = text.rpartition("@")
    if not at or "/" in version or ":" in version:  # no version given (an @ inside a URL is not one)
        spec, at, version = text, "", ""
    if not spec:
        raise InvalidInput(f"{text!r} names no package", hint="e.g. `boardkit install aioble` or `aioble@0.2.1`")
    if at and not version:
        raise InvalidInput(f"{text!r}: nothing after '@'", hint="give a version, e.g. aioble@0.2.1, or leave out '@'")
    return Requirement(spec, None if version in ("", LATEST) else version, wanted_by)


def check_board_path(path: str, where: str) -> str:
    """A file path a package asks for, relative to the install folder; PackageError for one that
    would land outside it (absolute, "..", empty parts, backslashes)."""
    parts = path.split("/")
    if not path or path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise PackageError(f"{where}: refusing the file path {path!r}", hint="a package's files stay inside its folder")
    return path


@dataclass
class Manifest:
    """A package.json as mip reads it."""

    version: str | None
    hashes: list[tuple[str, str]] = field(default_factory=list)  # (path, short SHA-256)
    urls: list[tuple[str, str]] = field(default_factory=list)  # (path, URL or relative location)
    deps: list[tuple[str, str | None]] = field(default_factory=list)  # (spec, version or None)


def parse_manifest(data: bytes, where: str) -> Manifest:
    """A package.json's contents, checked; PackageError naming `where` when it is not one."""
    try:
        doc: Any = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError(f"{where} is not valid JSON ({exc})", hint="is this a mip package.json?") from None
    if not isinstance(doc, dict):
        raise PackageError(f"{where} is not a package.json (a JSON object is expected)")
    version = doc.get("version")
    manifest = Manifest(str(version) if version is not None else None)
    for path, short in _pairs(doc, "hashes", where):
        if not _HEX.match(short.lower()):
            raise PackageError(f"{where}: {short!r} is not a SHA-256 prefix (for {path})")
        manifest.hashes.append((check_board_path(path, where), short.lower()))
    for path, url in _pairs(doc, "urls", where):
        manifest.urls.append((check_board_path(path, where), url))
    deps = doc.get("deps", [])
    if not isinstance(deps, list):
        raise PackageError(f"{where}: 'deps' must be a list of [name, version]")
    for dep in deps:
        if isinstance(dep, str):
            dep = [dep]
        if not (isinstance(dep, list) and 1 <= len(dep) <= 2 and all(isinstance(x, str) and x for x in dep)):
            raise PackageError(f"{where}: bad entry in 'deps': {dep!r}", hint="each is [name, version]")
        wanted = dep[1] if len(dep) == 2 and dep[1] != LATEST else None
        manifest.deps.append((dep[0], wanted))
    if not manifest.hashes and not manifest.urls and not manifest.deps:
        raise PackageError(f"{where} lists no files and no deps", hint="is this a mip package.json?")
    return manifest


def _pairs(doc: dict[str, Any], key: str, where: str) -> list[tuple[str, str]]:
    items = doc.get(key, [])
    if not isinstance(items, list) or not all(
        isinstance(i, list) and len(i) == 2 and all(isinstance(x, str) for x in i) for i in items
    ):
        raise PackageError(f"{where}: '{key}' must be a list of [path, value] pairs")
    return [(i[0], i[1]) for i in items]


@dataclass
class FileRef:
    """A file a package brings, before it is fetched."""

    path: str  # relative to the install folder ("aioble/core.mpy")
    location: str  # where to fetch it (see fetch.py)
    short_hash: str | None = None  # the index's SHA-256 prefix, checked after the download
    sha256: str | None = None  # the whole SHA-256 a lock file recorded, checked after the download


@dataclass
class Loaded:
    """A package found by a source: what it is and the files and deps it names."""

    key: str  # its name in the lock file and in messages ("aioble", "github:org/repo")
    version: str
    source: str  # where it came from, for people ("index https://...", "github:org/repo@main")
    files: list[FileRef]
    deps: list[tuple[str, str | None]]
    variant: str = "py"  # the .mpy version its files are for ("6"), or "py" for source
    compile: bool = False  # source files to compile here for the board (the index had no .mpy)


@dataclass
class PackageFile:
    """A file fetched, checked and ready for the board."""

    path: str  # as installed, relative to the install folder
    data: bytes
    location: str  # where it was fetched
    fetched_sha256: str  # of the bytes fetched (before compiling)
    fetched_path: str  # the package's own name for it (a .py when compiled here)
    fetched_size: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class ResolvedPackage:
    """A package with its files fetched, checked and (where needed) compiled."""

    key: str
    version: str
    source: str
    variant: str
    compiled: bool
    files: list[PackageFile]
    deps: list[str]  # keys of the packages it needs
    requested: bool  # asked for by the user (not only a dependency)

    @property
    def size(self) -> int:
        return sum(len(f.data) for f in self.files)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.key,
            "version": self.version,
            "source": self.source,
            "variant": self.variant,
            "compiled": self.compiled,
            "files": [f.path for f in self.files],
            "bytes": self.size,
            "deps": self.deps,
        }
