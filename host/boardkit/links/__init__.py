"""Links: bytes in, bytes out, chosen by URL scheme (pyserial's serial_for_url idea).

Each link module declares a `LinkScheme`: the URL schemes it handles, the options it
takes, and its `open`. `LINKS` (a registry, group "boardkit.links") maps a scheme to that
declaration; `open_link(url)` picks one and hands it only the options it declared. Adding a
transport is one module plus one line in LINKS' built-in table, or an entry point::

    [project.entry-points."boardkit.links"]
    pipe = "mypackage.pipe_link:SCHEME"

A link that needs a secret (WebREPL's password) takes a `CredentialsProvider`: given the
URL, it returns the password or raises AuthError. The link calls it only when the board
asks, so links never read the user's config and nothing above passes a password along.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from boardkit.errors import InvalidInput
from boardkit.registry import Registry

# Given a link's URL, the password to give the board; raises AuthError when there is none.
CredentialsProvider = Callable[[str], str]


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


class FileTransfer(Protocol):
    """A link's own way to move whole files without the REPL (WebREPL's PUT and GET)."""

    def fits(self, path: str) -> bool:
        """Can this board path be named in a transfer?"""
        ...

    def put_file(self, path: str, data: bytes, progress: Callable[[int, int], None] | None = None) -> None: ...

    def get_file(self, path: str, size_hint: int = 0, progress: Callable[[int, int], None] | None = None) -> bytes: ...


def file_transfer(link: Link, path: str) -> FileTransfer | None:
    """The link's file transfer when it has one that can name path, else None (use the REPL).

    A link offers one through a `file_transfer()` method; call this between REPL commands."""
    offer = getattr(link, "file_transfer", None)
    found: FileTransfer | None = offer() if callable(offer) else None
    return found if found is not None and found.fits(path) else None


@dataclass(frozen=True)
class LinkScheme:
    """What one link module declares: its URL schemes, the options its `open` takes, `open`.

    schemes: "" stands for a plain device path (/dev/ttyACM0, COM3).
    options: keyword names `open` accepts ("credentials", "baudrate", ...); open_link passes
    only these, so a caller may offer credentials to every link and only WebREPL uses them.
    """

    schemes: tuple[str, ...]
    open: Callable[..., Link]
    options: frozenset[str] = field(default_factory=frozenset)
    description: str = ""


# scheme -> the LinkScheme declaring it ("module:attribute", imported on first use)
LINKS: Registry[LinkScheme] = Registry(
    "link scheme",
    "boardkit.links",
    {
        "": "boardkit.links.serial_link:SCHEME",  # /dev/ttyACM0, COM3
        "socket": "boardkit.links.serial_link:SCHEME",  # socket://host:port (raw TCP, ser2net)
        "rfc2217": "boardkit.links.serial_link:SCHEME",  # rfc2217://host:port (ser2net / labgrid exporters)
        "loop": "boardkit.links.serial_link:SCHEME",  # loop:// (pyserial loopback, for tests)
        "ws": "boardkit.links.webrepl_link:SCHEME",  # ws://host:8266 (MicroPython WebREPL)
        "labgrid": "boardkit.links.labgrid_link:SCHEME",  # labgrid://PLACE (a labgrid coordinator's place)
    },
)


def scheme_of(url: str) -> str:
    """The URL's scheme, lower-cased; "" for a device path ("COM3", "C:\\...", "/dev/...")."""
    parts = urlsplit(url)
    if "://" not in url or len(parts.scheme) <= 1:
        return ""
    return parts.scheme.lower()


def link_scheme(url: str) -> LinkScheme:
    """The declaration of the link that handles this URL; InvalidInput if none does."""
    scheme = scheme_of(url)
    if scheme not in LINKS:
        known = ", ".join(f"{s}://" for s in LINKS.names() if s)
        raise InvalidInput(
            f"unknown kind of port {url!r}", hint=f"use a device path (/dev/ttyACM0, COM3) or one of {known}"
        )
    declared = LINKS.get(scheme)
    if scheme not in declared.schemes:
        raise InvalidInput(
            f"the link registered for {scheme}:// does not declare that scheme",
            hint="fix the link's LinkScheme(schemes=...) or its registration",
        )
    return declared


def open_link(url: str, *, credentials: CredentialsProvider | None = None, **options: Any) -> Link:
    """Open the link for url. Options the link does not declare (credentials included) are dropped."""
    declared = link_scheme(url)
    given = {**options, "credentials": credentials}
    accepted = {name: value for name, value in given.items() if name in declared.options and value is not None}
    return declared.open(url, **accepted)


__all__ = [
    "LINKS",
    "CredentialsProvider",
    "FileTransfer",
    "Link",
    "LinkScheme",
    "file_transfer",
    "link_scheme",
    "open_link",
    "scheme_of",
]
