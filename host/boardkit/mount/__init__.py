"""`boardkit mount`: a folder on the computer, seen by the board as /remote while connected.

protocol.py   the wire format shared with lib/bk_mount.py (the board's VFS)
safe_paths.py where a board path lands in the folder, or why it is refused (the boundary)
server.py     FolderServer: answers the board's requests from the folder
handles.py    the files the board has open, by handle (readers are a path and a position)
link.py       MountedLink: a Link that serves requests as it reads, for RawRepl and Terminal
board.py      the board's side, from the host: can it mount, mount, unmount
"""

from __future__ import annotations

from boardkit.mount.link import MountedLink
from boardkit.mount.server import FolderServer, ServeStats

__all__ = ["FolderServer", "MountedLink", "ServeStats"]
