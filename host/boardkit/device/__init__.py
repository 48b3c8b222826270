"""One board, driven through the raw REPL: `Device` and what it reports.

session.py    Device: exec/eval, resets, lifetime (the session)
probe.py      Capabilities: what the board is and can do, asked once
helpers.py    boardkit's helpers on the board, with the out-of-memory and garbled-code recoveries
resident.py   the helpers kept on the board between sessions (flash or RAM), versioned
board_cache.py what the host remembers of a board (capabilities, listings), checked by the board
remote_fs.py  files on the board (RemoteFiles, FileEntry, TMP_SUFFIX, hashes)
errors.py     the board's errors in words (tracebacks, errno tables)
"""

from __future__ import annotations

from boardkit.device.errors import file_error, remote_error
from boardkit.device.helpers import (
    GARBLED_RETRIES,
    SMALL_BOARD_FUNCTIONS,
    HelperLoader,
)
from boardkit.device.probe import Capabilities, small_heap
from boardkit.device.remote_fs import (
    MICROBIT_NAME_MAX,
    TMP_SUFFIX,
    FileEntry,
    Progress,
    RemoteFiles,
    content_hash,
    listing_hash,
)
from boardkit.device.session import Device
from boardkit.repl import GARBLED_TYPES

__all__ = [
    "GARBLED_RETRIES",
    "GARBLED_TYPES",
    "MICROBIT_NAME_MAX",
    "SMALL_BOARD_FUNCTIONS",
    "TMP_SUFFIX",
    "Capabilities",
    "Device",
    "FileEntry",
    "HelperLoader",
    "Progress",
    "RemoteFiles",
    "content_hash",
    "file_error",
    "listing_hash",
    "remote_error",
    "small_heap",
]
