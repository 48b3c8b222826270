"""The typed entry points: what the CLI (and any program) calls."""

from __future__ import annotations

from boardkit import ports
from boardkit.device import Device
from boardkit.links import open_link


def connect(url: str | None = None, timeout: float = 10.0, password: str | None = None) -> Device:
    """Open a session with a board.

    url: /dev/ttyACM0, COM3, socket://host:port, rfc2217://host:port, ws://host:8266
    (WebREPL), a virtual board's name, or None for the only board present.
    password: the WebREPL password for ws:// URLs; None looks in BOARDKIT_WEBREPL_PASSWORD,
    then boardkit's config file (see boardkit.webrepl_auth). Ignored by other links.
    """
    resolved = ports.resolve(url)
    options = {"password": password} if password is not None else {}
    link = open_link(resolved, **options)
    return Device(link, resolved, timeout=timeout)
