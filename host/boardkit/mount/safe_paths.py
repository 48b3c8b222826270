"""Where a path the board asks for lands in the mounted folder, or why it is refused.

This is a security boundary: the program on the board is not trusted with the rest of the
computer. A board path is taken apart lexically ("." and empty parts dropped, ".." taking
one part back), must never climb above the folder, and, unless unsafe links were allowed,
must still be inside the folder once every symbolic link on the way is resolved. The
board's own code never normalises paths for us: whatever it sends is judged here.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

MAX_PATH = 1024  # longer board paths are refused outright


class PathRefused(Exception):
    """The board asked for a path outside the mounted folder (or one no folder can hold)."""

    def __init__(self, path: str, why: str, code: int = errno.EACCES) -> None:
        super().__init__(f"{path!r}: {why}")
        self.path = path
        self.why = why
        self.errno = code


class FolderRoot:
    """The mounted folder: turns board paths into host paths inside it."""

    def __init__(self, folder: Path, unsafe_links: bool = False) -> None:
        self.folder = Path(os.path.abspath(folder))
        self.real = os.path.realpath(self.folder)
        self.unsafe_links = unsafe_links

    def parts(self, board_path: str) -> list[str]:
        """The path's parts below the folder, lexically; PathRefused if it climbs out."""
        if not isinstance(board_path, str) or len(board_path) > MAX_PATH or "\x00" in board_path:
            raise PathRefused(str(board_path)[:80], "not a path", errno.EINVAL)
        stack: list[str] = []
        for part in board_path.split("/"):
            if part in ("", "."):
                continue
            if part == "..":
                if not stack:
                    raise PathRefused(board_path, "climbs out of the mounted folder")
                stack.pop()
                continue
            if _foreign_separator(part):
                raise PathRefused(board_path, "holds a separator this computer would follow")
            stack.append(part)
        return stack

    def resolve(self, board_path: str) -> Path:
        """The host path for a board path, checked to stay inside the folder."""
        target = self.folder.joinpath(*self.parts(board_path))
        if not self.unsafe_links and not self.inside(target):
            raise PathRefused(board_path, "a symbolic link leads out of the mounted folder")
        return target

    def inside(self, target: Path) -> bool:
        """Is target, with every link on the way resolved, the folder or below it?"""
        real = os.path.realpath(target)
        return real == self.real or real.startswith(self.real.rstrip(os.sep) + os.sep)


def _foreign_separator(part: str) -> bool:
    # On Windows "a\\b" and "c:" mean something the board did not say.
    return (
        (os.sep != "/" and os.sep in part)
        or (os.altsep not in (None, "/") and str(os.altsep) in part)
        or (os.name == "nt" and ":" in part)
    )
