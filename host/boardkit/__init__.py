"""boardkit: one toolkit for MicroPython and CircuitPython boards.

The whole public API is `boardkit.api` (see docs/api.md); its functions are importable from
here too, each loading its module on first use, so `import boardkit` (and `boardkit --help`)
stays quick. `sync` (and `flash`) are the exception: boardkit.sync and boardkit.flash are the
modules underneath, so those functions are reached as boardkit.api.sync / boardkit.api.flash.
"""

from __future__ import annotations

import importlib
from typing import Any

from boardkit.errors import (
    AuthError,
    BoardHung,
    BoardkitError,
    DeviceError,
    InvalidInput,
    LinkError,
    LinkTimeout,
    NoMicroPython,
    PortBusy,
    PortNotFound,
    RemoteError,
    RemoteFileError,
    ReplError,
    SyncError,
    UnsupportedOnBoard,
    VirtualBoardError,
)

__version__ = "0.1.0"

# boardkit.api's functions, reachable from the top (boardkit.api.sync and .flash are not:
# boardkit.sync and boardkit.flash are modules of their own)
_API_NAMES = (
    "devices",
    "connect",
    "info",
    "exec_code",
    "run",
    "reset",
    "hard_reset",
    "put",
    "get",
    "cat",
    "ls",
    "rm",
    "mkdir",
    "cp",
    "push",
    "pull",
    "run_suite",
    "run_tests",
    "check",
    "SuiteReport",
    "CheckReport",
    "resolve_board",
    "prepare_image",
    "build_kit",
    "FlashResult",
    "FlashTarget",
    "KitResult",
    "BoardInfo",
    "RunResult",
    "Copied",
    "TransferResult",
)

# public name -> the module that defines it (imported on first use)
_LAZY: dict[str, str] = {
    **dict.fromkeys(_API_NAMES, "boardkit.api"),
    "api": "boardkit.api",
    "Device": "boardkit.device",
    "CredentialsProvider": "boardkit.links",
    "open_link": "boardkit.links",
}

__all__ = [
    *_LAZY,
    # errors
    "BoardkitError",
    "LinkError",
    "AuthError",
    "PortNotFound",
    "PortBusy",
    "LinkTimeout",
    "ReplError",
    "NoMicroPython",
    "BoardHung",
    "DeviceError",
    "RemoteError",
    "RemoteFileError",
    "UnsupportedOnBoard",
    "SyncError",
    "VirtualBoardError",
    "InvalidInput",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'boardkit' has no attribute {name!r}")
    imported = importlib.import_module(module)
    value = imported if module == f"boardkit.{name}" else getattr(imported, name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
