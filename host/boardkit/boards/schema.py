"""The board file schema: one TOML file checked key by key, every error naming the file
(and the line when found).

Names come from their registries, not from lists here: flash methods from
boardkit.flash.FLASHERS (each flasher says which image formats it writes and which board
fields it needs), image formats from boardkit.firmware.formats.IMAGE_FORMATS, virtual
board kinds from boardkit.virtual.kinds, chips from boardkit.chips.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from boardkit.boards.model import Board, FsLayout, Release
from boardkit.chips import CHIPS
from boardkit.errors import InvalidInput

FLAVOURS = ("micropython", "circuitpython")
FS_KINDS = ("littlefs2", "microbit", "host")

_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_USB_ID = re.compile(r"^0x[0-9a-fA-F]{1,4}$")
_MPY = re.compile(r"^\d+(\.\d+)?$")


def methods() -> list[str]:
    """The flash methods a board file may name (the registered flashers)."""
    from boardkit.flash import FLASHERS

    return FLASHERS.names()


def virtual_kinds() -> list[str]:
    """The virtual board kinds a board file may name (boardkit.virtual.kinds.VIRTUAL_KINDS)."""
    from boardkit.virtual.kinds import kind_names

    return kind_names()


def formats() -> list[str]:
    """The image formats a release may name (the registered formats)."""
    from boardkit.firmware.formats import IMAGE_FORMATS

    return IMAGE_FORMATS.names()


def load_board_file(path: Path) -> Board:
    """One board file, parsed and validated; InvalidInput naming the file and what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path.name}: cannot read it ({exc})", hint=f"fix or remove {path}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)"
        raise InvalidInput(f"{path.name}: not valid TOML: {exc}", hint=f"fix {path}") from None
    return BoardFileValidator(path, text).board(data)


