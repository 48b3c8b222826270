"""rfc2217:// ports: pyserial's RFC 2217 client, made to cope with servers that never
answer a modem-line request.

RFC 2217 lets the client set DTR, RTS and flow control (SET-CONTROL), and pyserial waits
for the server to confirm each. Debian's ser2net exporting a port that has no modem lines
(a pty: a virtual board, a USB gadget) never confirms DTR or RTS, so pyserial gave up on
opening it ("timeout while waiting for option 'control'") unless the URL said
`?ign_set_control`. Here the first unanswered SET-CONTROL is taken as that kind of server:
the port goes on without modem-line control (`modem_control` becomes False), without the
user having to know the option. A server that answers nothing at all still fails, with a
message that says so (see open_error()).
"""

from __future__ import annotations

from typing import Any

import serial
import serial.rfc2217

from boardkit.errors import LinkError

# Seconds a SET-CONTROL answer may take before the server counts as one that never answers
# them (pyserial's own patience is 3 s per request).
CONTROL_PATIENCE = 1.0
# What pyserial says when an RFC 2217 server does not answer its negotiation.
SILENT_SERVER = ("waiting for option", "does not seem to support rfc2217", "does not accept parameter change")


class Rfc2217Port(serial.rfc2217.Serial):
    """pyserial's rfc2217:// client; goes on without modem-line control when the server
    does not confirm it (see the module docstring)."""

    modem_control = True  # False once the server left a SET-CONTROL unanswered
    # pyserial's own state (set in its open()), declared for the type checker
    _rfc2217_options: dict[str, Any]
    _ignore_set_control_answer: bool
    _network_timeout: float

    def rfc2217_set_control(self, value: bytes) -> None:
        item = self._rfc2217_options["control"]
        item.set(value)
        if self._ignore_set_control_answer or not self.modem_control:
            return  # the URL said ?ign_set_control, or the server has shown it never answers
        try:
            item.wait(min(self._network_timeout, CONTROL_PATIENCE))
        except serial.SerialException:
            # A port without modem lines behind ser2net: nothing will ever confirm them.
            self.modem_control = False


def make_port(url: str, **kwargs: Any) -> Rfc2217Port:
    """An unopened rfc2217:// port (open it with .open())."""
    port = Rfc2217Port(None, **kwargs)  # no port yet: pyserial opens at once when given one
    port.port = url
    return port


def open_error(url: str, text: str) -> LinkError | None:
    """The error for an RFC 2217 server that did not answer its negotiation, else None."""
    lowered = text.lower()
    if not any(marker in lowered for marker in SILENT_SERVER):
        return None
    return LinkError(
        f"cannot open {url}: the RFC 2217 server did not answer ({text})",
        hint="check that the server at that address speaks RFC 2217 (ser2net: accepter "
        "telnet(rfc2217),tcp,PORT) and is not busy with another client; a plain TCP serial "
        "server needs socket:// instead",
    )
