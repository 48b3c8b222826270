"""The classroom roster (classroom.toml): seats, each with its board and a way to find it.

    [class]
    name = "Year 8, Tuesday"

    [seats.alice]
    board = "microbit_v1"          # a boards/ id
    serial = "9900000037024e450034200b0000003b0000000097969901"

    [seats."table 3"]
    board = "esp32_generic"
    usb_path = "1-1.4"             # CH340 adapters have no serial number

    [seats.bob]
    board = "virtual_wasm"
    url = "rfc2217://lab-pc:4001"  # a board on another computer (ser2net)

    [seats.carol]
    board = "virtual_wasm"
    url = "labgrid://pupil3"       # a labgrid place (coordinator: $LG_COORDINATOR or ?coordinator=)

A seat finds its board by exactly one of: serial (USB serial number), usb_path (USB
location), port (/dev/ttyACM0, COM3), url (socket://, rfc2217://, ws://,
labgrid://) or virtual (a
virtual board's name). Mistakes are reported with the line they are on.
"""

from __future__ import annotations

import difflib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from boardkit.errors import InvalidInput

ROSTER_NAME = "classroom.toml"
FINDERS = ("serial", "usb_path", "port", "url", "virtual")
SEAT_KEYS = ("board", "pupil", "note", *FINDERS)
URL_SCHEMES = ("socket", "rfc2217", "ws", "labgrid")
# A seat name becomes a folder (collect: out/SEAT/) and a label on the board.
_SEAT_PUNCTUATION = set(" _-.'")
_VIRTUAL_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


@dataclass(frozen=True)
class Seat:
    name: str
    board: str  # a boards/ id
    finder: str  # which of FINDERS locates the board
    value: str  # its value
    pupil: str = ""
    line: int = 0  # where its table starts in the roster (0: not from a file)

    @property
    def identity(self) -> tuple[str, str]:
        return self.finder, self.value

    def describe(self) -> str:
        """How the board is found, in a few words: "serial 9900…", "rfc2217://lab:4001"."""
        if self.finder in ("url", "port"):
            return self.value
        return f"{self.finder.replace('_', ' ')} {self.value}"


@dataclass
class Roster:
    path: Path
    seats: list[Seat] = field(default_factory=list)
    class_name: str = ""

    def names(self) -> list[str]:
        return [s.name for s in self.seats]

    def select(self, only: list[str] | None) -> list[Seat]:
        """The seats named in only (all when None or empty); unknown names are InvalidInput."""
        if not only:
            return list(self.seats)
        by_name = {s.name: s for s in self.seats}
        folded = {s.name.casefold(): s for s in self.seats}
        chosen, unknown = [], []
        for name in only:
            seat = by_name.get(name) or folded.get(name.casefold())
            if seat is None:
                unknown.append(name)
            elif seat not in chosen:
                chosen.append(seat)
        if unknown:
            close = difflib.get_close_matches(unknown[0], self.names(), n=3)
            raise InvalidInput(
                f"no seat named {', '.join(repr(u) for u in unknown)} in {self.path}",
                hint=f"did you mean {', '.join(close)}?" if close else f"the seats are: {', '.join(self.names()[:12])}",
            )
        return chosen

    @property
    def state_path(self) -> Path:
        """Where the last run's results are kept (for --retry-failed): beside the roster."""
        return self.path.with_name("." + self.path.stem + "-state.json")


class RosterError(InvalidInput):
    """The roster has mistakes; .problems lists each as "FILE:LINE: what is wrong"."""

    def __init__(self, path: Path, problems: list[str]):
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(problems[0] + more, hint=f"fix {path} and run the command again")
        self.path = path
        self.problems = problems


