"""The board catalogue: one TOML file per board under boards/, validated as it loads.

A board is data (chip, USB ids, flash method, memory, filesystem layout, pinned firmware);
code is written per chip family and per flash method, never per board. See
docs/boards-and-firmware.md for the fields.

    model.py      Board, Release, FsLayout (the data)
    schema.py     a board file checked against the schema and the registries
    catalogue.py  load_boards, get_board, boards_for_usb (where the files are, look-ups)
    markdown.py   docs/boards.md
"""

from __future__ import annotations

from boardkit.boards.catalogue import boards_dir, boards_for_usb, get_board, load_boards
from boardkit.boards.markdown import boards_markdown, size_text
from boardkit.boards.model import Board, FsLayout, Release, version_key
from boardkit.boards.schema import FLAVOURS, FS_KINDS, BoardFileValidator, load_board_file

__all__ = [
    "FLAVOURS",
    "FS_KINDS",
    "Board",
    "BoardFileValidator",
    "FsLayout",
    "Release",
    "boards_dir",
    "boards_for_usb",
    "boards_markdown",
    "get_board",
    "load_board_file",
    "load_boards",
    "size_text",
    "version_key",
]
