"""A mip package index in micropython-lib's layout (https://micropython.org/pi/v2 and mirrors).

{index}/index.json                                   every package: name, version, description
{index}/package/{mpy}/{name}/{version}.json          mpy: "py" or a .mpy version ("6"); version "latest" or "0.2.1"
{index}/file/{hash[:2]}/{hash}                       a file by its SHA-256 prefix
"""

from __future__ import annotations

import difflib
import json
import threading

from boardkit.errors import PackageNotFound
from boardkit.packages.fetch import Fetcher
from boardkit.packages.model import LATEST, Manifest, parse_manifest

DEFAULT_INDEX = "https://micropython.org/pi/v2"


class MipIndex:
    """One index: package manifests, files by hash, names for "did you mean"."""

    def __init__(self, url: str, fetcher: Fetcher) -> None:
        self.url = url.rstrip("/")
        self.fetcher = fetcher
        self._names: list[str] | None = None
        self._lock = threading.Lock()

    def manifest_url(self, name: str, variant: str, version: str | None) -> str:
        return f"{self.url}/package/{variant}/{name}/{version or LATEST}.json"

    def manifest(self, name: str, variant: str, version: str | None) -> Manifest:
        """The package.json of name (version None: the newest) for variant; PackageNotFound if none."""
        url = self.manifest_url(name, variant, version)
        return parse_manifest(self.fetcher.get(url), url)

    def file_url(self, short_hash: str) -> str:
        return f"{self.url}/file/{short_hash[:2]}/{short_hash}"

    def names(self) -> list[str]:
        """Every package name index.json lists ([] when there is none or it cannot be read)."""
        with self._lock:
            if self._names is None:
                self._names = self._read_names()
            return self._names

    def _read_names(self) -> list[str]:
        try:
            doc = json.loads(self.fetcher.get(f"{self.url}/index.json"))
        except (PackageNotFound, ValueError, UnicodeDecodeError):
            return []
        packages = doc.get("packages", []) if isinstance(doc, dict) else []
        return sorted({p["name"] for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)})

    def suggest(self, name: str) -> str | None:
        """A hint naming the closest package names, or None."""
        close = difflib.get_close_matches(name, self.names(), n=3, cutoff=0.6)
        return f"did you mean {' or '.join(close)}?" if close else None
