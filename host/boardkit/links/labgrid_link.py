"""labgrid://PLACE: a board on another computer, found by its labgrid place's name.

    boardkit -p labgrid://pupil3 ls                          # coordinator from $LG_COORDINATOR
    boardkit --coordinator lab-pc:20408 -p labgrid://pupil3 ls
    boardkit -p "labgrid://pupil3?coordinator=lab-pc:20408" ls

The place's serial port (a NetworkSerialPort: the exporter's ser2net, over RFC 2217) is
found through the coordinator. A free place is acquired for the command and released when
the link closes, whatever the way out (an error while connecting included); a place this
user already holds is used as it is and stays held (a lesson's worth of commands:
`labgrid-client -p PLACE acquire` once, at the start). A place someone else holds is
PortBusy; a place without a serial port, or whose exporter is gone, is LinkError; a
coordinator that does not answer is LinkError after `timeout` seconds (?timeout=S, default
labgrid_coordinator.ANSWER_TIMEOUT): one line each, so a fleet's other seats go on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from boardkit.errors import InvalidInput, LinkError, PortBusy
from boardkit.links import Link, LinkScheme
from boardkit.links.labgrid_coordinator import ANSWER_TIMEOUT, Coordinator, PlaceInfo, SerialEndpoint

# Seconds an exporter may take to start serving a place's port once acquired (labgrid's
# exporter starts ser2net then, and waits half a second to see that it stayed up).
SERVE_TIMEOUT = 15.0


def parse_url(url: str) -> tuple[str, str | None, float]:
    """(place, coordinator or None, timeout) from labgrid://PLACE[?coordinator=HOST:PORT&timeout=S]."""
    parts = urlsplit(url)
    place = unquote(parts.netloc + parts.path).strip("/")
    query = parse_qs(parts.query)
    unknown = sorted(set(query) - {"coordinator", "timeout"})
    if not place or "/" in place:
        raise InvalidInput(f"bad labgrid URL {url!r}", hint="write it labgrid://PLACE, e.g. labgrid://pupil3")
    if unknown:
        raise InvalidInput(
            f"unknown option {unknown[0]!r} in {url!r}", hint="labgrid:// takes ?coordinator=HOST:PORT and ?timeout=S"
        )
    coordinator = query.get("coordinator", [None])[-1]
    try:
        timeout = float(query.get("timeout", [ANSWER_TIMEOUT])[-1])
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 3600:
        raise InvalidInput(f"bad timeout in {url!r}", hint="give seconds, e.g. ?timeout=5")
    return place, coordinator, timeout


class LabgridLink:
    """The RFC 2217 link to a place's port; releases the place on close if it acquired it."""

    def __init__(self, inner: Link, url: str, release: Callable[[], None] | None, place: str = "", exporter: str = ""):
        self._inner = inner
        self.url = url
        self._release = release
        self._place = place
        self._exporter = exporter

    def write(self, data: bytes) -> None:
        try:
            self._inner.write(data)
        except LinkError as exc:
            raise self._lost(exc) from exc

    def read(self, max_bytes: int, timeout: float) -> bytes:
        try:
            return self._inner.read(max_bytes, timeout)
        except LinkError as exc:
            raise self._lost(exc) from exc

    def pending(self) -> int:
        try:
            return self._inner.pending()
        except LinkError as exc:
            raise self._lost(exc) from exc

    def _lost(self, exc: LinkError) -> LinkError:
        """The inner link's error, naming the place and the computer serving it."""
        return LinkError(
            f"{exc} (labgrid place {self._place!r})",
            hint=f"check that the computer {self._exporter!r} and its labgrid-exporter are still running",
        )

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            release, self._release = self._release, None
            if release is not None:
                release()

    def __getattr__(self, name: str) -> Any:  # set_lines, the pyserial port (tests), ...
        return getattr(self._inner, name)


def open(url: str, baudrate: int | None = None) -> LabgridLink:
    """Find the place's serial port, acquire the place if it is free, connect over RFC 2217."""
    name, address, timeout = parse_url(url)
    coordinator = Coordinator.shared(address, timeout)
    place = coordinator.place(name)
    _check_usable(coordinator, place)
    acquire = place.acquired is None
    release = _releaser(coordinator, place.name) if acquire else None
    try:
        if acquire:
            coordinator.acquire(place.name)
        served = place.serial if not acquire and place.serial and place.serial.port else None
        endpoint = served or _wait_served(coordinator, place.name, min(SERVE_TIMEOUT, max(timeout, 5.0)))
        from boardkit.links import serial_link

        inner = serial_link.open(_without_control_answers(endpoint), baudrate=baudrate or endpoint.speed)
    except BaseException:
        if release is not None:
            release()
        raise
    return LabgridLink(inner, url, release, place.name, endpoint.exporter)


def _check_usable(coordinator: Coordinator, place: PlaceInfo) -> None:
    if place.serial is None and place.matches:
        exporters = sorted({m.split("/", 1)[0] for m in place.matches})
        raise LinkError(
            f"labgrid place {place.name!r}: no exporter offers its board now ({', '.join(place.matches)})",
            hint=f"check that labgrid-exporter is running on {', '.join(exporters)} and the board is plugged in",
        )
    if place.serial is None:
        raise LinkError(
            f"labgrid place {place.name!r} has no serial port",
            hint=f"add its board: labgrid-client -p {place.name} add-match EXPORTER/GROUP/NetworkSerialPort",
        )
    if not place.serial.available:
        raise LinkError(
            f"labgrid place {place.name!r}: its serial port on exporter {place.serial.exporter} is not available",
            hint=f"check that labgrid-exporter is running on {place.serial.exporter} and the board is plugged in",
        )
    me = coordinator.user
    if place.acquired and place.acquired != me and me not in place.allowed:
        raise PortBusy(
            f"labgrid place {place.name!r} is in use by {place.acquired}",
            hint=f"wait until it is released (labgrid-client -p {place.name} release), or choose another place",
        )


def _wait_served(coordinator: Coordinator, name: str, timeout: float) -> SerialEndpoint:
    """The place's serial port once its exporter serves it."""
    deadline = time.monotonic() + timeout
    while True:
        place = coordinator.place(name)
        serial = place.serial
        if serial is None:
            raise LinkError(f"labgrid place {name!r} has no serial port any more", hint="see `labgrid-client places`")
        if serial.available and serial.port:
            return serial
        if time.monotonic() >= deadline:
            why = "is not available" if not serial.available else "is not being served"
            raise LinkError(
                f"labgrid place {name!r}: its serial port on exporter {serial.exporter} {why}",
                hint=f"check that labgrid-exporter is running on {serial.exporter} and the board is plugged in",
            )
        time.sleep(0.05)


def _without_control_answers(endpoint: SerialEndpoint) -> str:
    """The port's URL, telling pyserial not to wait for DTR/RTS confirmations. labgrid's exporter
    runs ser2net with `local` (no modem lines), which never confirms them; labgrid's own serial
    driver opens these ports with the same option. Without it the first unanswered request costs
    rfc2217_port.CONTROL_PATIENCE per connection."""
    return endpoint.url + "?ign_set_control" if endpoint.protocol != "raw" else endpoint.url


def _releaser(coordinator: Coordinator, name: str) -> Callable[[], None]:
    def release() -> None:
        try:
            coordinator.release(name)
        except LinkError:  # the coordinator is gone: nothing holds the place any more to release
            pass

    return release


SCHEME = LinkScheme(
    schemes=("labgrid",),
    open=open,
    options=frozenset({"baudrate"}),
    description="labgrid places (labgrid://PLACE; coordinator from $LG_COORDINATOR)",
)
