"""WebREPL links: MicroPython's REPL over a websocket (ws://host:8266, ESP32/ESP8266).

On connect the board sends "Password: "; we answer with the password and "\\r"; the board
says "WebREPL connected" (or "Access denied" and closes). After that the websocket carries
the REPL byte stream both ways, so the raw REPL and raw-paste work as over a UART.

Keystrokes go out as text frames; text frames are received as raw bytes, never decoded, so
a multi-byte character split across frames passes through intact. A reader thread moves
incoming text frames into a buffer that read()/pending() serve from. Binary frames are
WebREPL's separate file-transfer protocol (webrepl_files.py): they go to a buffer of their
own, and `file_transfer()` offers PUT/GET once the board has answered GET_VER.

The password is never logged, put in an error message or shown by repr().
"""

from __future__ import annotations

import os
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from boardkit.errors import AuthError, LinkError
from boardkit.links import CredentialsProvider, LinkScheme
from boardkit.links.webrepl_files import WebReplFiles, probe_version

if TYPE_CHECKING:
    from websockets.sync.client import ClientConnection

DEFAULT_PORT = 8266
HANDSHAKE_TIMEOUT = 10.0
PROMPT = b"Password: "
CONNECTED = b"WebREPL connected"
DENIED = b"Access denied"
# Set to 0 to move files through the raw REPL even where the board's WebREPL has PUT/GET.
ENV_FILES = "BOARDKIT_WEBREPL_FILES"


