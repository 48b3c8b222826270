"""`fleet scan --labgrid`: the labgrid coordinator's places as boards to seat.

Each place with a serial port becomes a seat `url = "labgrid://PLACE"` (with
`?coordinator=HOST:PORT` when the coordinator was named on the command line, so the roster
works without $LG_COORDINATOR), named after the place. Its board type comes from the place's
`board` tag (labgrid-client -p PLACE set-tags board=microbit_v1) when that is a board
boardkit knows, else from --board, else "?" for the teacher to fill in.
"""

from __future__ import annotations

import fnmatch
from urllib.parse import quote

from boardkit.fleet.scan import UNKNOWN_BOARD, Attached
from boardkit.links.labgrid_coordinator import Coordinator, PlaceInfo


def place_url(place: str, coordinator: str | None = None) -> str:
    """labgrid://PLACE, with ?coordinator= when one is given."""
    url = f"labgrid://{quote(place, safe='')}"
    return f"{url}?coordinator={coordinator}" if coordinator else url


def matches(place: PlaceInfo, pattern: str | None) -> bool:
    """Does the place's name match PATTERN (shell wildcards; without any, a part of the name)?"""
    if not pattern:
        return True
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(place.name, pattern)
    return pattern in place.name


def places_to_seat(
    coordinator: str | None = None, pattern: str | None = None, default_board: str | None = None
) -> tuple[list[Attached], list[str]]:
    """(the places that can be seats, the names of matching places without a serial port)."""
    from boardkit.boards import load_boards

    known_boards = load_boards()
    found: list[Attached] = []
    portless: list[str] = []
    for place in Coordinator.shared(coordinator).places():
        if not matches(place, pattern):
            continue
        if place.serial is None and not place.matches:
            portless.append(place.name)
            continue
        tagged = place.tags.get("board", "")
        board = tagged if tagged in known_boards else default_board or UNKNOWN_BOARD
        comment = place.comment or ("set board = (see `boardkit boards`)" if board == UNKNOWN_BOARD else "")
        url = place_url(place.name, coordinator)
        found.append(Attached(url, board, "url", url, comment, name=place.name))
    return found, portless