class BoardFileValidator:
    """Checks one parsed file against the schema; every error names the file (and the line when found)."""

    TOP_KEYS = frozenset(
        {
            "id",
            "name",
            "vendor",
            "chip",
            "flash_size",
            "ram_size",
            "usb",
            "method",
            "drive_label",
            "uf2_family",
            "virtual_kind",
            "mpy",
            "fs",
            "firmware",
        }
    )
    FS_KEYS = frozenset({"kind", "offset", "size", "block_size"})
    RELEASE_KEYS = frozenset({"flavour", "version", "url", "size", "sha256", "format", "offset"})

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def fail(self, what: str, key: str | None = None, where: str = "") -> NoReturn:
        line = self._line_of(key) if key and not where else None
        place = f"{self.path.name}" + (f" line {line}" if line else "") + (f" {where}" if where else "")
        raise InvalidInput(f"{place}: {what}", hint=f"fix {self.path} (fields: docs/boards-and-firmware.md)")

    def _line_of(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines, 1):
            if pattern.match(line):
                return number
        return None

    def _flasher(self, method: str) -> Any:
        from boardkit.flash import get_flasher

        return get_flasher(method)

    # typed getters ----------------------------------------------------------
    def _str(
        self, table: dict[str, Any], key: str, required: bool, where: str = "", choices: Iterable[str] | None = None
    ) -> str | None:
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

    def _need(self, table: dict[str, Any], key: str, where: str = "", choices: Iterable[str] | None = None) -> str:
        """A required string (fail() when it is missing, so never None)."""
        value = self._str(table, key, True, where, choices)
        if value is None:
            self.fail(f"missing required key '{key}'", where=where)
        return value

    def _need_int(self, table: dict[str, Any], key: str, where: str = "", minimum: int = 0) -> int:
        """A required integer."""
        value = self._int(table, key, True, where, minimum)
        if value is None:
            self.fail(f"missing required key '{key}'", where=where)
        return value

    def _int(self, table: dict[str, Any], key: str, required: bool, where: str = "", minimum: int = 0) -> int | None:
        if key not in table:
            if required:
                self.fail(f"missing required key '{key}'", where=where)
            return None
        value = table[key]
        if isinstance(value, str) and re.fullmatch(r"0[xX][0-9a-fA-F]+", value.strip()):
            value = int(value.strip(), 16)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f'{key} must be an integer (or a "0x..." string)', key, where)
        if value < minimum:
            self.fail(f"{key} must be at least {minimum}", key, where)
        return value

    def _unknown(self, table: dict[str, Any], allowed: frozenset[str], where: str = "") -> None:
        extra = sorted(set(table) - allowed)
        if extra:
            self.fail(f"unknown key '{extra[0]}' (allowed: {', '.join(sorted(allowed))})", extra[0], where)

    # the schema -------------------------------------------------------------
    def board(self, data: dict[str, Any]) -> Board:
        self._unknown(data, self.TOP_KEYS)
        board_id = self._need(data, "id")
        if not _ID.match(board_id):
            self.fail(f"id '{board_id}' must be snake_case (a-z, 0-9, _)", "id")
        if board_id != self.path.stem:
            self.fail(f"id '{board_id}' must equal the file name ('{self.path.stem}')", "id")
        method = self._need(data, "method", choices=methods())
        chip = self._need(data, "chip", choices=list(CHIPS))
        board = Board(
            id=board_id,
            name=self._need(data, "name"),
            vendor=self._need(data, "vendor"),
            chip=chip,
            flash_size=self._need_int(data, "flash_size"),
            ram_size=self._need_int(data, "ram_size", minimum=1),
            method=method,
            usb=self._usb(data),
            fs=self._fs(data),
            releases=self._releases(data, method),
            drive_label=self._str(data, "drive_label", False),
            uf2_family=self._int(data, "uf2_family", False),
            virtual_kind=self._str(data, "virtual_kind", False, choices=virtual_kinds()),
            mpy=self._str(data, "mpy", False),
            path=self.path,
        )
        if board.mpy is not None and not _MPY.match(board.mpy):
            self.fail(f"mpy must look like \"6.3\" (not '{board.mpy}')", "mpy")
        for field, why in self._flasher(method).board_fields.items():
            if getattr(board, field, None) is None:
                self.fail(f"a {method} board needs {field} ({why})")
        return board

    def _usb(self, data: dict[str, Any]) -> tuple[tuple[int, int], ...]:
        value = data.get("usb", [])
        if not isinstance(value, list):
            self.fail('usb must be a list of ["0xVID", "0xPID"] pairs', "usb")
        pairs = []
        for pair in value:
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(x, str) and _USB_ID.match(x) for x in pair)
            ):
                self.fail(f'usb ids must be pairs of hex strings like ["0x2e8a", "0x0005"] (not {pair!r})', "usb")
            pairs.append((int(pair[0], 16), int(pair[1], 16)))
        return tuple(pairs)

    def _fs(self, data: dict[str, Any]) -> FsLayout:
        table = data.get("fs")
        if not isinstance(table, dict):
            self.fail('missing [fs] table (kind = "littlefs2" | "microbit" | "host")')
        self._unknown(table, self.FS_KEYS, "[fs]")
        return FsLayout(
            kind=self._need(table, "kind", "[fs]", FS_KINDS),
            offset=self._int(table, "offset", False, "[fs]"),
            size=self._int(table, "size", False, "[fs]"),
            block_size=self._int(table, "block_size", False, "[fs]", minimum=1),
        )

    def _releases(self, data: dict[str, Any], method: str) -> tuple[Release, ...]:
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
            fmt = self._need(table, "format", where, formats())
            takes = self._flasher(method).formats
            if fmt not in takes:
                self.fail(
                    f"format '{fmt}' cannot be flashed by method '{method}' (use {', '.join(takes)})", where=where
                )
            sha = self._str(table, "sha256", False, where)
            if sha is not None and not _SHA256.match(sha):
                self.fail("sha256 must be 64 lowercase hex digits", where=where)
            url = self._need(table, "url", where)
            if not re.match(r"^(https?|file|npm):", url):
                self.fail(f"url must be http(s)://, file:// or npm: (not '{url}')", where=where)
            release = Release(
                flavour=self._need(table, "flavour", where, FLAVOURS),
                version=self._need(table, "version", where),
                url=url,
                format=fmt,
                size=self._int(table, "size", False, where, minimum=1),
                sha256=sha,
                offset=self._int(table, "offset", False, where) or 0,
            )
            if (release.flavour, release.version) in seen:
                self.fail(f"{release.flavour} {release.version} is listed twice", where=where)
            seen.add((release.flavour, release.version))
            releases.append(release)
        return tuple(releases)
