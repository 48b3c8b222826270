"""The order boardkit drives DTR and RTS in, on open and close (a fake port records it).

Why the order matters: an ESP32 board's auto-reset circuit resets the chip when RTS is
asserted while DTR is not. No real CP210x bridge is attached here, so a recorder stands in.
"""

from __future__ import annotations

import sys
from types import SimpleNamespace

import serial
from serial.tools import list_ports

from boardkit.links import serial_link


class RecordingPort:
    def __init__(self):
        self.events = []
        self.timeout = 0.1
        self.__dict__["dtr"] = self.__dict__["rts"] = None

    def __setattr__(self, name, value):
        if name in ("dtr", "rts"):
            self.events.append((name, value))
        super().__setattr__(name, value)

    def open(self):
        self.events.append(("open", None))

    def close(self):
        self.events.append(("close", None))


def _never_resets(events):
    """Replay the line changes: no moment with RTS asserted and DTR clear after the port opened."""
    lines = {"dtr": True, "rts": True}  # what the driver asserts by default
    opened = False
    for name, value in events:
        if name == "open":
            opened = True
        elif name in lines:
            lines[name] = value
            if opened and lines["rts"] and not lines["dtr"]:
                return False
    return True


def _open(monkeypatch, vid):
    port = RecordingPort()
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(serial, "serial_for_url", lambda *a, **kw: port)
    monkeypatch.setattr(list_ports, "comports", lambda: [SimpleNamespace(device="COM7", vid=vid)])
    return serial_link.open("COM7"), port


def test_a_cp210x_on_windows_is_opened_without_a_reset(monkeypatch):
    link, port = _open(monkeypatch, vid=serial_link.SILICON_LABS_VID)
    assert port.events == [("dtr", False), ("rts", False), ("open", None), ("dtr", True), ("rts", True)]
    assert _never_resets(port.events)
    link.close()
    assert port.events[-3:] == [("rts", False), ("dtr", False), ("close", None)]
    assert _never_resets(port.events)


def test_other_ports_open_as_pyserial_does(monkeypatch):
    link, port = _open(monkeypatch, vid=0x2E8A)
    assert port.events == [("open", None)]
    link.close()
    assert _never_resets(port.events)
