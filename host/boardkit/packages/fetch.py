"""Getting package bytes from where they are: an http(s) URL, a local file, or a member of a
zip file (a CircuitPython bundle), each with a bounded time and size.

Locations are plain strings so a lock file can keep them: "https://host/x.json",
"relative/or/absolute/path.py", and "BUNDLE.zip!/member/path" (BUNDLE itself a URL or a path).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from boardkit.errors import PackageError, PackageNotFound

# One request's bound: no answer (or no progress) for this long and the download is given up.
DEFAULT_TIMEOUT = 20.0
# Nothing a board's library needs comes near this; a server sending more is refused.
MAX_DOWNLOAD_BYTES = 32 * 1024 * 1024
ZIP_MEMBER = "!/"
PREFETCH_WORKERS = 6
USER_AGENT = "boardkit (package installer)"


def is_url(location: str) -> bool:
    """Does location name an http(s) resource (rather than a local file)?"""
    return location.startswith(("http://", "https://"))


def join(base: str, relative: str) -> str:
    """relative taken from the folder base names (a URL folder or a local folder)."""
    if ":" in relative.split("/", 1)[0] or relative.startswith("/"):
        return relative  # absolute: a URL, a github: spec, a path from the top
    if is_url(base):
        return base.rstrip("/") + "/" + relative
    return str(Path(base) / relative) if base else relative


class Fetcher:
    """Fetches locations with a bounded time per request; zip files are opened once and kept.

    Thread-safe: a fleet's seats share one.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._zips: dict[str, zipfile.ZipFile] = {}
        self._lock = threading.Lock()
        self._early: dict[str, Future[bytes]] = {}
        self._pool: ThreadPoolExecutor | None = None

    def prefetch(self, location: str) -> None:
        """Start fetching a URL now, in the background, that get() will probably ask for soon
        (the manifests of a package's deps while the resolver is still busy with the package)."""
        if not is_url(location):
            return
        with self._lock:
            if location in self._early:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=PREFETCH_WORKERS, thread_name_prefix="bk-fetch")
            self._early[location] = self._pool.submit(self._download, location)

    def get(self, location: str) -> bytes:
        """The bytes at location. PackageNotFound when it is not there; PackageError (unreachable,
        too slow, too big) or InvalidInput (a local file that cannot be read) otherwise."""
        with self._lock:
            early = self._early.pop(location, None)
        if early is not None:
            return early.result()  # its download is bounded as any other; its error is raised here
        if ZIP_MEMBER in location:
            archive, _, member = location.rpartition(ZIP_MEMBER)
            return self.zip_member(archive, member)
        if is_url(location):
            return self._download(location)
        return _read_local(Path(location))

    def zip_file(self, archive: str) -> zipfile.ZipFile:
        """The zip file at archive (a URL or a path), opened once."""
        with self._lock:
            found = self._zips.get(archive)
        if found is not None:
            return found
        data = self.get(archive)
        try:
            opened = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise PackageError(f"{archive} is not a zip file", hint="give a library bundle .zip") from None
        with self._lock:
            return self._zips.setdefault(archive, opened)

    def zip_member(self, archive: str, member: str) -> bytes:
        """One file out of a zip file."""
        bundle = self.zip_file(archive)
        try:
            info = bundle.getinfo(member)
        except KeyError:
            raise PackageNotFound(f"{member} is not in {archive}") from None
        if info.file_size > MAX_DOWNLOAD_BYTES:
            raise PackageError(f"{member} in {archive} is too large ({info.file_size} bytes)")
        with self._lock:  # a ZipFile reads through one shared file object
            return bundle.read(member)

    def final_url(self, url: str) -> str:
        """Where url lands after the server's redirects (nothing of the page is read)."""
        with self._opened(url) as response:
            return str(response.geturl())

    def _download(self, url: str) -> bytes:
        deadline = time.monotonic() + 4 * self.timeout  # a server trickling bytes is cut off too
        with self._opened(url) as response:
            chunks: list[bytes] = []
            total = 0
            while True:
                chunk = response.read(64 * 1024)
                if not chunk:
                    break
                total += len(chunk)
                if total > MAX_DOWNLOAD_BYTES:
                    raise PackageError(f"{url} is larger than {MAX_DOWNLOAD_BYTES // 2**20} MB: refused")
                if time.monotonic() > deadline:
                    raise PackageError(
                        f"{url} took more than {4 * self.timeout:.0f} s to download",
                        hint="the network is too slow; try again, or set BOARDKIT_DOWNLOAD_TIMEOUT",
                    )
                chunks.append(chunk)
            return b"".join(chunks)

    @contextlib.contextmanager
    def _opened(self, url: str) -> Iterator[Any]:
        """The response to a GET of url; the network's failures (while reading it too) in words."""
        host = urllib.parse.urlsplit(url).netloc or url
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                yield response
        except urllib.error.HTTPError as exc:
            if exc.code in (404, 410):
                raise PackageNotFound(f"not found: {url}") from None
            raise PackageError(f"{host} answered HTTP {exc.code} for {url}", hint="try again later") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise _no_answer(host, self.timeout) from None
            words = getattr(reason, "strerror", None) or str(reason)
            raise PackageError(
                f"cannot reach {host}: {words}", hint="check the network and the address (--index URL)"
            ) from None
        except TimeoutError:
            raise _no_answer(host, self.timeout) from None
        except (ConnectionError, OSError) as exc:
            raise PackageError(f"the download from {host} broke off: {exc}", hint="try again") from None


def _no_answer(host: str, timeout: float) -> PackageError:
    return PackageError(
        f"no answer from {host} within {timeout:.0f} s",
        hint="check the network; BOARDKIT_DOWNLOAD_TIMEOUT sets the limit in seconds",
    )


def _read_local(path: Path) -> bytes:
    from boardkit.local_files import read_regular

    if not path.exists():
        raise PackageNotFound(f"no such file: {path}")
    return read_regular(path)  # InvalidInput saying why it cannot be read


def timeout_from_environment(default: float = DEFAULT_TIMEOUT) -> float:
    """BOARDKIT_DOWNLOAD_TIMEOUT (seconds) if set to a positive number, else default."""
    text = os.environ.get("BOARDKIT_DOWNLOAD_TIMEOUT", "")
    try:
        value = float(text)
    except ValueError:
        return default
    return value if value > 0 else default
