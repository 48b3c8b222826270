"""boardkit.lock: the exact packages installed, so thirty boards get the same files.

For every package: its version, where it came from, the packages it needs, and for each kind
of board it was installed for ("6": boards loading .mpy version 6, "py": source, "bundle": a
CircuitPython bundle) every file with its location and SHA-256. Installing from the lock
fetches those locations and refuses any file whose bytes differ. JSON, sorted, one key per
line, so a change shows plainly in a diff:

    {"boardkit_lock": 1,
     "requested": {"aioble": "aioble"},
     "packages": {"aioble": {"version": "0.2.1", "source": "index https://...", "deps": [],
                             "variants": {"6": {"compiled": false,
                                                "files": [{"path": "aioble/core.mpy", "url": "...",
                                                           "sha256": "...", "size": 1234}]}}}}}
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardkit.errors import InvalidInput
from boardkit.packages.model import ResolvedPackage

LOCK_FILE = "boardkit.lock"
FORMAT = 1


@dataclass
class LockedFile:
    path: str  # the package's own name for the file (a .py when it was compiled here)
    url: str  # where it was fetched
    sha256: str  # of the bytes fetched
    size: int
    installed_as: str | None = None  # the name on the board when compiled here (".mpy")
    installed_sha256: str | None = None
    installed_size: int | None = None

    @property
    def board_path(self) -> str:
        return self.installed_as or self.path

    @property
    def board_sha256(self) -> str:
        return self.installed_sha256 or self.sha256

    @property
    def board_size(self) -> int:
        return self.installed_size if self.installed_size is not None else self.size

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class LockedVariant:
    compiled: bool
    files: list[LockedFile]


@dataclass
class LockedPackage:
    key: str
    version: str
    source: str
    deps: list[str]
    variants: dict[str, LockedVariant] = field(default_factory=dict)


@dataclass
class Lock:
    """A lock file's contents (empty when the file does not exist yet)."""

    path: Path
    requested: dict[str, str] = field(default_factory=dict)  # key -> the requirement as asked
    packages: dict[str, LockedPackage] = field(default_factory=dict)
    exists: bool = False

    @classmethod
    def read(cls, path: Path) -> Lock:
        """The lock file at path; an empty Lock if there is none; InvalidInput if it is not one."""
        path = Path(path)
        if not path.exists():
            return cls(path)
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder, not a lock file", hint="--lock FILE names the lock file")
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(doc["requested"]), _packages(doc["packages"]), exists=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            what = (
                exc.strerror if isinstance(exc, OSError) else f"not a boardkit lock file ({type(exc).__name__}: {exc})"
            )
            raise InvalidInput(f"{path}: {what}", hint="fix it, or delete it to lock afresh") from None

    def record(self, resolved: list[ResolvedPackage], requested: dict[str, str]) -> None:
        """Put these packages (as installed for their variant) and the top-level requests in."""
        self.requested.update(requested)
        for package in resolved:
            entry = self.packages.get(package.key)
            if entry is None or entry.version != package.version or entry.source != package.source:
                entry = LockedPackage(package.key, package.version, package.source, package.deps)
                self.packages[package.key] = entry
            entry.deps = package.deps
            files = []
            for f in package.files:
                compiled = f.path != f.fetched_path
                files.append(
                    LockedFile(
                        f.fetched_path,
                        f.location,
                        f.fetched_sha256,
                        f.fetched_size,
                        installed_as=f.path if compiled else None,
                        installed_sha256=f.sha256 if compiled else None,
                        installed_size=len(f.data) if compiled else None,
                    )
                )
            entry.variants[package.variant] = LockedVariant(package.compiled, files)

    def to_json(self) -> str:
        doc = {
            "boardkit_lock": FORMAT,
            "requested": dict(sorted(self.requested.items())),
            "packages": {
                key: {
                    "version": p.version,
                    "source": p.source,
                    "deps": p.deps,
                    "variants": {
                        name: {"compiled": v.compiled, "files": [f.to_dict() for f in v.files]}
                        for name, v in sorted(p.variants.items())
                    },
                }
                for key, p in sorted(self.packages.items())
            },
        }
        return json.dumps(doc, indent=1, sort_keys=False) + "\n"

    def write(self) -> None:
        """Write the lock file: beside it first, then renamed over it (never half a lock)."""
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        try:
            tmp.write_text(self.to_json(), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise InvalidInput(
                f"cannot write {self.path}: {exc.strerror or exc}", hint="--lock FILE elsewhere"
            ) from None
        self.exists = True


def _packages(doc: dict[str, Any]) -> dict[str, LockedPackage]:
    packages = {}
    for key, p in doc.items():
        variants = {
            name: LockedVariant(bool(v["compiled"]), [LockedFile(**f) for f in v["files"]])
            for name, v in p["variants"].items()
        }
        packages[key] = LockedPackage(key, str(p["version"]), str(p["source"]), list(p["deps"]), variants)
    return packages
