"""Packages by name from a mip index (micropython-lib's layout, see packages/index.py).

The board's .mpy version is asked for first; where the index has no files for it, the source
("py") version is taken and compiled here for the board (Loaded.compile).
"""

from __future__ import annotations

import re

from boardkit.errors import PackageNotFound
from boardkit.packages.model import FileRef, Loaded, Requirement
from boardkit.packages.sources import ResolveContext, SourceKind

NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")


class IndexSource(SourceKind):
    name = "index"
    order = 100

    def claims(self, spec: str, ctx: ResolveContext) -> bool:
        return bool(NAME.match(spec)) and not spec.endswith(".json")

    def prefetch(self, requirement: Requirement, ctx: ResolveContext) -> None:
        ctx.fetcher.prefetch(ctx.index.manifest_url(requirement.spec, ctx.variant, requirement.version))

    def load(self, requirement: Requirement, ctx: ResolveContext) -> Loaded:
        index = ctx.index
        name, version = requirement.spec, requirement.version
        variants = [ctx.variant, "py"] if ctx.variant != "py" else ["py"]
        for variant in variants:
            try:
                manifest = index.manifest(name, variant, version)
            except PackageNotFound:
                continue
            files = [FileRef(path, index.file_url(short), short_hash=short) for path, short in manifest.hashes]
            files += [FileRef(path, url) for path, url in manifest.urls]  # absolute URLs in an index
            return Loaded(
                key=name,
                version=manifest.version or version or "latest",
                source=f"index {index.url}",
                files=files,
                deps=list(manifest.deps),
                variant=variant,
                compile=variant == "py" and ctx.variant != "py",
            )
        what = f"{name}@{version}" if version else name
        wanted = f" (needed by {requirement.wanted_by})" if requirement.wanted_by else ""
        if version is not None:
            try:  # is it the version that is missing, or the package?
                index.manifest(name, "py", None)
            except PackageNotFound:
                pass
            else:
                raise PackageNotFound(
                    f"{name} has no version {version} in {index.url}{wanted}",
                    hint=f"leave out @{version} for the newest, or check the version",
                )
        raise PackageNotFound(
            f"no package {what} in {index.url}{wanted}",
            hint=index.suggest(name) or "check the name, or give another index with --index URL",
        )


SOURCE = IndexSource()
