"""The newest CircuitPython library bundle for a board's version, found as circup finds it.

The bundle repository's /releases/latest page redirects to /releases/tag/TAG; the bundle for
CircuitPython N is the release's adafruit-circuitpython-bundle-N.x-mpy-TAG.zip, with the
libraries' metadata beside it (adafruit-circuitpython-bundle-TAG.json; bundle_zip.py reads it).
BOARDKIT_CP_BUNDLE_REPO points elsewhere: a mirror, a school's server, the tests' loopback.
"""

from __future__ import annotations

import os
import re

from boardkit.errors import PackageError
from boardkit.packages.fetch import Fetcher

REPOSITORY = "https://github.com/adafruit/Adafruit_CircuitPython_Bundle"
REPOSITORY_ENV = "BOARDKIT_CP_BUNDLE_REPO"
TAG = re.compile(r"^[A-Za-z0-9._-]+$")


def repository() -> str:
    """Where bundle releases are looked up ($BOARDKIT_CP_BUNDLE_REPO, else Adafruit's)."""
    return (os.environ.get(REPOSITORY_ENV) or REPOSITORY).rstrip("/")


def newest_bundle(fetcher: Fetcher, circuitpython_major: int) -> tuple[str, str]:
    """(its release tag, the URL of its zip): the newest bundle for CircuitPython major.x."""
    repo = repository()
    landed = fetcher.final_url(f"{repo}/releases/latest").rstrip("/")
    head, _, tag = landed.rpartition("/")
    if not head.endswith("/releases/tag") or not TAG.match(tag):
        raise PackageError(
            f"could not tell the newest CircuitPython bundle from {repo}/releases/latest (it led to {landed})",
            hint=f"give --bundle PATH_OR_URL, or point {REPOSITORY_ENV} at the bundle's repository",
        )
    name = f"adafruit-circuitpython-bundle-{circuitpython_major}.x-mpy-{tag}.zip"
    return tag, f"{repo}/releases/download/{tag}/{name}"
