"""A ser2net stand-in on loopback: one board's pty served over TCP, raw or RFC 2217.

This is the shape of a board on another computer (ser2net, a labgrid exporter):
boardkit reaches it as socket://127.0.0.1:PORT or rfc2217://127.0.0.1:PORT. The RFC 2217
side is pyserial's own PortManager, as in pyserial's example server.
"""

from __future__ import annotations

import select
import socket
import threading

import serial
import serial.rfc2217


class SerialServer:
    def __init__(self, device: str, rfc2217: bool):
        self.device = device
        self.rfc2217 = rfc2217
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"{'rfc2217' if self.rfc2217 else 'socket'}://127.0.0.1:{self.port}"

    def __enter__(self) -> SerialServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self.listener.close()
        self._thread.join(timeout=5)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.listener], [], [], 0.1)
                if not ready:
                    continue
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn, _PtySerial(self.device, 115200, timeout=0) as port:
                self._shuttle(conn, port)

    def _shuttle(self, conn: socket.socket, port: serial.Serial) -> None:
        manager = serial.rfc2217.PortManager(port, _Writer(conn)) if self.rfc2217 else None
        while not self._stop.is_set():
            ready, _, _ = select.select([conn, port.fileno()], [], [], 0.1)
            if port.fileno() in ready:
                data = port.read(4096)
                if data:
                    conn.sendall(b"".join(manager.escape(data)) if manager else data)
            if conn in ready:
                data = conn.recv(4096)
                if not data:
                    return  # client hung up
                port.write(b"".join(manager.filter(data)) if manager else data)


class _Writer:
    """PortManager writes its telnet replies with .write()."""

    def __init__(self, conn: socket.socket):
        self.conn = conn

    def write(self, data: bytes) -> None:
        self.conn.sendall(data)


class _PtySerial(serial.Serial):
    """A pty has no modem lines; the RFC 2217 server asks for them anyway."""

    def _update_dtr_state(self):
        pass

    def _update_rts_state(self):
        pass

    cts = dsr = ri = cd = property(lambda self: False)
