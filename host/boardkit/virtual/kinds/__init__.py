"""Virtual board kinds: a lazy name -> Backend table (boardkit.registry.Registry).

    kind_names()            ["microbit", "wasm", ...]: what `boardkit virtual start KIND` takes
    backend("wasm")         the Backend (kinds/base.py) that runs one
    VIRTUAL_KINDS           the Registry itself: register("name", backend) at run time

A package adds a kind with an entry point in the group "boardkit.virtual_kinds":

    [project.entry-points."boardkit.virtual_kinds"]
    mykind = "mypackage.mykind:BACKEND"      # a kinds.base.Backend instance

(tests/test_virtual_kind_plugin.py does exactly that, and runs it through the real daemon).
"""

from __future__ import annotations

from boardkit.errors import VirtualBoardError
from boardkit.registry import Registry
from boardkit.virtual.kinds.base import READY_MARKER, Backend

__all__ = ["READY_MARKER", "VIRTUAL_KINDS", "Backend", "backend", "kind_names"]

VIRTUAL_KINDS: Registry[Backend] = Registry(
    "virtual board kind",
    "boardkit.virtual_kinds",
    {
        "wasm": "boardkit.virtual.kinds.wasm:BACKEND",
        "microbit": "boardkit.virtual.kinds.microbit:BACKEND",
    },
)


def kind_names() -> list[str]:
    """Every virtual board kind, built in and installed, sorted."""
    return VIRTUAL_KINDS.names()


def backend(kind: str) -> Backend:
    """The backend that runs `kind`; VirtualBoardError naming the known kinds for any other name."""
    if kind not in VIRTUAL_KINDS:
        raise VirtualBoardError(
            f"unknown virtual board kind {kind!r}", hint="choose one of: " + ", ".join(kind_names())
        )
    return VIRTUAL_KINDS.get(kind)