def display_url(url: str) -> str:
    """The URL without any user:password@ part (a password must never reach a message)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return f"{parts.scheme}://{netloc}{parts.path}"


class WebReplLink:
    """A WebREPL session seen as a Link."""

    def __init__(self, ws: ClientConnection, url: str) -> None:
        self._ws = ws
        self.url = url
        self._buf = bytearray()
        self._cond = threading.Condition()
        self._closed = False
        self._error: str | None = None
        self._held = b""  # an incomplete UTF-8 character waiting for its other bytes
        self._reader: threading.Thread | None = None
        self._binary = bytearray()  # bytes of binary frames (file-transfer answers)
        self._files: WebReplFiles | None = None
        self._probed = False

    def __repr__(self) -> str:
        return f"WebReplLink({self.url!r})"

    # ------------------------------------------------------------------ reading
    def _start_reader(self) -> None:
        self._reader = threading.Thread(target=self._pump, name="webrepl-reader", daemon=True)
        self._reader.start()

    def _pump(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            while True:
                data = self._ws.recv(decode=False)
                with self._cond:
                    self._buf += data
                    self._cond.notify_all()
        except ConnectionClosed as exc:
            reason = "the board closed the connection"
            if exc.rcvd is None and exc.sent is None:
                reason = "connection lost"
            self._stop(reason)
        except Exception as exc:  # the socket broke under us
            self._stop(str(exc).strip() or type(exc).__name__)

    def take_binary(self, data: bytes) -> None:
        """A binary frame arrived (called from the connection's receiving thread)."""
        with self._cond:
            self._binary += data
            self._cond.notify_all()

    def _stop(self, reason: str) -> None:
        with self._cond:
            if self._error is None:
                self._error = reason
            self._closed = True
            self._cond.notify_all()

    def _broken(self) -> LinkError:
        return LinkError(
            f"lost the connection to {self.url} ({self._error or 'closed'})",
            hint="check the board is still powered and on the network, then try again",
        )

    def read(self, max_bytes: int, timeout: float) -> bytes:
        return self._take(self._buf, max_bytes, 1, timeout)

    def _take(self, buf: bytearray, most: int, least: int, timeout: float) -> bytes:
        """Up to `most` bytes of `buf` once it holds `least`; b"" when they did not come in time."""
        deadline = time.monotonic() + max(timeout, 0.0)
        with self._cond:
            while len(buf) < least:
                if self._closed:
                    raise self._broken()
                left = deadline - time.monotonic()
                if left <= 0:
                    return b""
                self._cond.wait(left)
            data = bytes(buf[:most])
            del buf[:most]
            return data

    def pending(self) -> int:
        with self._cond:
            if not self._buf and self._closed:
                raise self._broken()
            return len(self._buf)

    # ------------------------------------------------------------------ file transfer
    def send_binary(self, data: bytes) -> None:
        """One binary frame (a file-transfer record or file data)."""
        if self._closed:
            raise self._broken()
        try:
            self._ws.send(bytes(data))
        except Exception as exc:
            self._stop(str(exc).strip() or type(exc).__name__)
            raise self._broken() from exc

    def read_binary(self, size: int, timeout: float) -> bytes:
        """Exactly size bytes of binary frames, or b"" when they did not come in time."""
        return self._take(self._binary, size, size, timeout)

    def file_transfer(self) -> WebReplFiles | None:
        """WebREPL's PUT/GET for this board, or None when its WebREPL lacks them (asked once).

        Call it between REPL commands: a WebREPL without the protocol takes the probe for
        typing, which is cleared with Ctrl-C (the REPL's "clear the line")."""
        if not self._probed:
            self._probed = True
            if os.environ.get(ENV_FILES, "").strip().lower() in ("0", "off", "no", "false"):
                return None
            version = probe_version(self)
            if version is None:
                self.write(b"\x03")
                time.sleep(0.3)
                with self._cond:
                    self._buf.clear()
                    self._binary.clear()
            else:
                self._files = WebReplFiles(self, version)
        return self._files

    # ------------------------------------------------------------------ writing
    def write(self, data: bytes) -> None:
        data = self._held + bytes(data)
        self._held = b""
        cut = incomplete_utf8_tail(data)
        if cut:
            data, self._held = data[:-cut], data[-cut:]
        if not data:
            return
        if self._closed:
            raise self._broken()
        try:
            self._ws.send(data, text=True)  # text frame = REPL input on a real board
        except Exception as exc:
            self._stop(str(exc).strip() or type(exc).__name__)
            raise self._broken() from exc

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._error = self._error or "closed"
        try:
            self._ws.close()
        except Exception:  # closing a dead link must not mask the real error
            pass
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(timeout=2)

    # ------------------------------------------------------------------ handshake
    def _login(self, credentials: CredentialsProvider | None, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        self._expect([PROMPT], deadline, "the password prompt")
        with self._cond:
            self._buf.clear()
        if credentials is None:
            raise AuthError(f"{self.url} asks for a WebREPL password and none was given", hint=PASSWORD_HINT)
        # Asked only now that the board wants it: an interactive prompt shows only when needed.
        password = credentials(self.url)
        deadline = max(deadline, time.monotonic() + timeout / 2)  # time spent typing is not the board's
        self._ws.send((password + "\r").encode(), text=True)
        found, rest = self._expect([CONNECTED, DENIED], deadline, "an answer to the password")
        if found == DENIED:
            raise AuthError(f"wrong WebREPL password for {self.url}", hint=PASSWORD_HINT)
        # Keep what follows "WebREPL connected\r\n" (the ">>> " prompt) for the REPL layer.
        with self._cond:
            self._buf[:] = rest.lstrip(b"\r\n") + self._buf

    def _expect(self, markers: list[bytes], deadline: float, what: str) -> tuple[bytes, bytes]:
        seen = b""
        while True:
            for marker in markers:
                if marker in seen:
                    return marker, seen.split(marker, 1)[1]
            left = deadline - time.monotonic()
            if left <= 0:
                raise LinkError(
                    f"{self.url} did not send {what} within {HANDSHAKE_TIMEOUT:g} s",
                    hint="is WebREPL enabled on the board (import webrepl_setup)?",
                )
            try:
                seen += self.read(4096, left)
            except LinkError:
                if DENIED in seen:
                    return DENIED, b""
                if markers == [PROMPT]:
                    raise LinkError(
                        f"{self.url} closed the connection before asking for the password",
                        hint="another WebREPL client may be connected (a board takes one at "
                        "a time): close it and try again",
                    ) from None
                raise


PASSWORD_HINT = (
    "the password comes from --password-env VAR, BOARDKIT_WEBREPL_PASSWORD "
    "or [webrepl] in boardkit's config.toml (see docs/webrepl.md)"
)


def incomplete_utf8_tail(data: bytes) -> int:
    """How many bytes at the end start a UTF-8 character that is not complete yet (0-3)."""
    for back in range(1, min(3, len(data)) + 1):
        byte = data[-back]
        if byte & 0xC0 == 0x80:
            continue  # continuation byte: look further back for the lead byte
        if byte >= 0xF0:
            need = 4
        elif byte >= 0xE0:
            need = 3
        elif byte >= 0xC0:
            need = 2
        else:
            return 0
        return back if back < need else 0
    return 0


_incomplete_tail = incomplete_utf8_tail  # the name tests/unit knows


def open(url: str, credentials: CredentialsProvider | None = None, timeout: float = HANDSHAKE_TIMEOUT) -> WebReplLink:
    """Open a WebREPL session; credentials(url) gives the password when the board asks for it."""
    shown = display_url(url)
    parts = urlsplit(url)
    if not parts.hostname:
        raise LinkError(f"no host in {shown}", hint="use ws://HOST:8266, e.g. ws://192.168.4.1:8266")
    target = (
        f"ws://{parts.hostname if ':' not in parts.hostname else '[' + parts.hostname + ']'}"
        f":{parts.port or DEFAULT_PORT}{parts.path or '/'}"
    )
    from websockets.sync.client import connect

    from boardkit.links.webrepl_connection import WebReplConnection

    try:
        # No compression or pings: MicroPython's websocket speaks neither.
        # Entering the context is the connection (websockets 13-17 alike); close() ends it.
        ws = connect(
            target,
            open_timeout=timeout,
            compression=None,
            ping_interval=None,
            max_size=None,
            close_timeout=1,
            create_connection=WebReplConnection,
        ).__enter__()
    except ConnectionRefusedError as exc:
        raise LinkError(
            f"cannot reach {shown}: connection refused",
            hint="check the address and port, and that WebREPL is running on the board",
        ) from exc
    except TimeoutError as exc:
        raise LinkError(
            f"cannot reach {shown}: timed out", hint="check the board is on this network and the address is right"
        ) from exc
    except OSError as exc:
        raise LinkError(
            f"cannot reach {shown}: {exc.strerror or exc}",
            hint="check the address and port, and that the board is on the network",
        ) from exc
    except Exception as exc:  # InvalidHandshake, InvalidURI, ...
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise LinkError(
            f"cannot open a WebREPL session with {shown}: {text}",
            hint="check the URL (ws://HOST:8266) and that WebREPL is enabled on the board",
        ) from exc
    link = WebReplLink(ws, shown)
    if isinstance(ws, WebReplConnection):
        ws.binary_sink = link.take_binary
    link._start_reader()
    try:
        link._login(credentials, timeout)
    except BaseException:
        link.close()
        raise
    return link


SCHEME = LinkScheme(
    schemes=("ws",),
    open=open,
    options=frozenset({"credentials", "timeout"}),
    description="MicroPython WebREPL over a websocket",
)
