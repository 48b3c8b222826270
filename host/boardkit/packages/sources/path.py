"""A package on this computer: PATH/TO/package.json, or a folder holding one. Its "urls" may be
relative paths, taken beside the package.json (mip reads a local package.json the same way)."""

from __future__ import annotations

from pathlib import Path

from boardkit.errors import InvalidInput
from boardkit.packages.model import Loaded, Requirement
from boardkit.packages.sources import ResolveContext, SourceKind
from boardkit.packages.sources.package_json import load_package_json


class PathSource(SourceKind):
    name = "path"
    order = 40

    def claims(self, spec: str, ctx: ResolveContext) -> bool:
        return spec.endswith(".json") or "/" in spec or "\\" in spec or Path(spec).is_dir()

    def check_local(self, requirement: Requirement) -> None:
        package_json_path(requirement.spec)

    def load(self, requirement: Requirement, ctx: ResolveContext) -> Loaded:
        json_path = package_json_path(requirement.spec)
        return load_package_json(
            str(json_path),
            base=str(json_path.parent),
            rewrite=lambda location: location,
            ctx=ctx,
            key=requirement.spec,
            source=str(json_path),
            default_version=requirement.version or "local",
            wanted_by=requirement.wanted_by,
        )


def package_json_path(spec: str) -> Path:
    """The package.json a local spec names; InvalidInput when there is none."""
    path = Path(spec)
    if path.is_dir():
        path = path / "package.json"
    if not path.is_file():
        raise InvalidInput(
            f"no such package.json: {path}", hint="give a package.json, a folder holding one, or a package name"
        )
    return path


SOURCE = PathSource()
