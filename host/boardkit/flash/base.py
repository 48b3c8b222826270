"""What every flasher is: a class that is mostly data (its method name, the image formats it
writes, what target it needs, the board fields it relies on) and one `flash` method.

    class MyFlasher(Flasher):
        method = "jtag"
        formats = ("hex",)
        needs = "port"
        def flash(self, board, image, target, *, erase=False, files=None, progress=None) -> dict: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from boardkit.errors import InvalidInput

if TYPE_CHECKING:
    from boardkit.boards import Board

Progress = Callable[[int, int], None]


@dataclass
class FlashTarget:
    """Where the image goes: a port for serial methods and the banner check, a drive, a virtual board."""

    port: str | None = None
    drive: Path | None = None
    virtual_name: str | None = None


class Flasher:
    """One flash method. Subclasses set the class data and implement `flash`.

    needs: "port" (a serial port, required), "drive" (a USB drive, found by its label when
    not given; the port, if any, is where the banner is awaited), or "virtual" (a running
    virtual board, by name).
    board_fields: Board attributes a board file of this method must set -> why (for messages).
    """

    method: ClassVar[str] = ""
    formats: ClassVar[tuple[str, ...]] = ()
    needs: ClassVar[str] = "port"
    board_fields: ClassVar[dict[str, str]] = {}
    target_hint: ClassVar[str] = "give -p PORT"

    def target(self, port: str | None = None, drive: Path | None = None) -> FlashTarget:
        """The target for what the user gave (a virtual flasher maps -p to a board name)."""
        return FlashTarget(port=port, drive=drive)

    def check_target(self, board: Board, target: FlashTarget) -> None:
        """InvalidInput if the target lacks what this method needs."""
        if self.needs == "port" and not target.port:
            raise InvalidInput(f"flashing {board.name} needs its serial port", hint=self.target_hint)
        if self.needs == "virtual" and not target.virtual_name:
            raise InvalidInput(f"which virtual board? {board.name} is flashed by name", hint=self.target_hint)

    def flash(
        self,
        board: Board,
        image: Path | None,
        target: FlashTarget,
        *,
        erase: bool = False,
        files: dict[str, bytes] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Write `image` to the board; return a summary (JSON-able). Raise FlashError when it fails."""
        raise NotImplementedError
