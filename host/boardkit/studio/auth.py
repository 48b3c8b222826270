"""Who may do what in the studio: tokens, and the Host / Origin checks that keep other web
pages (and DNS-rebinding tricks) away from the boards on this computer.

Roles, from the `t` query parameter:
  teacher    the teacher token: every seat, any board URL, the classroom actions
  pupil      a seat's token: that seat's board only
  classroom  the classroom token: the page and in-page Python, no board
  local      no token, only when the server listens on a loopback address: any board URL
             (one person on their own computer), no classroom actions
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from boardkit.errors import InvalidInput

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# Sent with every response: no outside requests (CSP), cross-origin isolation (COOP + COEP:
# the page's input() uses SharedArrayBuffer), no framing, no sniffing, no referrer.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Embedder-Policy", "require-corp"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-cache"),
)


@dataclass(frozen=True)
class Role:
    kind: str  # "teacher" | "pupil" | "classroom" | "local"
    seat: str = ""

    @property
    def may_teach(self) -> bool:
        return self.kind == "teacher"

    @property
    def may_pick_any_board(self) -> bool:
        return self.kind in ("teacher", "local")

    def may_use_seat(self, seat: str) -> bool:
        return self.kind in ("teacher", "local") or (self.kind == "pupil" and self.seat == seat)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Tokens:
    """The tokens of one studio run (new each start unless given): teacher, classroom, per seat."""

    def __init__(self, seats: list[str], teacher: str | None = None, loopback: bool = True) -> None:
        self.teacher = teacher or secrets.token_urlsafe(18)
        self.classroom = secrets.token_urlsafe(12)
        self.seats = {seat: secrets.token_urlsafe(12) for seat in seats}
        self.loopback = loopback

    def role(self, token: str) -> Role | None:
        """The role a token gives, or None (refused)."""
        if token:
            if hmac.compare_digest(token, self.teacher):
                return Role("teacher")
            if hmac.compare_digest(token, self.classroom):
                return Role("classroom")
            for seat, value in self.seats.items():
                if hmac.compare_digest(token, value):
                    return Role("pupil", seat)
            return None
        return Role("local") if self.loopback else None


class HostCheck:
    """Which Host headers and Origins belong to this server (host:port as the browser writes it)."""

    def __init__(self, host: str, port: int) -> None:
        names = {host}
        if is_loopback(host):
            names |= {"127.0.0.1", "localhost", "[::1]"}
        if host in ("0.0.0.0", "::"):
            raise InvalidInput(
                f"the studio listens on one named address, not {host}",
                hint="give this computer's address on the classroom network, e.g. --host 192.168.1.20",
            )
        self.hosts = {f"{name}:{port}" for name in names}

    def host_ok(self, host_header: str | None) -> bool:
        return (host_header or "").lower() in self.hosts

    def origin_ok(self, origin: str | None) -> bool:
        """A WebSocket's Origin: absent (not a browser) or this very server."""
        if origin is None:
            return True
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in self.hosts
