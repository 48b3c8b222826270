"""Where the suite runs: a table of named targets, and any board boardkit can connect to.

    with open_target("wasm") as target:      # cpython | wasm | browser | microbit | a port URL
        outcome = target.run("print(1 + 1)")

TARGETS maps a name to its Target class ("module:Class", imported on first use). A name not
in the table is a port URL or a virtual board's name, opened as a DeviceTarget. A package adds
a target through an entry point in the group "boardkit.conformance_targets"
(`dummy = my_package.module:DummyTarget`); a program can `TARGETS.register(name, cls)`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from boardkit.conformance.targets.base import IMPLEMENTATIONS, Credentials, Outcome, Target
from boardkit.errors import InvalidInput, PortNotFound
from boardkit.registry import Registry

if TYPE_CHECKING:
    from boardkit.conformance.targets.browser import BrowserTarget
    from boardkit.conformance.targets.cpython import CPythonTarget
    from boardkit.conformance.targets.device import DeviceTarget
    from boardkit.conformance.targets.microbit import MicrobitTarget
    from boardkit.conformance.targets.virtual import VirtualTarget
    from boardkit.conformance.targets.wasm import WasmTarget

_HERE = "boardkit.conformance.targets"
TARGETS: Registry[type[Target]] = Registry(
    "conformance target",
    "boardkit.conformance_targets",
    {
        "cpython": f"{_HERE}.cpython:CPythonTarget",
        "wasm": f"{_HERE}.wasm:WasmTarget",
        "browser": f"{_HERE}.browser:BrowserTarget",
        "microbit": f"{_HERE}.microbit:MicrobitTarget",
    },
)
# The classes, importable from here as before, each loaded on first use (`boardkit check`
# and `--help` need none of them).
_CLASSES = {
    "BrowserTarget": "browser",
    "CPythonTarget": "cpython",
    "DeviceTarget": "device",
    "MicrobitTarget": "microbit",
    "VirtualTarget": "virtual",
    "WasmTarget": "wasm",
}
# What `boardkit test --matrix` measures (and docs/conformance.md shows).
MATRIX_TARGETS = ("cpython", "wasm", "browser", "microbit")


def target_class(spec: str) -> type[Target]:
    """The class that opens `spec`: a table entry (by name or alias), else the fallback."""
    if not spec:
        raise InvalidInput("empty conformance target", hint=f"use one of {', '.join(TARGETS.names())} or a port URL")
    if spec in TARGETS:
        return TARGETS.get(spec)
    for name in TARGETS.names():
        cls = TARGETS.get(name)
        if spec in cls.aliases:
            return cls
    # Every name not in TARGETS: a port URL or a virtual board name.
    from boardkit.conformance.targets.device import DeviceTarget

    return DeviceTarget


def canonical_name(spec: str) -> str:
    """The table name for `spec` ("microbit_v1" -> "microbit"); a port URL as given."""
    if spec in TARGETS:
        return spec
    cls = target_class(spec)
    return cls.name if spec in cls.aliases else spec


def __getattr__(name: str) -> object:
    if name in _CLASSES:
        return getattr(importlib.import_module(f"{_HERE}.{_CLASSES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def open_target(spec: str, credentials: Credentials | None = None) -> Target:
    """Start or connect to the target `spec` (see TARGETS); the caller closes it (or uses `with`).

    credentials: url -> password, for a WebREPL URL; ignored by targets that open no link.
    """
    cls = target_class(spec)
    try:
        return cls.open(spec, credentials=credentials)
    except PortNotFound:
        if spec in TARGETS or "/" in spec or ":" in spec:
            raise
        # A bare name that is neither a target nor a running board: most likely a mistyped target.
        raise InvalidInput(
            f"no conformance target, port or virtual board named {spec!r}",
            hint=f"targets: {', '.join(TARGETS.names())}; or a port (see `boardkit devices`)",
        ) from None


__all__ = [
    "IMPLEMENTATIONS",
    "MATRIX_TARGETS",
    "TARGETS",
    "BrowserTarget",
    "CPythonTarget",
    "Credentials",
    "DeviceTarget",
    "MicrobitTarget",
    "Outcome",
    "Target",
    "VirtualTarget",
    "WasmTarget",
    "canonical_name",
    "open_target",
    "target_class",
]
