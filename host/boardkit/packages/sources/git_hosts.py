"""github:org/repo[/path][@ref] (and gitlab:, codeberg:): a package.json (or one .py file) in a
repository, fetched as raw files the way mip fetches them, at the branch or tag given (the
default branch, HEAD, when none).

The raw-file server's address can be changed (tests point it at a loopback server):
BOARDKIT_GITHUB_RAW, or ResolveContext.github_base for github:.
"""

from __future__ import annotations

from boardkit.errors import InvalidInput
from boardkit.packages.model import Loaded, Requirement
from boardkit.packages.sources import ResolveContext, SourceKind
from boardkit.packages.sources.package_json import SINGLE_FILE_SUFFIXES, load_package_json, single_file


class GitHost(SourceKind):
    """One git host: its spec prefix and the raw-file URL of (org, repo, ref, path)."""

    order = 20

    def __init__(self, name: str, url_format: str) -> None:
        self.name = name
        self.prefix = name + ":"
        self.url_format = url_format  # {base} {org} {repo} {ref} {path}

    def claims(self, spec: str, ctx: ResolveContext) -> bool:
        return spec.startswith(self.prefix)

    def base_url(self, ctx: ResolveContext) -> str:
        return ctx.github_base.rstrip("/") if self.name == "github" else _DEFAULT_BASES[self.name]

    def raw_url(self, spec: str, ref: str | None, ctx: ResolveContext) -> str:
        """The fetchable URL of a "github:org/repo/path" at ref."""
        self.check_local(Requirement(spec, ref))
        parts = spec[len(self.prefix) :].split("/")
        return self.url_format.format(
            base=self.base_url(ctx), org=parts[0], repo=parts[1], ref=ref or "HEAD", path="/".join(parts[2:])
        )

    def check_local(self, requirement: Requirement) -> None:
        parts = requirement.spec[len(self.prefix) :].split("/")
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise InvalidInput(
                f"{requirement.spec!r}: say which repository, as {self.prefix}org/repo[/path]",
                hint=f"e.g. {self.prefix}micropython/micropython-lib",
            )

    def key(self, requirement: Requirement, ctx: ResolveContext | None = None) -> str:
        return requirement.spec.rstrip("/")

    def load(self, requirement: Requirement, ctx: ResolveContext) -> Loaded:
        spec, ref = requirement.spec.rstrip("/"), requirement.version
        source = f"{spec}@{ref or 'HEAD'}"
        if spec.endswith(SINGLE_FILE_SUFFIXES):
            return single_file(self.key(requirement), self.raw_url(spec, ref, ctx), ref or "HEAD", source)
        json_spec = spec if spec.endswith(".json") else spec + "/package.json"

        def rewrite(location: str) -> str:
            return self.raw_url(location, ref, ctx) if location.startswith(self.prefix) else location

        return load_package_json(
            self.raw_url(json_spec, ref, ctx),
            base=json_spec.rpartition("/")[0],
            rewrite=rewrite,
            ctx=ctx,
            key=self.key(requirement),
            source=source,
            default_version=ref or "HEAD",
            wanted_by=requirement.wanted_by,
        )


_DEFAULT_BASES = {"gitlab": "https://gitlab.com", "codeberg": "https://codeberg.org"}

GITHUB = GitHost("github", "{base}/{org}/{repo}/{ref}/{path}")
GITLAB = GitHost("gitlab", "{base}/{org}/{repo}/-/raw/{ref}/{path}")
CODEBERG = GitHost("codeberg", "{base}/api/v1/repos/{org}/{repo}/raw/{path}?ref={ref}")
