"""Serial-like links through pyserial: device paths, socket://, rfc2217://, loop://."""

from __future__ import annotations

import errno
import os
import sys
import time
from typing import Any

import serial

from boardkit.errors import LinkError, PortBusy, PortNotFound
from boardkit.links import LinkScheme

DEFAULT_BAUD = 115200
# Reads wait at most this long at a time (callers loop to their own deadlines). Few distinct
# values matter: setting a timeout on an rfc2217:// port renegotiates it with the server.
READ_SLICES = (0.01, 0.05)


class SerialLink:
    """A pyserial port seen as a Link."""

    def __init__(self, port: serial.SerialBase, url: str):
        self._port = port
        self.url = url
        self._timeout = port.timeout

    def write(self, data: bytes) -> None:
        try:
            self._port.write(data)
        except (serial.SerialException, OSError) as exc:
            raise _broken(self.url, exc) from exc

    def read(self, max_bytes: int, timeout: float) -> bytes:
        try:
            waiting = self._waiting()
            if waiting:
                return self._port.read(min(waiting, max_bytes))
            wait = 0.0 if timeout <= 0 else READ_SLICES[1] if timeout >= READ_SLICES[1] else READ_SLICES[0]
            if wait != self._timeout:
                self._port.timeout = self._timeout = wait
            first = self._port.read(1)
            if not first:
                return b""
            more = min(self._waiting(), max_bytes - 1)
            return first + (self._port.read(more) if more > 0 else b"")
        except (serial.SerialException, OSError, TypeError) as exc:
            # pyserial raises TypeError from inside read() when the fd was closed under it.
            raise _broken(self.url, exc) from exc

    def _waiting(self) -> int:
        # every pyserial port class has in_waiting; SerialBase, its declared type, does not
        waiting: int = self._port.in_waiting  # type: ignore[attr-defined]
        return waiting

    def pending(self) -> int:
        try:
            return self._waiting()
        except (serial.SerialException, OSError) as exc:
            raise _broken(self.url, exc) from exc

    def set_lines(self, dtr: bool | None = None, rts: bool | None = None) -> None:
        """Drive the modem lines (used for hardware reset of ESP32-style boards)."""
        if dtr is not None:
            self._port.dtr = dtr
        if rts is not None:
            self._port.rts = rts

    def close(self) -> None:
        # ESP32 boards' auto-reset circuit resets the chip when DTR drops while RTS is still
        # asserted, which is what some drivers (CP210x on Windows) do on close: drop RTS first.
        for line in ("rts", "dtr"):
            try:
                setattr(self._port, line, False)
            except Exception:  # ptys and network ports have no modem lines
                pass
        try:
            self._port.close()
        except Exception:  # closing a dead port must not mask the real error
            pass


def _broken(url: str, exc: Exception) -> LinkError:
    return LinkError(
        f"lost the connection to {url} ({_reason(exc)})",
        hint="check the cable or that the board is still running, then try again",
    )


def _reason(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def open(url: str, baudrate: int = DEFAULT_BAUD) -> SerialLink:
    """Open a device path or a pyserial URL (socket://, rfc2217://, loop://) as a Link."""
    is_path = "://" not in url
    if is_path and sys.platform != "win32" and not os.path.exists(url):
        raise PortNotFound(f"no such port: {url}", hint="run `boardkit devices` to see the boards present")
    try:
        # exclusive=True: two programs writing to one board corrupt each other's
        # traffic; refuse instead (pyserial takes an flock on POSIX).
        kwargs: dict[str, Any] = {"exclusive": True} if is_path and sys.platform != "win32" else {}
        port: Any  # serial.Serial, or pyserial's rfc2217 Serial (SerialBase has no open())
        if url.lower().startswith("rfc2217://"):  # pyserial's rfc2217 client has no write timeout
            from boardkit.links.rfc2217_port import make_port  # only here: it costs start-up time

            port = make_port(url, baudrate=baudrate, timeout=0.1)
        else:
            kwargs["write_timeout"] = 10
            port = serial.serial_for_url(url, baudrate=baudrate, timeout=0.1, do_not_open=True, **kwargs)
        _open_patiently(port, url, lines_apart=is_path and _raises_lines_apart(url))
    except serial.SerialException as exc:
        raise _open_error(url, exc) from exc
    except (OSError, ValueError) as exc:
        raise LinkError(f"cannot open {url}: {_reason(exc)}", hint="check the port name or URL") from exc
    return SerialLink(port, url)


BUSY_PATIENCE = 0.5  # seconds a port may stay locked before it counts as held by another program


def _open_patiently(port: Any, url: str, lines_apart: bool) -> None:
    """Open the port; a lock that lets go within BUSY_PATIENCE was not another program's.

    A port this process has just closed can stay locked for a moment: a child forked by
    another thread (a fleet starting boards) holds a copy of the lock until it execs.
    """
    deadline = time.monotonic() + BUSY_PATIENCE
    while True:
        try:
            if lines_apart:
                # The CP210x driver on Windows asserts DTR and RTS at different moments on the
                # first open after power-up, which an ESP32's auto-reset circuit takes for a reset.
                # Open with both clear, then assert DTR before RTS: no combination on the way
                # resets the chip.
                port.dtr = False
                port.rts = False
                port.open()
                port.dtr = True
                port.rts = True
            else:
                port.open()
            return
        except serial.SerialException as exc:
            if not isinstance(_open_error(url, exc), PortBusy) or time.monotonic() >= deadline:
                raise
        time.sleep(0.02)


SILICON_LABS_VID = 0x10C4


def _raises_lines_apart(url: str) -> bool:
    """True for a CP210x port on Windows (see open())."""
    if sys.platform != "win32":
        return False
    from serial.tools import list_ports

    return any(p.vid == SILICON_LABS_VID for p in list_ports.comports() if p.device.upper() == url.upper())


def _open_error(url: str, exc: serial.SerialException) -> LinkError:
    text = _reason(exc)
    silent = None
    if url.lower().startswith("rfc2217://"):
        from boardkit.links.rfc2217_port import open_error as rfc2217_open_error

        silent = rfc2217_open_error(url, text)
    if silent is not None:
        return silent
    code = getattr(exc, "errno", None)
    lowered = text.lower()
    if (
        code in (errno.EBUSY, errno.EACCES)
        and "permission" not in lowered
        or "exclusively lock" in lowered
        or "resource busy" in lowered
        or "access is denied" in lowered
    ):
        return PortBusy(
            f"{url} is in use by another program",
            hint="close the other program (a serial monitor, Thonny, mpremote...) and try again",
        )
    if "permission denied" in lowered:
        return LinkError(
            f"no permission to open {url}",
            hint="add yourself to the 'dialout' group (sudo usermod -aG dialout $USER) and log in again",
        )
    if code == errno.ENOENT or "could not open port" in lowered and "no such file" in lowered:
        return PortNotFound(f"no such port: {url}", hint="run `boardkit devices` to see the boards present")
    if (
        "connection refused" in lowered
        or "timed out" in lowered
        or "name or service" in lowered
        or "could not open" in lowered
        and "://" in url
    ):
        return LinkError(
            f"cannot reach {url}: {text}", hint="check the host and port, and that the serial server is running"
        )
    return LinkError(f"cannot open {url}: {text}", hint="check the port name or URL")


SCHEME = LinkScheme(
    schemes=("", "socket", "rfc2217", "loop"),
    open=open,
    options=frozenset({"baudrate"}),
    description="serial ports and pyserial URLs",
)
