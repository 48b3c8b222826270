"""Debian's micro:bit MicroPython source, fetched once and prepared for boardkit's builds.

`apt-get source firmware-microbit-micropython` (checked by apt and dpkg-source against the
signed archive) is unpacked into boardkit's data folder, then prepared the way debian/rules
builds it, plus what frozen modules need:

- `yotta-targets`/`yotta-modules` renamed `yotta_targets`/`yotta_modules` (yotta's names);
- boardkit's patch enabling MICROPY_MODULE_FROZEN_MPY and MICROPY_QSTR_EXTRA_POOL;
- source/boardkit/frozen_modules.c (yotta builds every file under source/), no module yet;
- a fixed micro:bit version header (the upstream one holds today's date and git state, which
  would make two builds of the same inputs differ).

The tree always sits at the same path (objects hold absolute paths), named by the Debian
version: `<data>/firmware-build/microbit-<version>/`. A build holds `lock()` on it.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from boardkit import paths
from boardkit.errors import FirmwareError, MissingDependency
from boardkit.firmware.build import toolchain

PATCH = Path(__file__).with_name("microbit-frozen-modules.patch")
FROZEN_C = Path("source") / "boardkit" / "frozen_modules.c"
VERSION_HEADER = Path("inc") / "genhdr" / "microbitversion.h"
READY = ".boardkit-ready"  # written last: a tree without it is half-made and made again
RECIPE_VERSION = "1"  # bump when _prepare changes: ninja misses header changes, so trees are remade


def recipe() -> str:
    """What READY holds: a tree prepared by another recipe (another patch) is made again."""
    digest = hashlib.sha256(PATCH.read_bytes()).hexdigest()[:16]
    return f"{RECIPE_VERSION}-{digest}\n"


FETCH_TIMEOUT = 600.0


def build_root() -> Path:
    return paths.data_dir() / "firmware-build"


def _run(command: list[str], cwd: Path, what: str, timeout: float = FETCH_TIMEOUT) -> str:
    try:
        proc = subprocess.run(
            command, cwd=cwd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise FirmwareError(f"{what} failed: {exc}") from None
    if proc.returncode != 0:
        lines = [line for line in (proc.stderr or proc.stdout).splitlines() if line.strip()]
        raise FirmwareError(
            f"{what} failed: {lines[-1] if lines else proc.returncode}",
            hint="check apt's deb-src entry and the network: `boardkit firmware toolchain`",
        )
    return proc.stdout


def find_tree() -> Path | None:
    """The prepared tree already in the cache (the newest version), or None."""
    root = build_root()
    trees = sorted(p for p in root.glob("microbit-*") if _ready(p)) if root.is_dir() else []
    return trees[-1] if trees else None


def _ready(tree: Path) -> bool:
    try:
        return (tree / READY).read_text() == recipe()
    except OSError:
        return False


def ensure_tree(on_note: toolchain.Note | None = None) -> Path:
    """The prepared source tree, fetched with apt-get source on first use."""
    found = find_tree()
    if found is not None:
        return found
    toolchain.require()
    note = on_note or (lambda line: None)
    root = build_root()
    root.mkdir(parents=True, exist_ok=True)
    with lock(root):
        found = find_tree()
        if found is not None:
            return found
        note(f"fetching the source package {toolchain.SOURCE_PACKAGE} (apt-get source, about 12 MB)")
        with tempfile.TemporaryDirectory(prefix=".fetch-", dir=root) as tmp:
            work = Path(tmp)
            _run(["apt-get", "source", "--download-only", toolchain.SOURCE_PACKAGE], work, "apt-get source")
            dscs = sorted(work.glob("*.dsc"))
            if not dscs:
                raise MissingDependency(f"apt-get source gave no {toolchain.SOURCE_PACKAGE} .dsc")
            version = _dsc_version(dscs[0].read_text(errors="replace"))
            target = root / f"microbit-{version}"
            shutil.rmtree(target, ignore_errors=True)
            _run(["dpkg-source", "--no-check", "-x", dscs[0].name, "tree"], work, "dpkg-source -x")
            tree = work / "tree"
            _prepare(tree)
            os.replace(tree, target)
        note(f"prepared the firmware source {version} in {target}")
        return target


def _dsc_version(text: str) -> str:
    match = re.search(r"^Version:\s*(\S+)$", text, re.M)
    if not match:
        raise FirmwareError("the source package's .dsc has no Version")
    return match.group(1).replace(":", "_")


def _changelog_date(tree: Path) -> str:
    text = (tree / "debian" / "changelog").read_text(errors="replace")
    match = re.search(r"^ -- .*?,\s+(\d+)\s+(\w{3})\s+(\d{4})", text, re.M)
    months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
    if not match or match.group(2) not in months:
        return "2017-09-01"
    return f"{match.group(3)}-{months.index(match.group(2)) + 1:02d}-{int(match.group(1)):02d}"


def _prepare(tree: Path) -> None:
    for dashed in ("yotta-targets", "yotta-modules"):
        if (tree / dashed).is_dir():
            (tree / dashed).rename(tree / dashed.replace("-", "_"))
    if not (tree / "yotta_modules").is_dir() or not (tree / "Makefile").is_file():
        raise FirmwareError("the source package does not look like micro:bit MicroPython (no yotta_modules)")
    _run(["patch", "-p1", "--forward", "-i", str(PATCH)], tree, "applying boardkit's frozen-modules patch")
    (tree / VERSION_HEADER).write_text(
        "// Written by boardkit: fixed, so that the same inputs build the same image.\n"
        '#define MICROBIT_GIT_TAG "debian"\n'
        '#define MICROBIT_GIT_HASH "boardkit"\n'
        f'#define MICROBIT_BUILD_DATE "{_changelog_date(tree)}"\n'
    )
    from boardkit.firmware.build.frozen_c import frozen_c_source
    from boardkit.firmware.build.qstrs import StaticQstrs

    frozen = tree / FROZEN_C
    frozen.parent.mkdir(parents=True, exist_ok=True)
    frozen.write_text(frozen_c_source({}, StaticQstrs.parse(qstr_header(tree).read_text())))
    (tree / READY).write_text(recipe())


def qstr_header(tree: Path) -> Path:
    return tree / "inc" / "genhdr" / "qstrdefs.generated.h"


@contextlib.contextmanager
def lock(folder: Path) -> Iterator[None]:
    """One build at a time in `folder` (other processes wait)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no toolchain there anyway
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
