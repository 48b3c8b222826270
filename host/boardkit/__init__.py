"""boardkit: one toolkit for MicroPython and CircuitPython boards."""

from boardkit.errors import (AuthError, BoardHung, BoardkitError, DeviceError, LinkError, LinkTimeout,
                             NoMicroPython, PortBusy, PortNotFound, RemoteError, RemoteFileError,
                             ReplError, UnsupportedOnBoard, VirtualBoardError)

__version__ = "0.1.0"


def connect(url=None, timeout=10.0, password=None):
    """Open a session with a board (see boardkit.api.connect)."""
    from boardkit.api import connect as _connect
    return _connect(url, timeout=timeout, password=password)


__all__ = ["connect", "BoardkitError", "LinkError", "AuthError", "PortNotFound", "PortBusy", "LinkTimeout",
           "ReplError", "NoMicroPython", "BoardHung", "DeviceError", "RemoteError",
           "RemoteFileError", "UnsupportedOnBoard", "VirtualBoardError"]
