"""The pinned MicroPython WebAssembly runtime (an npm package), installed on first use.

boardkit ships the npm package.json + package-lock.json that pin it (paths.wasm_lock_files());
`npm ci` installs exactly that, integrity-checked by npm, into boardkit's data folder:

    paths.data_dir()/wasm-runtime/<first 12 hex digits of the lock file's SHA-256>/node_modules/

One folder per lock file, so two boardkit versions side by side never share a runtime. A
checkout's own firmware/wasm/node_modules (what `make setup` installs) is used when present.

    runtime = wasm_runtime.ensure(progress=print)    # installs if needed, returns WasmRuntime
    runtime.module                                   # .../micropython.mjs, for node or a page
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from boardkit import paths
from boardkit.errors import MissingDependency

# Called with one line of text per step, exactly twice per install: "installing ..." when
# npm starts, "installed ... in 3.1 s" when it is done (between the two, npm runs: a caller
# may show that it is busy; an install that fails raises instead of the second line).
RuntimeProgress = Callable[[str], None]

_log = logging.getLogger(__name__)
NPM_TIMEOUT = 300.0  # seconds: a slow mirror is fine, a hung npm is not
NODE_HINT = "install Node.js 20 or newer, with npm (https://nodejs.org/en/download)"


@dataclass(frozen=True)
class WasmRuntime:
    """An installed runtime: `package` is node_modules/@micropython/micropython-webassembly-pyscript."""

    package: Path
    version: str
    source: str  # "checkout" (firmware/wasm/node_modules) or "data" (installed by boardkit)

    @property
    def module(self) -> Path:
        """micropython.mjs: what board.mjs and the browser page import."""
        return self.package / "micropython.mjs"


def pinned_version() -> str:
    """The runtime version package-lock.json pins (e.g. "1.27.0")."""
    lock = json.loads(paths.wasm_lock_files()[1].read_text(encoding="utf-8"))
    return str(lock["packages"][f"node_modules/{paths.WASM_PACKAGE}"]["version"])


def install_dir() -> Path:
    """Where boardkit installs the runtime pinned by the shipped lock file (not created)."""
    digest = hashlib.sha256(paths.wasm_lock_files()[1].read_bytes()).hexdigest()[:12]
    return paths.data_dir(create=False) / "wasm-runtime" / digest


def _installed(root: Path, source: str) -> WasmRuntime | None:
    package = root / "node_modules" / paths.WASM_PACKAGE
    try:
        version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return None
    runtime = WasmRuntime(package=package, version=str(version), source=source)
    return runtime if runtime.module.is_file() else None


def find() -> WasmRuntime | None:
    """The runtime to use if one is installed: the checkout's (make setup), else boardkit's own;
    one of the pinned version first."""
    found = [
        runtime
        for runtime in (_installed(paths.wasm_dir(), "checkout"), _installed(install_dir(), "data"))
        if runtime is not None
    ]
    pinned = pinned_version() if found else ""
    return next((runtime for runtime in found if runtime.version == pinned), found[0] if found else None)


def node_path() -> str:
    """The node executable; MissingDependency naming what to install when there is none."""
    node = shutil.which("node")
    if not node:
        raise MissingDependency(
            "node is not installed (the wasm board and the runtime need Node.js 20+)", hint=NODE_HINT
        )
    return node


def ensure(progress: RuntimeProgress | None = None) -> WasmRuntime:
    """The installed runtime, installing it first (npm ci from the shipped lock file) if needed.

    progress: told when an install starts and ends (see install); not called when installed.
    """
    return find() or install(progress)


def install(progress: RuntimeProgress | None = None) -> WasmRuntime:
    """Install the pinned runtime into install_dir() with `npm ci` (one step; npm verifies hashes).

    progress gets one line when the install starts and one when it is done (see
    RuntimeProgress); without it they go to the "boardkit.wasm_runtime" logger at INFO
    level, which prints nothing unless the application asks for it.

    Installs into a temporary folder beside the target and renames it into place, so a
    cut-off install leaves nothing half-done, and boards started at the same moment (a
    fleet of 30) wait for one install instead of running 30.
    """
    # Library code never prints: without a callback the lines only reach a configured log.
    report = progress or _log.info
    node_path()
    npm = shutil.which("npm")
    if not npm:
        raise MissingDependency(
            "npm is not installed (it installs the MicroPython WebAssembly runtime)", hint=NODE_HINT
        )
    paths.data_dir()  # made, or InvalidInput when BOARDKIT_DATA names a file
    target = install_dir()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _install_lock(target.parent / ".install.lock"):
        done = _installed(target, "data")
        if done:
            return done  # another process installed it while we waited
        version = pinned_version()
        report(f"installing the MicroPython WebAssembly runtime {version} (npm ci) into {target}")
        started = time.monotonic()
        work = Path(tempfile.mkdtemp(prefix=".installing-", dir=target.parent))
        try:
            for file in paths.wasm_lock_files():
                shutil.copyfile(file, work / file.name)
            _npm_ci(npm, work)
            shutil.rmtree(target, ignore_errors=True)  # an old, broken install
            os.replace(work, target)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    runtime = _installed(target, "data")
    if runtime is None:
        raise MissingDependency(
            f"npm ci finished but {paths.WASM_PACKAGE} is not in {target}",
            hint="run `boardkit doctor --install` again; check npm's registry settings",
        )
    report(f"installed the MicroPython WebAssembly runtime {runtime.version} in {time.monotonic() - started:.1f} s")
    return runtime


def _npm_ci(npm: str, folder: Path) -> None:
    command = [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--ignore-scripts"]
    try:
        proc = subprocess.run(
            command,
            check=False,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=NPM_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise MissingDependency(
            f"npm ci did not finish within {NPM_TIMEOUT:g} s",
            hint="check the network (npm's registry), then `boardkit doctor --install`",
        ) from None
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        raise MissingDependency(
            f"npm ci failed: {lines[-1] if lines else f'exit status {proc.returncode}'}",
            hint="check the network (npm's registry), then `boardkit doctor --install`",
        )


@contextlib.contextmanager
def _install_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the atomic rename still keeps installs whole
        yield
        return
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
