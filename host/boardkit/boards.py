"""The board catalogue: one TOML file per board under boards/, validated as it loads.

A board is data (chip, USB ids, flash method, memory, filesystem layout, pinned firmware);
code is written per chip family and per flash method, never per board. See
docs/boards-and-firmware.md for the fields.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from boardkit.errors import UsageError

CHIPS = ("esp32", "esp32s3", "esp32c3", "nrf51822", "nrf52833", "rp2040", "wasm")
METHODS = ("esptool", "daplink", "uf2", "virtual")
FORMATS = ("esp-bin", "hex", "uf2", "virtual")
FLAVOURS = ("micropython", "circuitpython")
FS_KINDS = ("littlefs2", "microbit", "host")
VIRTUAL_KINDS = ("wasm", "microbit")
# Which image formats each flash method can write.
METHOD_FORMATS = {"esptool": ("esp-bin",), "daplink": ("hex",), "uf2": ("uf2",), "virtual": ("virtual", "hex")}

_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_USB_ID = re.compile(r"^0x[0-9a-fA-F]{1,4}$")
_MPY = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True)
class Release:
    flavour: str
    version: str
    url: str
    format: str
    size: int | None = None
    sha256: str | None = None
    offset: int = 0


@dataclass(frozen=True)
class FsLayout:
    kind: str
    offset: int | None = None
    size: int | None = None
    block_size: int | None = None


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    vendor: str
    chip: str
    flash_size: int
    ram_size: int
    method: str
    usb: tuple[tuple[int, int], ...]
    fs: FsLayout
    releases: tuple[Release, ...]
    drive_label: str | None = None
    uf2_family: int | None = None
    virtual_kind: str | None = None
    mpy: str | None = None
    path: Path | None = None

    def release(self, flavour: str = "micropython", version: str | None = None) -> Release:
        """The release of this flavour: the newest, or the one with this version ("1.27.0" or "v1.27.0")."""
        candidates = [r for r in self.releases if r.flavour == flavour]
        if not candidates:
            have = sorted({r.flavour for r in self.releases})
            raise UsageError(f"board '{self.id}' has no {flavour} firmware",
                             hint=f"it has: {', '.join(have) or 'none'} (see `boardkit boards`)")
        if version is None:
            return max(candidates, key=lambda r: version_key(r.version))
        wanted = version[1:] if version[:1] in ("v", "V") else version
        for r in candidates:
            if r.version == wanted:
                return r
        listed = ", ".join(r.version for r in sorted(candidates, key=lambda r: version_key(r.version), reverse=True))
        raise UsageError(f"board '{self.id}' has no {flavour} {version}",
                         hint=f"available: {listed}")


def version_key(version: str) -> tuple:
    """Sort key for "1.27.0", "2.1.2", "9.2.1-beta": numeric parts compare as numbers."""
    return tuple(int(part) for part in re.findall(r"\d+", version))


# ---------------------------------------------------------------- loading and validation

def boards_dir() -> Path:
    """The shipped catalogue (paths.boards_dir); BOARDKIT_BOARDS overrides it (a private catalogue, tests)."""
    from boardkit import paths

    return paths.boards_dir()


def load_boards(root: Path | None = None) -> dict[str, Board]:
    """Every boards/*.toml, validated. A bad file raises UsageError naming the file and what is wrong."""
    root = boards_dir() if root is None else Path(root)
    if not root.is_dir():
        raise UsageError(f"no board catalogue at {root}", hint="boards/ is part of the boardkit checkout")
    boards: dict[str, Board] = {}
    for path in sorted(root.glob("*.toml")):
        board = load_board_file(path)
        boards[board.id] = board
    return boards


def load_board_file(path: Path) -> Board:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path.name}: cannot read it ({exc})", hint=f"fix or remove {path}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)"
        raise UsageError(f"{path.name}: not valid TOML: {exc}", hint=f"fix {path}") from None
    return _Validator(path, text).board(data)


class _Validator:
    """Checks one parsed file against the schema; every error names the file (and the line when found)."""

    TOP_KEYS = frozenset({"id", "name", "vendor", "chip", "flash_size", "ram_size", "usb", "method", "drive_label",
                          "uf2_family", "virtual_kind", "mpy", "fs", "firmware"})
    FS_KEYS = frozenset({"kind", "offset", "size", "block_size"})
    RELEASE_KEYS = frozenset({"flavour", "version", "url", "size", "sha256", "format", "offset"})

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()

    def fail(self, what: str, key: str | None = None, where: str = "") -> None:
        line = self._line_of(key) if key and not where else None
        place = f"{self.path.name}" + (f" line {line}" if line else "") + (f" {where}" if where else "")
        raise UsageError(f"{place}: {what}", hint=f"fix {self.path} (fields: docs/boards-and-firmware.md)")

    def _line_of(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return None

    # typed getters ----------------------------------------------------------
    def _str(self, table: dict, key: str, required: bool, where: str = "", choices=None) -> str | None:
        if key not in table:
            if required:
                self.fail(f"missing required key '{key}'", where=where)
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key} must be a non-empty string", key, where)
        if choices is not None and value not in choices:
            self.fail(f"{key} must be one of {', '.join(choices)} (not '{value}')", key, where)
        return value

    def _int(self, table: dict, key: str, required: bool, where: str = "", minimum: int = 0) -> int | None:
        if key not in table:
            if required:
                self.fail(f"missing required key '{key}'", where=where)
            return None
        value = table[key]
        if isinstance(value, str) and re.fullmatch(r"0[xX][0-9a-fA-F]+", value.strip()):
            value = int(value.strip(), 16)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{key} must be an integer (or a \"0x...\" string)", key, where)
        if value < minimum:
            self.fail(f"{key} must be at least {minimum}", key, where)
        return value

    def _unknown(self, table: dict, allowed: frozenset, where: str = "") -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            self.fail(f"unknown key '{extra[0]}' (allowed: {', '.join(sorted(allowed))})", extra[0], where)

    # the schema -------------------------------------------------------------
    def board(self, data: dict) -> Board:
        self._unknown(data, self.TOP_KEYS)
        board_id = self._str(data, "id", True)
        if not _ID.match(board_id):
            self.fail(f"id '{board_id}' must be snake_case (a-z, 0-9, _)", "id")
        if board_id != self.path.stem:
            self.fail(f"id '{board_id}' must equal the file name ('{self.path.stem}')", "id")
        method = self._str(data, "method", True, choices=METHODS)
        chip = self._str(data, "chip", True, choices=CHIPS)
        board = Board(
            id=board_id,
            name=self._str(data, "name", True),
            vendor=self._str(data, "vendor", True),
            chip=chip,
            flash_size=self._int(data, "flash_size", True),
            ram_size=self._int(data, "ram_size", True, minimum=1),
            method=method,
            usb=self._usb(data),
            fs=self._fs(data),
            releases=self._releases(data, method),
            drive_label=self._str(data, "drive_label", False),
            uf2_family=self._int(data, "uf2_family", False),
            virtual_kind=self._str(data, "virtual_kind", False, choices=VIRTUAL_KINDS),
            mpy=self._str(data, "mpy", False),
            path=self.path,
        )
        if board.mpy is not None and not _MPY.match(board.mpy):
            self.fail(f"mpy must look like \"6.3\" (not '{board.mpy}')", "mpy")
        if method == "uf2" and board.uf2_family is None:
            self.fail("a uf2 board needs uf2_family (e.g. 0xe48bff56 for the RP2040)")
        if method in ("uf2", "daplink") and board.drive_label is None:
            self.fail(f"a {method} board needs drive_label (the name of the drive it shows)")
        if method == "virtual" and board.virtual_kind is None:
            self.fail("a virtual board needs virtual_kind (wasm or microbit)")
        return board

    def _usb(self, data: dict) -> tuple[tuple[int, int], ...]:
        value = data.get("usb", [])
        if not isinstance(value, list):
            self.fail('usb must be a list of ["0xVID", "0xPID"] pairs', "usb")
        pairs = []
        for pair in value:
            if (not isinstance(pair, list) or len(pair) != 2
                    or not all(isinstance(x, str) and _USB_ID.match(x) for x in pair)):
                self.fail(f'usb ids must be pairs of hex strings like ["0x2e8a", "0x0005"] (not {pair!r})', "usb")
            pairs.append((int(pair[0], 16), int(pair[1], 16)))
        return tuple(pairs)

    def _fs(self, data: dict) -> FsLayout:
        table = data.get("fs")
        if not isinstance(table, dict):
            self.fail("missing [fs] table (kind = \"littlefs2\" | \"microbit\" | \"host\")")
        self._unknown(table, self.FS_KEYS, "[fs]")
        return FsLayout(kind=self._str(table, "kind", True, "[fs]", FS_KINDS),
                        offset=self._int(table, "offset", False, "[fs]"),
                        size=self._int(table, "size", False, "[fs]"),
                        block_size=self._int(table, "block_size", False, "[fs]", minimum=1))

    def _releases(self, data: dict, method: str) -> tuple[Release, ...]:
        entries = data.get("firmware")
        if not isinstance(entries, list) or not entries:
            self.fail("needs at least one [[firmware]] release")
        releases = []
        seen = set()
        for n, table in enumerate(entries, 1):
            where = f"[[firmware]] #{n}"
            if not isinstance(table, dict):
                self.fail("each firmware entry must be a table", where=where)
            self._unknown(table, self.RELEASE_KEYS, where)
            fmt = self._str(table, "format", True, where, FORMATS)
            if fmt not in METHOD_FORMATS[method]:
                self.fail(f"format '{fmt}' cannot be flashed by method '{method}' "
                          f"(use {', '.join(METHOD_FORMATS[method])})", where=where)
            sha = self._str(table, "sha256", False, where)
            if sha is not None and not _SHA256.match(sha):
                self.fail("sha256 must be 64 lowercase hex digits", where=where)
            url = self._str(table, "url", True, where)
            if not re.match(r"^(https?|file|npm):", url):
                self.fail(f"url must be http(s)://, file:// or npm: (not '{url}')", where=where)
            release = Release(flavour=self._str(table, "flavour", True, where, FLAVOURS),
                              version=self._str(table, "version", True, where),
                              url=url, format=fmt,
                              size=self._int(table, "size", False, where, minimum=1),
                              sha256=sha,
                              offset=self._int(table, "offset", False, where) or 0)
            if (release.flavour, release.version) in seen:
                self.fail(f"{release.flavour} {release.version} is listed twice", where=where)
            seen.add((release.flavour, release.version))
            releases.append(release)
        return tuple(releases)


# ---------------------------------------------------------------- look-ups

def get_board(board_id: str) -> Board:
    boards = load_boards()
    if board_id in boards:
        return boards[board_id]
    raise UsageError(f"unknown board '{board_id}'", hint=f"known boards: {', '.join(boards)}")


def boards_for_usb(vid: int, pid: int) -> list[Board]:
    return [b for b in load_boards().values() if (vid, pid) in b.usb]


# ---------------------------------------------------------------- docs/boards.md

def size_text(n: int | None) -> str:
    """4194304 -> "4 MB", 16384 -> "16 KB" (binary units, as datasheets write them)."""
    if not n:
        return "—"
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def boards_markdown(boards: dict[str, Board]) -> str:
    """The content of docs/boards.md (generated: `boardkit boards --markdown > docs/boards.md`)."""
    out = [
        "# Boards",
        "",
        "<!-- Generated from boards/*.toml by `boardkit boards --markdown`; do not edit by hand. -->",
        "",
        "The boards boardkit knows. Each row is one file under `boards/`; adding a board is adding a file",
        "(see [boards-and-firmware.md](boards-and-firmware.md)).",
        "",
        "| id | name | chip | method | flash | RAM | filesystem | USB VID:PID |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for b in boards.values():
        fs = b.fs.kind
        if b.fs.offset is not None and b.fs.size is not None:
            fs += f" at {b.fs.offset:#x}, {size_text(b.fs.size)}"
        usb = ", ".join(f"{vid:04x}:{pid:04x}" for vid, pid in b.usb) or "—"
        out.append(f"| `{b.id}` | {b.name} | {b.chip} | {b.method} | {size_text(b.flash_size)} "
                   f"| {size_text(b.ram_size)} | {fs} | {usb} |")
    out += [
        "",
        "## Firmware",
        "",
        "`pinned` is a SHA-256 in the board's file; `on first download` means the hash is recorded in",
        "the lock file the first time the image is fetched (trust on first use).",
        "",
        "| board | flavour | version | format | offset | SHA-256 | source |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for b in boards.values():
        for r in sorted(b.releases, key=lambda r: (r.flavour, version_key(r.version)), reverse=True):
            pin = f"pinned `{r.sha256[:12]}…`" if r.sha256 else ("npm lock" if r.url.startswith("npm:")
                                                                 else "on first download")
            offset = f"{r.offset:#x}" if r.format == "esp-bin" else "—"
            out.append(f"| `{b.id}` | {r.flavour} | {r.version} | {r.format} | {offset} | {pin} | {r.url} |")
    return "\n".join(out) + "\n"
