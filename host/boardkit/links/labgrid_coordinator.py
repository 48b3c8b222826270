"""labgrid's coordinator seen from boardkit: places, their serial ports, acquire and release.

labgrid (https://labgrid.readthedocs.io) keeps track of boards plugged into several
computers: exporters on those computers announce their serial ports to a coordinator, and
clients acquire "places" (a name matched to one or more resources) so two people never use
one board at once. This module talks to the coordinator over labgrid's gRPC protocol with the
message classes labgrid generates (labgrid_protocol.Session), never by parsing labgrid-client's
output. labgrid is optional: without it, every entry point raises one InvalidInput naming
`pip install 'boardkit[labgrid]'`.

    coordinator = Coordinator.shared("lab-pc:20408")
    place = coordinator.place("pupil3")          # PlaceInfo, fresh from the coordinator
    coordinator.acquire("pupil3"); ...; coordinator.release("pupil3")

One Coordinator per address per process, shared by a fleet's threads: its session runs on
an event loop in a thread of its own, and every call waits for its answer at most
`timeout` seconds, so a coordinator that does not answer is an error, never a hang.
"""

from __future__ import annotations

import asyncio
import atexit
import difflib
import os
import threading
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from boardkit.errors import InvalidInput, LinkError, PortBusy, PortNotFound
from boardkit.links.labgrid_protocol import Session, generated, match_text, place_matches

DEFAULT_PORT = 20408  # labgrid's own default
ANSWER_TIMEOUT = 10.0  # seconds the coordinator may take to answer one request
SERIAL_CLASS = "NetworkSerialPort"  # what an exporter turns a RawSerialPort/USBSerialPort into
T = TypeVar("T")


def coordinator_address(given: str | None = None) -> str:
    """HOST:PORT of the coordinator: given, else $LG_COORDINATOR, else labgrid's default."""
    address = (given or os.environ.get("LG_COORDINATOR") or f"127.0.0.1:{DEFAULT_PORT}").strip()
    host, sep, port = address.rpartition(":")
    if not sep or "]" in port:  # no port (a bare host, or [v6] without one)
        return f"{address}:{DEFAULT_PORT}"
    if not host or not port.isdigit():
        raise InvalidInput(
            f"bad labgrid coordinator address {address!r}", hint="give it as HOST:PORT, e.g. lab-pc:20408"
        )
    return address


@dataclass(frozen=True)
class SerialEndpoint:
    """A place's serial port as its exporter serves it (ser2net)."""

    resource: str  # exporter/group/class/name
    host: str
    port: int | None  # None until the exporter has started serving it
    speed: int
    protocol: str  # "rfc2217" or "raw"
    available: bool

    @property
    def exporter(self) -> str:
        return self.resource.split("/", 1)[0]

    @property
    def url(self) -> str:
        scheme = "socket" if self.protocol == "raw" else "rfc2217"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"


@dataclass(frozen=True)
class PlaceInfo:
    """One place as the coordinator reported it."""

    name: str
    acquired: str | None  # "host/user" holding it
    allowed: frozenset[str] = frozenset()
    serial: SerialEndpoint | None = None  # None: no serial resource matches the place
    comment: str = ""
    tags: dict[str, str] = field(default_factory=dict)
    matches: tuple[str, ...] = ()  # the resource patterns it is made of (exporter/group/class)


