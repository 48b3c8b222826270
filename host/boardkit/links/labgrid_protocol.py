"""A client session with a labgrid coordinator, on labgrid's own gRPC protocol.

The coordinator's API (labgrid 24 and later) is gRPC: a client opens one ClientStream, says
who it is (startup), subscribes to all places and resources, and from then on receives
their updates; a `sync` message comes back once everything sent before it is handled, and
plain calls (AcquirePlace, ReleasePlace, AddPlace, ...) do the rest. This speaks it with the
message classes and stub labgrid generates from its .proto file
(labgrid/remote/generated/), the same ones labgrid.remote.client.ClientSession uses.

Those modules are loaded by their path inside the installed labgrid package, without
running labgrid/__init__.py: that imports every labgrid driver, which costs most of a
second on each boardkit command that names a labgrid:// port, and a session needs none of it.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
import itertools
import sys
import types
from collections.abc import AsyncIterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from boardkit.errors import InvalidInput

INSTALL_HINT = "install labgrid's client library: pip install 'boardkit[labgrid]'"
_PACKAGE = "_boardkit_labgrid_generated"  # where labgrid's generated modules are loaded
# labgrid's own client settings: ping the coordinator so a vanished one is noticed
CHANNEL_OPTIONS = [
    ("grpc.keepalive_time_ms", 7500),
    ("grpc.keepalive_timeout_ms", 10000),
    ("grpc.http2.ping_timeout_ms", 10000),
    ("grpc.http2.max_pings_without_data", 0),
]


def generated() -> tuple[Any, Any]:
    """labgrid's generated (messages, stub) modules; InvalidInput naming the install when missing."""
    loaded = sys.modules.get(f"{_PACKAGE}.labgrid_coordinator_pb2_grpc")
    if loaded is not None:
        return sys.modules[f"{_PACKAGE}.labgrid_coordinator_pb2"], loaded
    try:
        import grpc  # noqa: F401  (labgrid's dependency; the stub needs it)

        spec = importlib.util.find_spec("labgrid")  # finds the package without running it
    except ImportError:
        spec = None
    folder = Path(spec.origin).parent / "remote" / "generated" if spec and spec.origin else None
    if folder is None or not (folder / "labgrid_coordinator_pb2_grpc.py").exists():
        raise InvalidInput("labgrid:// needs labgrid, which is not installed", hint=INSTALL_HINT)
    package = types.ModuleType(_PACKAGE)
    package.__path__ = [str(folder)]
    sys.modules.setdefault(_PACKAGE, package)
    messages = importlib.import_module(f"{_PACKAGE}.labgrid_coordinator_pb2")
    return messages, importlib.import_module(f"{_PACKAGE}.labgrid_coordinator_pb2_grpc")


def labgrid_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("labgrid")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Resource:
    """A resource an exporter announced: where it is, its class, its parameters."""

    exporter: str
    group: str
    name: str
    cls: str
    params: dict[str, Any]
    acquired: str | None
    available: bool

    @property
    def path(self) -> str:
        return f"{self.exporter}/{self.group}/{self.cls}/{self.name}"


def map_values(mapping: Any) -> dict[str, Any]:
    """A protocol map<string, MapValue> as a dict (a value without a kind is None)."""
    found: dict[str, Any] = {}
    for key, value in mapping.items():
        kind = value.WhichOneof("kind")
        found[key] = getattr(value, kind) if kind else None
    return found


def place_matches(place: Any, resource: Resource) -> bool:
    """Does one of the place's resource matches (exporter/group/class[/name], wildcards) take it?"""
    for match in place.matches:
        if (
            fnmatchcase(resource.exporter, match.exporter)
            and fnmatchcase(resource.group, match.group)
            and fnmatchcase(resource.cls, match.cls)
            and (not match.HasField("name") or not match.name or fnmatchcase(resource.name, match.name))
        ):
            return True
    return False


