"""Links: bytes in, bytes out, chosen by URL scheme (pyserial's serial_for_url idea).

A link module registers the schemes it handles; `open_link(url)` picks one.
Adding a transport (e.g. ws:// for WebREPL) is one new module plus one line in
``_SCHEME_MODULES``; nothing above this layer changes.
"""

from __future__ import annotations

import importlib
from typing import Protocol
from urllib.parse import urlsplit

from boardkit.errors import UsageError


class Link(Protocol):
    """What the REPL layer needs from a transport."""

    url: str

    def write(self, data: bytes) -> None: ...

    def read(self, max_bytes: int, timeout: float) -> bytes:
        """Return up to max_bytes; wait at most `timeout` seconds for the first byte.

        Returns b"" on timeout. Raises LinkError if the link broke.
        """
        ...

    def pending(self) -> int:
        """Bytes that can be read right now without waiting."""
        ...

    def close(self) -> None: ...


# scheme -> module under boardkit.links providing open(url, **options) -> Link
_SCHEME_MODULES: dict[str, str] = {
    "": "serial_link",          # /dev/ttyACM0, COM3
    "socket": "serial_link",    # socket://host:port (raw TCP, ser2net)
    "rfc2217": "serial_link",   # rfc2217://host:port (ser2net / labgrid exporters)
    "loop": "serial_link",      # loop:// (pyserial loopback, for tests)
    "ws": "webrepl_link",       # ws://host:8266 (MicroPython WebREPL)
}


def scheme_of(url: str) -> str:
    # "COM3" and "C:\\..." have no scheme; a Windows drive letter is not one either.
    parts = urlsplit(url)
    if "://" not in url or len(parts.scheme) <= 1:
        return ""
    return parts.scheme.lower()


def open_link(url: str, **options) -> Link:
    scheme = scheme_of(url)
    module_name = _SCHEME_MODULES.get(scheme)
    if module_name is None:
        known = ", ".join(f"{s}://" for s in _SCHEME_MODULES if s)
        raise UsageError(f"unknown kind of port {url!r}",
                         hint=f"use a device path (/dev/ttyACM0, COM3) or one of {known}")
    module = importlib.import_module(f"boardkit.links.{module_name}")
    return module.open(url, **options)