def load_roster(path: Path) -> Roster:
    """Read and check a roster; RosterError lists every mistake with its line number."""
    from boardkit.local_files import read_regular

    if not path.exists():
        raise InvalidInput(
            f"no roster at {path}",
            hint="create one with `boardkit fleet scan` (it lists the boards attached), or give --roster FILE",
        )
    try:
        text = read_regular(path).decode("utf-8")
    except FileNotFoundError:
        raise InvalidInput(
            f"no roster at {path}",
            hint="create one with `boardkit fleet scan` (it lists the boards attached), or give --roster FILE",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    return parse_roster(text, path)


def parse_roster(text: str, path: Path = Path(ROSTER_NAME)) -> Roster:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RosterError(path, [_syntax_problem(path, exc)]) from None
    finder = _LineFinder(text)
    problems: list[str] = []

    def problem(line: int, message: str) -> None:
        problems.append(f"{path}:{line}: {message}" if line else f"{path}: {message}")

    for key in data:
        if key not in ("class", "seats"):
            problem(finder.top_level(key), f"unknown section {key!r} (a roster has [class] and [seats.NAME] tables)")
    class_table = data.get("class", {})
    if not isinstance(class_table, dict):
        problem(finder.top_level("class"), "class must be a table: [class]")
        class_table = {}
    seats_table = data.get("seats", {})
    if not isinstance(seats_table, dict):
        problem(finder.top_level("seats"), "seats must be tables: [seats.alice]")
        seats_table = {}
    if not seats_table and not problems:
        problem(0, "no seats: add a [seats.NAME] table per board (or run `boardkit fleet scan`)")
    known_boards = _known_boards()
    seats: list[Seat] = []
    folders: dict[str, str] = {}
    owners: dict[tuple[str, str], str] = {}
    for name, entry in seats_table.items():
        line = finder.seat(name)
        if not isinstance(entry, dict):
            problem(line, f"seat {name!r} must be a table, e.g. [seats.{_key(name)}] with board = ... below it")
            continue
        bad_name = seat_name_problem(name)
        if bad_name:
            problem(line, f"seat {name!r}: {bad_name}")
        folded = name.casefold()
        if folded in folders:
            problem(
                line,
                f"seat {name!r} is the same name as seat {folders[folded]!r} "
                f"(their collected work would share one folder)",
            )
        folders.setdefault(folded, name)
        for key, value in entry.items():
            if key not in SEAT_KEYS:
                close = difflib.get_close_matches(key, SEAT_KEYS, n=1)
                problem(
                    finder.key(name, key),
                    f"seat {name!r}: unknown setting {key!r}"
                    + (f" (did you mean {close[0]!r}?)" if close else f"; settings are {', '.join(SEAT_KEYS)}"),
                )
            elif not isinstance(value, str):
                problem(finder.key(name, key), f"seat {name!r}: {key} must be a string in quotes")
        board = entry.get("board")
        if board is None:
            problem(line, f'seat {name!r} has no board type: add board = "microbit_v1" (see `boardkit boards`)')
        elif isinstance(board, str) and board not in known_boards:
            close = difflib.get_close_matches(board, known_boards, n=2)
            problem(
                finder.key(name, "board"),
                f"seat {name!r}: unknown board type {board!r}"
                + (f" (did you mean {' or '.join(close)}?)" if close else " (see `boardkit boards`)"),
            )
        given = [k for k in FINDERS if k in entry]
        if not given:
            problem(
                line, f"seat {name!r} has no way to find its board: give one of serial, usb_path, port, url or virtual"
            )
            continue
        if len(given) > 1:
            problem(finder.key(name, given[1]), f"seat {name!r}: give only one of {', '.join(given)}")
            continue
        how, value = given[0], entry[given[0]]
        if not isinstance(value, str) or not isinstance(board, str):
            continue
        bad_value = _finder_problem(how, value)
        if bad_value:
            problem(finder.key(name, how), f"seat {name!r}: {bad_value}")
            continue
        identity = (how, value)
        if identity in owners:
            problem(
                finder.key(name, how),
                f"seat {name!r} uses the same board as seat {owners[identity]!r} ({how} = {value!r})",
            )
            continue
        owners[identity] = name
        pupil = entry.get("pupil", "")
        seats.append(Seat(name, board, how, value, pupil if isinstance(pupil, str) else "", line))
    if problems:
        raise RosterError(path, problems)
    name = class_table.get("name", "")
    return Roster(path, seats, name if isinstance(name, str) else "")


def seat_name_problem(name: str) -> str | None:
    """Why this cannot be a seat name (it must be a safe folder name), or None."""
    if not name or len(name) > 64:
        return "a seat name has 1 to 64 characters"
    if name[0] in ". -" or name[-1] in ". ":
        return "a seat name cannot start with '.', '-' or a space, nor end with '.' or a space"
    bad = sorted({ch for ch in name if not (ch.isalnum() or ch in _SEAT_PUNCTUATION)})
    if bad:
        return f"a seat name is letters, digits, spaces and _ - . ' only (not {' '.join(repr(c) for c in bad)})"
    return None


def _finder_problem(how: str, value: str) -> str | None:
    if not value.strip():
        return f"{how} is empty"
    if how == "url":
        scheme = value.split("://", 1)[0].lower() if "://" in value else ""
        if scheme not in URL_SCHEMES:
            return (
                f"url {value!r} is not a network URL (socket://HOST:PORT, rfc2217://HOST:PORT, "
                f"ws://HOST:PORT or labgrid://PLACE); a local board is port = ..., a virtual board virtual = ..."
            )
    if how == "virtual" and not _VIRTUAL_NAME.match(value):
        return f"{value!r} is not a virtual board name (like wasm1; see `boardkit virtual list`)"
    return None


def _known_boards() -> list[str]:
    from boardkit.boards import load_boards

    return sorted(load_boards())


def _syntax_problem(path: Path, exc: tomllib.TOMLDecodeError) -> str:
    text = str(exc)
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)", text)
    if found:
        what = text[: found.start()] + text[found.end() :]
        return f"{path}:{found.group(1)}:{found.group(2)}: {what.strip()} (TOML syntax)"
    return f"{path}: {text.replace('(at end of document)', 'at the end of the file').strip()} (TOML syntax)"