def match_text(match: Any) -> str:
    text = f"{match.exporter}/{match.group}/{match.cls}"
    return f"{text}/{match.name}" if match.HasField("name") and match.name else text


class Session:
    """One ClientStream with the coordinator, kept up to date with its places and resources."""

    def __init__(self, address: str, name: str):
        import grpc

        self.messages, stubs = generated()
        self.channel = grpc.aio.insecure_channel(address, options=CHANNEL_OPTIONS)
        self.stub = stubs.CoordinatorStub(self.channel)
        self.name = name
        self.places: dict[str, Any] = {}  # name -> the coordinator's Place message
        self.resources: dict[tuple[str, str, str], Resource] = {}  # (exporter, group, name)
        self.stopping = asyncio.Event()
        self._out: asyncio.Queue[Any] = asyncio.Queue()
        self._syncs: dict[int, asyncio.Event] = {}
        self._ids = itertools.count(1)
        self._call: Any = None
        self._pump: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Open the stream, say who this is, subscribe; ConnectionError if nobody answers."""
        self._pump = asyncio.get_running_loop().create_task(self._receive())
        startup = self.messages.ClientInMessage()
        startup.startup.version = labgrid_version()
        startup.startup.name = self.name
        self._out.put_nowait(startup)
        for subscription in ("all_places", "all_resources"):
            message = self.messages.ClientInMessage()
            setattr(message.subscribe, subscription, True)
            self._out.put_nowait(message)
        if not await self.sync():
            raise ConnectionError("the coordinator did not take the session")

    async def sync(self) -> bool:
        """Wait until the coordinator has handled everything sent so far (False: it went away)."""
        if self.stopping.is_set():
            return False
        ident = next(self._ids)
        event = self._syncs[ident] = asyncio.Event()
        message = self.messages.ClientInMessage()
        message.sync.id = ident
        self._out.put_nowait(message)
        await event.wait()
        return not self.stopping.is_set()

    async def call(self, method: str, request: str, **fields: Any) -> None:
        """One plain call (AcquirePlace, ...), then wait until its effects have arrived here."""
        await getattr(self.stub, method)(getattr(self.messages, request)(**fields))
        await self.sync()

    async def stop(self) -> None:
        self._out.put_nowait(None)
        if self._call is not None:
            self._call.cancel()
        if self._pump is not None:
            try:
                await self._pump
            except asyncio.CancelledError:
                pass
        await self.channel.close()

    async def _outgoing(self) -> AsyncIterator[Any]:
        while True:
            try:
                message = await self._out.get()
            except asyncio.CancelledError:  # gRPC wants the request iterator to end, not raise
                return
            if message is None:
                return
            yield message

    async def _receive(self) -> None:
        import grpc

        try:
            self._call = self.stub.ClientStream(self._outgoing())
            async for message in self._call:
                for update in message.updates:
                    self._apply(update)
                if message.HasField("sync"):
                    event = self._syncs.pop(message.sync.id, None)
                    if event is not None:
                        event.set()
        except (grpc.aio.AioRpcError, asyncio.CancelledError):
            pass  # the coordinator went away, or stop(): `stopping` tells the waiters
        finally:
            self.stopping.set()
            self._out.put_nowait(None)
            for event in self._syncs.values():
                event.set()
            self._syncs.clear()

    def _apply(self, update: Any) -> None:
        kind = update.WhichOneof("kind")
        if kind == "place":
            self.places[update.place.name] = update.place
        elif kind == "del_place":
            self.places.pop(update.del_place, None)
        elif kind == "resource":
            res = update.resource
            params = map_values(res.params)
            params["extra"] = map_values(res.extra)
            key = (res.path.exporter_name, res.path.group_name, res.path.resource_name)
            self.resources[key] = Resource(*key, res.cls, params, res.acquired or None, res.avail)
        elif kind == "del_resource":
            path = update.del_resource
            self.resources.pop((path.exporter_name, path.group_name, path.resource_name), None)
