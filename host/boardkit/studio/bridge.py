"""A WebSocket <-> board byte relay: the page's raw-REPL client talks through it to any board
boardkit can reach (a virtual board's name, /dev/ttyACM0, rfc2217://, socket://, ws:// WebREPL).

Binary messages carry the board's bytes both ways; text messages are the relay's own news as
JSON: {"event": "open", "url"} once the board's link is open, {"event": "error", "message"}.
One relay per board at a time: a second page (or a teacher's action) on the same board ends
the first relay, which tells its page why.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from boardkit import ports
from boardkit.errors import BoardkitError
from boardkit.links import Link, open_link

READ_TIMEOUT = 0.05  # seconds a reader waits for the board before looking whether to stop


class Relays:
    """The relays open now, by board URL (so a board is driven by one thing at a time)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, Callable[[str], None]] = {}

    def claim(self, url: str, release: Callable[[str], None]) -> None:
        with self._lock:
            old = self._open.pop(url, None)
            self._open[url] = release
        if old:
            old("another page took over this board")

    def drop(self, url: str, release: Callable[[str], None]) -> None:
        with self._lock:
            if self._open.get(url) is release:
                del self._open[url]

    def release(self, url: str, why: str) -> None:
        """End the relay on url, if any (a teacher's action needs the board)."""
        with self._lock:
            old = self._open.pop(url, None)
        if old:
            old(why)


def resolve(target: str) -> str:
    """The link URL for a board name or URL (a virtual board's name becomes its port)."""
    return ports.resolve(target)


async def relay(ws: ServerConnection, url: str, relays: Relays) -> None:
    """Relay bytes between ws and the board at url until either side goes."""
    loop = asyncio.get_running_loop()
    try:
        link: Link = await loop.run_in_executor(None, lambda: open_link(url))
    except BoardkitError as exc:
        await _say(ws, {"event": "error", "message": f"{exc}" + (f" — {exc.hint}" if exc.hint else "")})
        await ws.close(1011, "the board could not be opened")
        return
    stop = threading.Event()
    why: list[str] = []

    def release(reason: str) -> None:
        why.append(reason)
        stop.set()
        asyncio.run_coroutine_threadsafe(ws.close(1000, reason[:120]), loop)

    relays.claim(url, release)
    outbox: asyncio.Queue[bytes] = asyncio.Queue()

    async def sender() -> None:  # one sender keeps the board's bytes in order
        while True:
            await _send(ws, await outbox.get())

    def pump() -> None:  # board -> page, in its own thread: link.read blocks
        try:
            while not stop.is_set():
                data = link.read(4096, READ_TIMEOUT)
                if data:
                    loop.call_soon_threadsafe(outbox.put_nowait, data)
        except BoardkitError as exc:
            if not stop.is_set():
                why.append(f"the board went away ({exc})")
                asyncio.run_coroutine_threadsafe(ws.close(1011, why[-1][:120]), loop)
        except OSError as exc:
            if not stop.is_set():
                why.append(f"the board went away ({exc})")
                asyncio.run_coroutine_threadsafe(ws.close(1011, why[-1][:120]), loop)

    reader = threading.Thread(target=pump, name=f"relay {url}", daemon=True)
    reader.start()
    sending = asyncio.create_task(sender())
    try:
        await _say(ws, {"event": "open", "url": url})
        async for message in ws:
            if isinstance(message, bytes) and message:
                await loop.run_in_executor(None, link.write, message)
    except (ConnectionClosed, BoardkitError, OSError):
        pass
    finally:
        stop.set()
        relays.drop(url, release)
        await loop.run_in_executor(None, reader.join, 1.0)
        while not outbox.empty():
            await _send(ws, outbox.get_nowait())
        sending.cancel()
        try:
            link.close()
        except (BoardkitError, OSError):
            pass
        if why:
            await ws.close(1011, why[-1][:120])


async def _send(ws: ServerConnection, data: bytes) -> None:
    try:
        await ws.send(data)
    except ConnectionClosed:
        pass


async def _say(ws: ServerConnection, message: dict[str, str]) -> None:
    try:
        await ws.send(json.dumps(message))
    except ConnectionClosed:
        pass