class _LineFinder:
    """Line numbers for semantic mistakes: tomllib keeps none, so search the text."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def _first(self, pattern: re.Pattern[str], start: int = 0, stop: int | None = None) -> int:
        for index in range(start, len(self.lines) if stop is None else stop):
            if pattern.match(self.lines[index]):
                return index + 1
        return 0

    def top_level(self, key: str) -> int:
        k = _key_pattern(key)
        return self._first(re.compile(rf"^\s*(\[\[?\s*{k}\s*[\].]|{k}\s*[=.])"))

    def seat(self, name: str) -> int:
        k = _key_pattern(name)
        return (
            self._first(re.compile(rf"^\s*\[\s*seats\s*\.\s*{k}\s*\]"))
            or self._first(re.compile(rf"^\s*(seats\s*\.\s*)?{k}\s*[=.]"))
            or self._first(re.compile(rf".*{re.escape(name)}"))
        )

    def key(self, name: str, key: str) -> int:
        start = self.seat(name)
        if not start:
            return 0
        header = self.lines[start - 1]
        k = _key_pattern(key)
        if "{" in header:  # an inline table: the key is on this line
            return start
        # the seat's section runs until the next table header
        stop = next(
            (i for i in range(start, len(self.lines)) if self.lines[i].lstrip().startswith("[")), len(self.lines)
        )
        return self._first(re.compile(rf"^\s*{k}\s*="), start, stop) or start


def _key_pattern(key: str) -> str:
    escaped = re.escape(key)
    quoted = re.escape(json.dumps(key, ensure_ascii=False))
    return rf"(?:{escaped}|{quoted}|'{escaped}')"


def _key(name: str) -> str:
    """A TOML key: bare where it can be, quoted otherwise."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name, ensure_ascii=False)


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escapes are all valid TOML)."""
    return json.dumps(value, ensure_ascii=False)


def seat_table(seat: Seat, comment: str = "") -> str:
    """The TOML text of one seat, as scan appends it."""
    lines = [f"[seats.{_key(seat.name)}]"]
    if comment:
        lines.insert(0, f"# {comment}")
    lines.append(f"board = {toml_string(seat.board)}")
    lines.append(f"{seat.finder} = {toml_string(seat.value)}")
    if seat.pupil:
        lines.append(f"pupil = {toml_string(seat.pupil)}")
    return "\n".join(lines) + "\n"
