"""A CircuitPython library bundle, read the way circup reads one.

A bundle release is a zip file, `{bundle}-{platform}-{tag}.zip` (platform "py" or "9.x-mpy"),
holding one folder with:
    lib/NAME.py | lib/NAME.mpy | lib/NAME/...         the libraries, one module or package each
    requirements/NAME/requirements.txt                 (some bundles) what NAME needs, by PyPI name
and a JSON file of module metadata, inside the zip or beside it as `{bundle}-{tag}.json`:
    {"adafruit_display_text": {"version": "3.2.1", "package": true, "pypi_name": "...",
                               "path": "lib/adafruit_display_text", "dependencies": ["adafruit_bitmap_font"],
                               "external_dependencies": []}, ...}
"""

from __future__ import annotations

import difflib
import json
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from boardkit.errors import PackageError, PackageNotFound
from boardkit.packages.fetch import ZIP_MEMBER, Fetcher, join

_VERSION = re.compile(rb"""^__version__\s*=\s*['"]([^'"]+)['"]""", re.MULTILINE)
_PLATFORM = re.compile(r"-(py|\d+\.x-mpy)-")
# Requirements that never go onto a microcontroller (host-side shims).
NOT_FOR_BOARDS = {"adafruit-blinka", "adafruit-blinka-bleio", "adafruit-blinka-displayio", "pyserial"}


@dataclass
class BundleModule:
    """One library in a bundle: its files (zip members) and what it needs."""

    name: str
    members: list[str]  # zip member names
    version: str
    deps: list[str] = field(default_factory=list)


class LibraryBundle:
    """A bundle zip (a path or URL), opened once; its libraries by name."""

    def __init__(self, location: str, fetcher: Fetcher) -> None:
        self.location = location
        self.fetcher = fetcher
        archive = fetcher.zip_file(location)
        names = archive.namelist()
        self.root = _lib_root(names, location)
        self.modules = _modules(archive, names, self.root)
        self.metadata = self._metadata(archive, names)
        self._pypi = {str(m.get("pypi_name", "")).lower(): name for name, m in self.metadata.items()}
        for name, module in self.modules.items():
            meta = self.metadata.get(name, {})
            if isinstance(meta.get("version"), str):
                module.version = meta["version"]
            deps = meta.get("dependencies")
            module.deps = [str(d) for d in deps] if isinstance(deps, list) else self._requirements(archive, names, name)

    def member_location(self, member: str) -> str:
        return f"{self.location}{ZIP_MEMBER}{member}"

    def find(self, wanted: str) -> BundleModule:
        """The library called wanted (a module name, or its PyPI name); PackageNotFound if none."""
        for name in (wanted, wanted.lower(), self.canonical(wanted)):
            if name in self.modules:
                return self.modules[name]
        close = difflib.get_close_matches(wanted.lower(), list(self.modules), n=3, cutoff=0.6)
        raise PackageNotFound(
            f"no library {wanted} in the bundle {self.location}",
            hint=f"did you mean {' or '.join(close)}?"
            if close
            else "check the name (the bundle's lib/ folder lists them)",
        )

    def canonical(self, name: str) -> str:
        """A PyPI name ("adafruit-circuitpython-display-text") as the bundle's module name."""
        lowered = name.lower()
        if lowered in self._pypi:
            return self._pypi[lowered]
        return lowered.replace("-circuitpython-", "_").replace("_circuitpython_", "_").replace("-", "_")

    def _metadata(self, archive: zipfile.ZipFile, names: list[str]) -> dict[str, dict[str, Any]]:
        inside = [n for n in names if n.endswith(".json") and n.count("/") <= self.root.count("/")]
        for member in inside:
            found = _module_table(archive.read(member))
            if found is not None:
                return found
        beside = _PLATFORM.sub("-", self.location.rsplit("/", 1)[-1]).removesuffix(".zip") + ".json"
        folder = self.location.rpartition("/")[0]
        try:
            data = self.fetcher.get(join(folder, beside))
        except (PackageNotFound, PackageError):
            return {}
        return _module_table(data) or {}

    def _requirements(self, archive: zipfile.ZipFile, names: list[str], module: str) -> list[str]:
        member = f"{self.root}requirements/{module}/requirements.txt"
        if member not in names:
            return []
        deps = []
        for line in archive.read(member).decode(errors="replace").splitlines():
            line = re.split(r"[<>=~\[;#]", line.strip().lower())[0].strip()
            if line and line not in NOT_FOR_BOARDS:
                deps.append(self.canonical(line))
        return deps


def _lib_root(names: list[str], location: str) -> str:
    """The folder inside the zip that holds lib/ ("" or "bundle-9.x-mpy-20240101/")."""
    roots = sorted({n[: n.index("lib/")] for n in names if "lib/" in n and n[: n.index("lib/")].count("/") <= 1})
    for root in roots:
        if root == "" or root.endswith("/"):
            return root
    raise PackageError(f"{location} is not a library bundle (no lib/ folder)", hint="give a CircuitPython bundle .zip")


def _modules(archive: zipfile.ZipFile, names: list[str], root: str) -> dict[str, BundleModule]:
    lib = root + "lib/"
    modules: dict[str, BundleModule] = {}
    for member in names:
        if not member.startswith(lib) or member.endswith("/"):
            continue
        rest = member[len(lib) :]
        top = rest.split("/", 1)[0]
        if top.startswith("."):
            continue
        name = top if "/" in rest else top.rsplit(".", 1)[0]
        module = modules.setdefault(name, BundleModule(name, [], "bundle"))
        module.members.append(member)
    for module in modules.values():
        module.members.sort()
        for member in module.members:
            if member.endswith(".py"):
                found = _VERSION.search(archive.read(member))
                if found:
                    module.version = found.group(1).decode(errors="replace")
                    break
    return modules


def _module_table(data: bytes) -> dict[str, dict[str, Any]] | None:
    """A bundle's module metadata JSON, or None when data is not one."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(doc, dict) and doc and all(isinstance(v, dict) for v in doc.values()):
        return doc
    return None
