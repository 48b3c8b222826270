"""Is the board running MicroPython after a flash? Wait for its banner on the serial port.

line = confirm_banner("/dev/ttyACM0", timeout=10)   # "MicroPython v1.27.0 on 2025-12-09; ..."
"""

from __future__ import annotations

import time

from boardkit.errors import FlashError

BANNER = b"MicroPython"
PROMPT = b">>> "


def confirm_banner(port: str, timeout: float = 10.0) -> str:
    """Wait for MicroPython on the port; return its banner line ("MicroPython v1.9.2 ...").

    Listens first, poking with CR-LF. A board busy running main.py gets Ctrl-C, Ctrl-B (the
    friendly REPL prints its banner) and then Ctrl-D, which soft-resets it so main.py runs again.
    """
    import serial

    deadline = time.monotonic() + timeout
    interrupt_at = time.monotonic() + min(timeout / 3, 2.0)
    seen, link, interrupted, asked = b"", None, False, False
    try:
        while time.monotonic() < deadline:
            if link is None:
                try:  # USB boards re-enumerate after flashing: reopen until the port is back
                    link = serial.serial_for_url(port, 115200, timeout=0.1)
                    link.write(b"\r\n")
                except (serial.SerialException, OSError, ValueError):
                    link = None
                    time.sleep(0.2)
                    continue
            try:
                seen += link.read(512)
                if PROMPT in seen and not asked:
                    link.write(b"\x02")  # at the prompt: Ctrl-B prints the banner
                    asked = True
                elif not interrupted and not asked and time.monotonic() >= interrupt_at:
                    link.write(b"\r\x03\x03")
                    interrupted = True
            except (serial.SerialException, OSError):
                link = None
                continue
            line = _banner_line(seen)
            if line and seen.rstrip().endswith(b">>>"):
                if interrupted:
                    link.write(b"\x04")  # soft reset: main.py runs again
                return line
    finally:
        if link is not None:
            try:
                link.close()
            except Exception:  # the port went away while we held it: nothing left to close
                pass
    tail = seen.decode("utf-8", "replace").strip()[-120:]
    raise FlashError(
        f"the image was written, but MicroPython did not answer on {port} within {timeout:g} s"
        + (f" (it printed: {tail!r})" if tail else " (it printed nothing)"),
        hint="press the board's reset button; if there is still no >>> prompt, flash it again",
    )


def _banner_line(seen: bytes) -> str | None:
    for line in reversed(seen.splitlines()):
        if line.startswith(BANNER) or b"MicroPython v" in line:
            return line.decode("utf-8", "replace").strip()
    return None
