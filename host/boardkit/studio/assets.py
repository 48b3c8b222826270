"""What the studio serves: the built page (in the package), the wasm runtime, the feature data.

The page's sources live in web/ and are bundled into host/boardkit/studio/assets/ by
`make studio-page` (committed, so a wheel built anywhere carries them). The MicroPython
WebAssembly runtime is the pinned npm package boardkit installs on first use
(boardkit.wasm_runtime); the page loads it from mpy/.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from boardkit import paths, wasm_runtime
from boardkit.errors import BoardkitError, InvalidInput

PAGE_FILES = ("index.html", "boot.js", "app.js", "app.css", "worker.js")
RUNTIME_FILES = ("micropython.mjs", "micropython.wasm")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".png": "image/png",
}


def assets_dir() -> Path:
    """The built page inside the installed package."""
    folder = paths.package_dir() / "studio" / "assets"
    if not (folder / "index.html").is_file():
        raise BoardkitError(
            "boardkit's package is missing the studio page",
            hint="in a checkout run `make studio-page`; else reinstall boardkit (pipx reinstall boardkit)",
        )
    return folder


@dataclass(frozen=True)
class Asset:
    path: Path
    content_type: str


def asset_table(runtime: Path) -> dict[str, Asset]:
    """URL path -> file, for every file the page may ask for (nothing else is served)."""
    table: dict[str, Asset] = {}
    page = assets_dir()
    for name in PAGE_FILES:
        table["/" + name] = Asset(page / name, CONTENT_TYPES[Path(name).suffix])
    table["/"] = table["/index.html"]
    for name in RUNTIME_FILES:
        table["/mpy/" + name] = Asset(runtime / name, CONTENT_TYPES[Path(name).suffix])
    table["/features.json"] = Asset(paths.feature_data(), CONTENT_TYPES[".json"])
    return table


def runtime_dir() -> Path:
    """The installed npm runtime's folder (installed now if it is not yet)."""
    return wasm_runtime.ensure().package


def build_static(outdir: Path) -> list[Path]:
    """Write the page alone (in-page Python, Web Serial) into outdir; the files written.

    input() in the page needs cross-origin isolation: the static host must send
    `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`.
    """
    if outdir.exists() and not outdir.is_dir():
        raise InvalidInput(f"{outdir} is a file", hint="give a folder to write the page into")
    runtime = runtime_dir()
    written = []
    for url, asset in sorted(asset_table(runtime).items()):
        if url == "/":
            continue
        target = outdir / url.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset.path, target)
        written.append(target)
    return written
