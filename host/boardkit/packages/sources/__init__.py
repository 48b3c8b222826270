"""Where packages come from, one module per kind, in a registry (`SOURCES`).

A kind says which requirements it takes (`claims`), what a requirement is called in the lock
file (`key`), and finds the package (`load` -> Loaded: its version, files and deps). The
kinds are asked in their `order`; the mip index, which takes any plain name, comes last.

    index     aioble, aioble@0.2.1        micropython-lib's layout (--index URL)
    github    github:org/repo[/path][@ref] (gitlab:, codeberg: alike)
    url       https://host/x/package.json, https://host/x/, https://host/x/foo.py
    path      lib/package.json, a folder holding a package.json
    bundle    a name in a CircuitPython library bundle (--bundle, or a CircuitPython board)

Adding a kind: one module with a SourceKind, one line in SOURCES (or an entry point in the
group "boardkit.package_sources").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from boardkit.errors import InvalidInput
from boardkit.registry import Registry

if TYPE_CHECKING:
    from boardkit.packages.bundle_zip import LibraryBundle
    from boardkit.packages.fetch import Fetcher
    from boardkit.packages.index import MipIndex
    from boardkit.packages.model import Loaded, Requirement


@dataclass
class ResolveContext:
    """What sources need to find a package for one board (or one kind of board)."""

    fetcher: Fetcher
    index: MipIndex
    variant: str  # the .mpy version to ask the index for ("6"), or "py"
    mpy_version: int = 0  # the board's sys.implementation._mpy (0: none, or not asked)
    github_base: str = "https://raw.githubusercontent.com"
    bundle: LibraryBundle | None = None
    notes: list[str] = field(default_factory=list)  # said to the user once resolving is done


class SourceKind:
    """One kind of package source."""

    name = ""
    order = 50  # asked in this order; the first that claims a requirement takes it

    def claims(self, spec: str, ctx: ResolveContext) -> bool:
        """Is spec (a requirement without its version) one of this kind's?"""
        raise NotImplementedError

    def key(self, requirement: Requirement, ctx: ResolveContext) -> str:
        """The package's name in the lock file and in messages."""
        return requirement.spec

    def check_local(self, requirement: Requirement) -> None:
        """InvalidInput now for what can be seen wrong without a board or a network (a missing file)."""

    def prefetch(self, requirement: Requirement, ctx: ResolveContext) -> None:
        """Start fetching what load() will need (a hint; the default does nothing)."""

    def load(self, requirement: Requirement, ctx: ResolveContext) -> Loaded:
        """Find the package: its version, files (not yet fetched) and deps."""
        raise NotImplementedError


SOURCES: Registry[SourceKind] = Registry(
    "package source",
    "boardkit.package_sources",
    {
        "bundle": "boardkit.packages.sources.bundle:SOURCE",
        "github": "boardkit.packages.sources.git_hosts:GITHUB",
        "gitlab": "boardkit.packages.sources.git_hosts:GITLAB",
        "codeberg": "boardkit.packages.sources.git_hosts:CODEBERG",
        "url": "boardkit.packages.sources.url:SOURCE",
        "path": "boardkit.packages.sources.path:SOURCE",
        "index": "boardkit.packages.sources.index:SOURCE",
    },
)


def source_for(spec: str, ctx: ResolveContext) -> SourceKind:
    """The kind that takes spec; InvalidInput when none does."""
    kinds = sorted((SOURCES.get(name) for name in SOURCES.names()), key=lambda kind: kind.order)
    for kind in kinds:
        if kind.claims(spec, ctx):
            return kind
    raise InvalidInput(
        f"{spec!r} is not a package name, github:org/repo, URL or package.json path",
        hint="e.g. `boardkit install aioble`, `github:org/repo`, `lib/package.json`",
    )
