"""The typed entry points: what the CLI (and any program) calls."""

from __future__ import annotations

from boardkit import ports
from boardkit.device import Device
from boardkit.links import open_link


def connect(url: str | None = None, timeout: float = 10.0) -> Device:
    """Open a session with a board.

    url: /dev/ttyACM0, COM3, socket://host:port, rfc2217://host:port, a virtual
    board's name, or None for the only board present.
    """
    resolved = ports.resolve(url)
    link = open_link(resolved)
    return Device(link, resolved, timeout=timeout)
