"""The micro:bit firmware toolchain: Debian packages, and Debian's source packages switched on.

Building micro:bit MicroPython needs Debian's ARM cross compiler, newlib, yotta, srecord,
cmake and ninja (about 330 MB to download), and `apt-get source`, which needs a `deb-src`
entry (Debian images ship only `deb` ones) and dpkg-source (dpkg-dev).

    missing = toolchain.missing()             # [] when everything is there
    toolchain.require()                       # MissingDependency with the exact commands
    toolchain.install(on_note=print)          # as root: deb-src entry + apt-get install

`install` is only ever called on request (`boardkit firmware toolchain --install`, or
`boardkit firmware build` run as root, `make firmware-toolchain`): nothing installs system
packages behind the user's back.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from boardkit.errors import MissingDependency

Note = Callable[[str], None]

SOURCES_DIR = Path("/etc/apt/sources.list.d")
SOURCES_LIST = Path("/etc/apt/sources.list")
DEB_SRC_FILE = SOURCES_DIR / "boardkit-deb-src.sources"
SOURCE_PACKAGE = "firmware-microbit-micropython"
APT_TIMEOUT = 1800.0  # seconds: 330 MB on a slow line


@dataclass(frozen=True)
class ToolPackage:
    """One Debian package of the toolchain and what shows it is installed."""

    name: str
    command: str = ""
    file: str = ""

    def present(self) -> bool:
        if self.command:
            return shutil.which(self.command) is not None
        return Path(self.file).exists()


PACKAGES = (
    ToolPackage("gcc-arm-none-eabi", command="arm-none-eabi-gcc"),
    ToolPackage("libnewlib-arm-none-eabi", file="/usr/lib/arm-none-eabi/newlib/libc.a"),
    ToolPackage("libstdc++-arm-none-eabi-newlib", file="/usr/lib/arm-none-eabi/newlib/thumb/v6-m/nofp/libstdc++.a"),
    ToolPackage("yotta", command="yotta"),
    ToolPackage("srecord", command="srec_cat"),
    ToolPackage("cmake", command="cmake"),
    ToolPackage("ninja-build", command="ninja"),
    ToolPackage("dpkg-dev", command="dpkg-source"),
)
PACKAGE_NAMES = tuple(package.name for package in PACKAGES)


class ToolchainMissing(MissingDependency):
    """The firmware toolchain (or apt's deb-src entry) is not installed; the hint is the commands."""


def _as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def missing() -> list[str]:
    """The toolchain's Debian packages that are not installed."""
    return [package.name for package in PACKAGES if not package.present()]


def _debian_entries() -> list[dict[str, str]]:
    """The machine's Debian `deb` entries (deb822 .sources files and one-line lists)."""
    entries: list[dict[str, str]] = []
    for path in sorted(SOURCES_DIR.glob("*.sources")) if SOURCES_DIR.is_dir() else []:
        if path == DEB_SRC_FILE:
            continue
        for stanza in re.split(r"\n\s*\n", path.read_text(errors="replace")):
            fields: dict[str, str] = {}
            for line in stanza.splitlines():
                if line.startswith("#") or ":" not in line:
                    continue
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
            if "deb" in fields.get("Types", "").split() and "debian" in fields.get("URIs", ""):
                entries.append(fields)
    lists = [SOURCES_LIST, *(sorted(SOURCES_DIR.glob("*.list")) if SOURCES_DIR.is_dir() else [])]
    for path in lists:
        if not path.is_file():
            continue
        for line in path.read_text(errors="replace").splitlines():
            match = re.match(r"^deb\s+(\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.+)$", line.strip())
            if match and "debian" in match.group(2):
                fields = {"URIs": match.group(2), "Suites": match.group(3), "Components": match.group(4)}
                signed = re.search(r"signed-by=(\S+?)[\]\s]", match.group(1) or "")
                if signed:
                    fields["Signed-By"] = signed.group(1)
                entries.append(fields)
    return entries


def has_deb_src() -> bool:
    """True when apt already has a deb-src entry for Debian."""
    paths = [SOURCES_LIST, *(sorted(SOURCES_DIR.iterdir()) if SOURCES_DIR.is_dir() else [])]
    for path in paths:
        if not path.is_file() or path.suffix not in (".list", ".sources"):
            continue
        text = path.read_text(errors="replace")
        if re.search(r"^\s*deb-src\s", text, re.M) or re.search(r"^Types:.*\bdeb-src\b", text, re.M):
            return True
    return False


def deb_src_text() -> str:
    """A deb822 file that mirrors the machine's Debian entries as deb-src entries."""
    stanzas = []
    for fields in _debian_entries():
        lines = ["Types: deb-src"]
        lines += [f"{key}: {fields[key]}" for key in ("URIs", "Suites", "Components", "Signed-By") if key in fields]
        stanzas.append("\n".join(lines))
    if not stanzas:
        raise MissingDependency(
            "this computer has no Debian package sources to mirror as deb-src",
            hint="the firmware build needs Debian (apt) with its main archive configured",
        )
    return "\n\n".join(stanzas) + "\n"


def commands() -> list[str]:
    """The exact shell commands that install the toolchain (with sudo unless root)."""
    sudo = "" if _as_root() else "sudo "
    steps = []
    if not has_deb_src():
        try:
            text = deb_src_text()
        except MissingDependency:
            text = ""
        if text:
            # One line: printf turns the \n back into the file's line breaks.
            one_line = text.replace("%", "%%").replace("'", "").replace("\n", "\\n")
            steps.append(f"printf '{one_line}' | {sudo}tee {DEB_SRC_FILE} >/dev/null")
    steps.append(f"{sudo}apt-get update")
    steps.append(f"{sudo}apt-get install -y --no-install-recommends {' '.join(PACKAGE_NAMES)}")
    return steps


def require() -> None:
    """MissingDependency naming the exact commands, unless the toolchain is installed."""
    absent = missing()
    if absent or not has_deb_src():
        what = ", ".join(absent) if absent else "a deb-src entry (for apt-get source)"
        raise ToolchainMissing(
            f"the micro:bit firmware build needs {what}",
            hint="run: " + " && ".join(commands()) + "  (or: sudo boardkit firmware toolchain --install)",
        )


def install(on_note: Note | None = None) -> None:
    """Install the toolchain (root only): a deb-src entry, apt-get update, apt-get install."""
    note = on_note or (lambda line: None)
    if not _as_root():
        raise MissingDependency("installing the firmware toolchain needs root", hint="run: " + " && ".join(commands()))
    if not has_deb_src():
        DEB_SRC_FILE.write_text(deb_src_text())
        note(f"added {DEB_SRC_FILE} (Debian's source packages, for apt-get source)")
    absent = missing()
    note("apt-get update")
    _apt(["apt-get", "update", "-qq"])
    if absent:
        note(f"installing {' '.join(absent)} (apt-get; about 330 MB to download the first time)")
        _apt(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *PACKAGE_NAMES])
    still = missing()
    if still:
        raise MissingDependency(f"apt-get finished but {', '.join(still)} is still missing", hint="see apt-get's log")


def _apt(command: list[str]) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        proc = subprocess.run(
            command, check=False, capture_output=True, text=True, timeout=APT_TIMEOUT, stdin=subprocess.DEVNULL, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise MissingDependency(f"{' '.join(command[:2])} failed: {exc}", hint="run it by hand to see why") from None
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        raise MissingDependency(
            f"{' '.join(command[:2])} failed: {lines[-1] if lines else proc.returncode}",
            hint="check the network and apt's sources, then try again",
        )
