"""Libraries by name from a CircuitPython library bundle (--bundle, or any CircuitPython board):
the files under its lib/ folder as they are, dependencies from its metadata (bundle_zip.py)."""

from __future__ import annotations

from boardkit.errors import PackageNotFound
from boardkit.packages.model import FileRef, Loaded, Requirement
from boardkit.packages.sources import ResolveContext, SourceKind
from boardkit.packages.sources.index import NAME


class BundleSource(SourceKind):
    name = "bundle"
    order = 10

    def claims(self, spec: str, ctx: ResolveContext) -> bool:
        return ctx.bundle is not None and bool(NAME.match(spec))

    def key(self, requirement: Requirement, ctx: ResolveContext) -> str:
        assert ctx.bundle is not None
        return ctx.bundle.find(requirement.spec).name

    def load(self, requirement: Requirement, ctx: ResolveContext) -> Loaded:
        bundle = ctx.bundle
        assert bundle is not None  # claims() said so
        module = bundle.find(requirement.spec)
        if requirement.version is not None and requirement.version != module.version:
            raise PackageNotFound(
                f"the bundle has {module.name} {module.version}, not {requirement.version}",
                hint="a bundle holds one version of each library: use another bundle, or leave out the version",
            )
        lib = bundle.root + "lib/"
        files = [FileRef(member[len(lib) :], bundle.member_location(member)) for member in module.members]
        return Loaded(
            key=module.name,
            version=module.version,
            source=f"bundle {bundle.location}",
            files=files,
            deps=[(dep, None) for dep in module.deps],
            variant="bundle",
        )


SOURCE = BundleSource()