class Coordinator:
    """A session with one labgrid coordinator (see the module docstring). Use shared(): the
    coordinator tells clients apart by their connection, which gRPC shares within a process,
    so a second session with the same coordinator at the same time would be refused."""

    _shared: dict[str, Coordinator] = {}
    _shared_lock = threading.Lock()

    def __init__(self, address: str, timeout: float = ANSWER_TIMEOUT):
        self.address = coordinator_address(address)
        self.timeout = timeout
        generated()  # labgrid is there (InvalidInput naming the install, if not)
        self._loop = _shared_loop()
        self._session: Any = None
        self._closed = False
        self._starting = asyncio.Lock()

    @classmethod
    def shared(cls, address: str | None = None, timeout: float = ANSWER_TIMEOUT) -> Coordinator:
        """The process's session with the coordinator at address ($LG_COORDINATOR when None)."""
        key = coordinator_address(address)
        with cls._shared_lock:
            found = cls._shared.get(key)
            if found is None:
                found = cls._shared[key] = cls(key, timeout)
            found.timeout = timeout
            return found

    @property
    def user(self) -> str:
        """Who this process is to the coordinator: "host/user" ($LG_HOSTNAME, $LG_USERNAME)."""
        from getpass import getuser
        from socket import gethostname

        return f"{os.environ.get('LG_HOSTNAME', gethostname())}/{os.environ.get('LG_USERNAME', getuser())}"

    # -- the coordinator's answers ---------------------------------------------------------

    def places(self) -> list[PlaceInfo]:
        """Every place, fresh from the coordinator, sorted by name."""
        return self._call(self._places())

    def place(self, name: str) -> PlaceInfo:
        """The place called name (or with that alias); PortNotFound when there is none."""
        found = self._call(self._places(name))
        if not found:
            names = [p.name for p in self.places()]
            close = difflib.get_close_matches(name, names, n=3)
            raise PortNotFound(
                f"labgrid place {name!r} does not exist on the coordinator at {self.address}",
                hint=f"did you mean {', '.join(close)}?"
                if close
                else ("places there: " + ", ".join(names[:12]) if names else "that coordinator has no places yet"),
            )
        return found[0]

    def resources(self) -> list[str]:
        """The resources the exporters offer now, as exporter/group/class (a place's match pattern)."""
        return self._call(self._resources())

    def acquire(self, name: str) -> None:
        """Acquire the place for this user; PortBusy when someone else got it first."""
        self._call(self._rpc("AcquirePlace", "AcquirePlaceRequest", placename=name))

    def release(self, name: str) -> None:
        """Release the place if this user holds it (someone else's acquisition stays as it is)."""
        # fromuser: the coordinator itself checks who holds it, so a release after a lost race
        # (or an interrupted acquire) can never take a place from its new holder.
        request = self._rpc("ReleasePlace", "ReleasePlaceRequest", placename=name, fromuser=self.user)
        self._call(request)

    def add_place(self, name: str, *matches: str) -> None:
        """Create a place matching the given resource patterns (exporter/group/class)."""
        self._call(self._rpc("AddPlace", "AddPlaceRequest", name=name))
        for pattern in matches:
            self._call(self._rpc("AddPlaceMatch", "AddPlaceMatchRequest", placename=name, pattern=pattern))

    def close(self) -> None:
        """End the session (atexit does it for the ones still open)."""
        if self._closed or self._loop.is_closed():
            return
        self._closed = True
        with Coordinator._shared_lock:
            if Coordinator._shared.get(self.address) is self:
                del Coordinator._shared[self.address]
        try:
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(3.0)
        except Exception:  # a coordinator already gone: nothing left to say goodbye to
            pass

    # -- on the session's loop --------------------------------------------------------------

    def _call(self, work: Coroutine[Any, Any, T]) -> T:
        if self._closed or self._loop.is_closed():
            work.close()
            raise LinkError(f"the session with the labgrid coordinator at {self.address} is closed")
        future = asyncio.run_coroutine_threadsafe(self._bounded(work), self._loop)
        try:
            return future.result(self.timeout + 1.0)
        except TimeoutError:
            future.cancel()
            raise self._silent() from None

    async def _bounded(self, work: Coroutine[Any, Any, T]) -> T:
        try:
            return await asyncio.wait_for(work, self.timeout)
        except TimeoutError:
            await self._stop()  # a half-open stream would wait for ever: start afresh next time
            raise self._silent() from None

    def _silent(self) -> LinkError:
        return LinkError(
            f"the labgrid coordinator at {self.address} did not answer within {self.timeout:g} s",
            hint="check that labgrid-coordinator is running there (LG_COORDINATOR or --coordinator names it)",
        )

    async def _live(self) -> Any:
        """The session, started (again, if the coordinator went away since)."""
        async with self._starting:  # one session at a time: a second would be refused
            session = self._session
            if session is not None and not session.stopping.is_set():
                # The subscription keeps its places and resources current, and each call waits
                # for its own effects (Session.call): no round trip needed here.
                return session
            await self._stop()
            session = Session(self.address, self.user)
            try:
                await session.start()
            except BaseException as exc:  # refused, or cancelled by the time limit: end its stream
                await _quietly(session.stop())
                if not isinstance(exc, ConnectionError):
                    raise
                raise LinkError(
                    f"cannot reach the labgrid coordinator at {self.address}",
                    hint="check that labgrid-coordinator is running there (LG_COORDINATOR or --coordinator names it)",
                ) from None
            self._session = session
            return session

    async def _stop(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await _quietly(session.stop())

    async def _places(self, name: str | None = None) -> list[PlaceInfo]:
        session = await self._live()
        found = []
        for place in session.places.values():
            if name is not None and name != place.name and name not in place.aliases:
                continue
            found.append(self._info(session, place))
        return sorted(found, key=lambda p: p.name)

    async def _resources(self) -> list[str]:
        session = await self._live()
        return sorted({f"{r.exporter}/{r.group}/{r.cls}" for r in session.resources.values() if r.cls and r.available})

    def _info(self, session: Session, place: Any) -> PlaceInfo:
        serial = None
        for resource in sorted(session.resources.values(), key=lambda r: r.path):
            if resource.cls == SERIAL_CLASS and place_matches(place, resource):
                params = resource.params
                serial = SerialEndpoint(
                    resource=resource.path,
                    host=str(params.get("host") or resource.exporter),
                    port=int(params["port"]) if params.get("port") else None,
                    speed=int(params.get("speed") or 115200),
                    protocol=str(params.get("protocol") or "rfc2217"),
                    available=resource.available,
                )
                break
        return PlaceInfo(
            name=place.name,
            acquired=place.acquired if place.HasField("acquired") and place.acquired else None,
            allowed=frozenset(place.allowed),
            serial=serial,
            comment=place.comment,
            tags=dict(place.tags),
            matches=tuple(match_text(m) for m in place.matches),
        )

    async def _rpc(self, method: str, request: str, **fields: Any) -> None:
        import grpc

        session = await self._live()
        try:
            await session.call(method, request, **fields)
        except grpc.aio.AioRpcError as exc:
            raise _rpc_error(self.address, exc) from None


def _rpc_error(address: str, exc: Any) -> LinkError:
    import grpc

    details = exc.details() or str(exc.code())
    if "already acquired" in details:
        return PortBusy(details, hint="someone else has it: wait until it is released, then try again")
    if exc.code() == grpc.StatusCode.UNAVAILABLE:
        return LinkError(
            f"lost the labgrid coordinator at {address} ({details})",
            hint="check that labgrid-coordinator is still running there",
        )
    return LinkError(f"the labgrid coordinator at {address} said: {details}", hint="see `labgrid-client places`")


async def _quietly(work: Coroutine[Any, Any, Any]) -> None:
    try:
        await asyncio.wait_for(work, 2.0)
    except BaseException:  # closing a broken session must not mask the error that broke it
        pass


# grpc.aio serves one event loop per process: every session here runs on this one, in a
# thread of its own (started on first use, stopped at exit).
_loop_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_loop_thread: threading.Thread | None = None


def _shared_loop() -> asyncio.AbstractEventLoop:
    global _loop, _loop_thread
    with _loop_lock:
        if _loop is None:
            _loop = asyncio.new_event_loop()
            _loop_thread = threading.Thread(target=_loop.run_forever, name="labgrid", daemon=True)
            _loop_thread.start()
        return _loop


@atexit.register
def _close_all() -> None:
    for coordinator in list(Coordinator._shared.values()):
        coordinator.close()
    with _loop_lock:
        if _loop is not None and _loop_thread is not None:
            _loop.call_soon_threadsafe(_loop.stop)
            _loop_thread.join(2.0)
