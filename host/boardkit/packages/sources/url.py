"""https://host/x/package.json, https://host/x/ (its package.json) or https://host/x/foo.py."""

from __future__ import annotations

from boardkit.packages.fetch import is_url
from boardkit.packages.model import Loaded, Requirement
from boardkit.packages.sources import ResolveContext, SourceKind
from boardkit.packages.sources.package_json import SINGLE_FILE_SUFFIXES, load_package_json, single_file


class UrlSource(SourceKind):
    name = "url"
    order = 30

    def claims(self, spec: str, ctx: ResolveContext) -> bool:
        return is_url(spec)

    def load(self, requirement: Requirement, ctx: ResolveContext) -> Loaded:
        spec = requirement.spec
        version = requirement.version or "url"
        if spec.endswith(SINGLE_FILE_SUFFIXES):
            return single_file(spec, spec, version, spec)
        json_url = spec if spec.endswith(".json") else spec.rstrip("/") + "/package.json"
        return load_package_json(
            json_url,
            base=json_url.rpartition("/")[0],
            rewrite=lambda location: location,
            ctx=ctx,
            key=spec,
            source=spec,
            default_version=version,
            wanted_by=requirement.wanted_by,
        )


SOURCE = UrlSource()
