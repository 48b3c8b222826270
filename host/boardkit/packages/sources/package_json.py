"""A package described by its own package.json (mip's format), wherever it lives: on a git
host, at a URL, in a local folder. The files in its "hashes" come from the index (as mip
fetches them); those in "urls" from their URL, a relative one taken beside the package.json."""

from __future__ import annotations

from collections.abc import Callable

from boardkit.errors import PackageNotFound
from boardkit.packages.fetch import join
from boardkit.packages.model import FileRef, Loaded, parse_manifest
from boardkit.packages.sources import ResolveContext

SINGLE_FILE_SUFFIXES = (".py", ".mpy")


def load_package_json(
    json_location: str,
    *,
    base: str,
    rewrite: Callable[[str], str],
    ctx: ResolveContext,
    key: str,
    source: str,
    default_version: str,
    wanted_by: str | None,
) -> Loaded:
    """The package whose package.json is at json_location (already a fetchable location).

    base: the folder relative "urls" are taken from, in the spelling rewrite() turns into a
    fetchable location (a github: base stays github: until rewritten with the ref).
    """
    try:
        data = ctx.fetcher.get(json_location)
    except PackageNotFound:
        wanted = f" (needed by {wanted_by})" if wanted_by else ""
        raise PackageNotFound(
            f"no package.json for {key} at {json_location}{wanted}",
            hint="check the address; a package's folder must hold a package.json",
        ) from None
    manifest = parse_manifest(data, json_location)
    files = [FileRef(path, ctx.index.file_url(short), short_hash=short) for path, short in manifest.hashes]
    files += [FileRef(path, rewrite(join(base, url))) for path, url in manifest.urls]
    return Loaded(
        key=key,
        version=manifest.version or default_version,
        source=source,
        files=files,
        deps=list(manifest.deps),
    )


def single_file(key: str, location: str, version: str, source: str) -> Loaded:
    """A package that is one .py or .mpy file (mip installs those as they are)."""
    return Loaded(
        key=key, version=version, source=source, files=[FileRef(location.rsplit("/", 1)[-1], location)], deps=[]
    )
