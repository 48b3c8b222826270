"""Finding boards: serial ports that look like boards, plus running virtual boards."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, dataclass

from boardkit.errors import InvalidInput, PortNotFound

# USB vendor ids of boards and of the USB-serial bridges boards use; anything else
# on a USB port is still listed, but only these count when picking "the" board.
BOARD_VIDS = {
    0x2E8A: "Raspberry Pi",  # RP2040 / RP2350 (Pico)
    0x0D28: "ARM mbed DAPLink",  # BBC micro:bit
    0x303A: "Espressif",  # ESP32-S2/S3/C3 native USB
    0x10C4: "Silicon Labs CP210x",
    0x1A86: "QinHeng CH340/CH9102",
    0x0403: "FTDI",
    0x239A: "Adafruit",  # CircuitPython boards
    0xF055: "MicroPython",  # pyboard and MicroPython's own USB id
    0x2886: "Seeed",
}


@dataclass
class PortInfo:
    port: str  # what -p takes
    kind: str  # "serial" | "virtual"
    description: str
    vid_pid: str = ""
    serial_number: str = ""
    location: str = ""  # USB path, for adapters without serial numbers
    virtual_name: str = ""

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def serial_ports(include_all: bool = False) -> list[PortInfo]:
    from serial.tools import list_ports

    found = []
    for p in sorted(list_ports.comports(), key=lambda p: p.device):
        if p.vid is None and not include_all:
            continue  # legacy /dev/ttyS* and friends: never a USB board
        if not include_all and p.vid not in BOARD_VIDS and "ACM" not in p.device and "USB" not in p.device:
            continue
        vid_pid = f"{p.vid:04x}:{p.pid:04x}" if p.vid is not None else ""
        description = p.product or p.description or BOARD_VIDS.get(p.vid or -1, "")
        if p.manufacturer and p.manufacturer not in description:
            description = f"{p.manufacturer} {description}".strip()
        found.append(PortInfo(p.device, "serial", description, vid_pid, p.serial_number or "", p.location or ""))
    return found


def virtual_ports() -> list[PortInfo]:
    from boardkit import virtual

    return [
        PortInfo(
            b.port, "virtual", f"virtual {b.kind} board" + (f" at {b.baud} baud" if b.baud else ""), virtual_name=b.name
        )
        for b in virtual.list_boards()
    ]


def all_ports(include_all: bool = False) -> list[PortInfo]:
    return serial_ports(include_all) + virtual_ports()


def resolve(port: str | None) -> str:
    """Turn -p (a URL, a device path, a virtual board's name, or nothing) into a URL."""
    if port:
        if _is_path_or_url(port):
            return port  # nothing to look up: keeps `-p /dev/ttyACM0 exec` quick
        from boardkit import virtual

        board = virtual.find(port)
        if board:
            return board.port
        if sys.platform == "win32" or os.path.exists(port):
            return port
        raise PortNotFound(
            f"no port or virtual board named {port!r}", hint="run `boardkit devices` to see the boards present"
        )
    candidates = all_ports()
    if len(candidates) == 1:
        return candidates[0].port
    if not candidates:
        raise InvalidInput(
            "no board found", hint="plug one in and give -p PORT, or start a virtual board: boardkit virtual start wasm"
        )
    listing = ", ".join(c.virtual_name or c.port for c in candidates)
    raise InvalidInput(
        f"{len(candidates)} boards present ({listing})", hint="choose one with -p PORT (see `boardkit devices`)"
    )


def _is_path_or_url(port: str) -> bool:
    return "://" in port or "/" in port or "\\" in port or port.upper().startswith("COM")
