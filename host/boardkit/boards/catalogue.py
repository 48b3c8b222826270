"""The board catalogue: every boards/*.toml, loaded and validated; look-ups by id and USB id."""

from __future__ import annotations

from pathlib import Path

from boardkit.boards.model import Board
from boardkit.boards.schema import load_board_file
from boardkit.errors import InvalidInput


def boards_dir() -> Path:
    """The shipped catalogue (paths.boards_dir); BOARDKIT_BOARDS overrides it (a private catalogue, tests)."""
    from boardkit import paths

    return paths.boards_dir()


def load_boards(root: Path | None = None) -> dict[str, Board]:
    """Every boards/*.toml, validated. A bad file raises InvalidInput naming the file and what is wrong."""
    root = boards_dir() if root is None else Path(root)
    if not root.is_dir():
        raise InvalidInput(
            f"no board catalogue at {root}",
            hint="BOARDKIT_BOARDS names a folder that is not there; fix it, or unset it",
        )
    boards: dict[str, Board] = {}
    for path in sorted(root.glob("*.toml")):
        board = load_board_file(path)
        boards[board.id] = board
    return boards


def get_board(board_id: str) -> Board:
    """The board with this id; InvalidInput naming the known ones if there is none."""
    boards = load_boards()
    if board_id in boards:
        return boards[board_id]
    raise InvalidInput(f"unknown board '{board_id}'", hint=f"known boards: {', '.join(boards)}")


def boards_for_usb(vid: int, pid: int) -> list[Board]:
    """The boards that show these USB ids (several boards may share a USB-serial bridge)."""
    return [b for b in load_boards().values() if (vid, pid) in b.usb]
