"""Hard reset: the reset button, by whatever means this board offers."""

from __future__ import annotations

import time

from boardkit import ports, virtual
from boardkit.errors import BoardkitError
from boardkit.links import CredentialsProvider, open_link
from boardkit.repl import RawRepl


def hard_reset(port: str | None, credentials: CredentialsProvider | None = None) -> str:
    """Reset the board named by port (or the only one); return how it was done.

    Virtual boards restart their emulator. Real boards get machine.reset() (or
    microbit.reset()) when they still listen; otherwise the RTS/DTR lines are pulsed,
    which resets ESP32-style boards wired for auto-reset. credentials: for a link that asks
    for a password (WebREPL).
    """
    url = ports.resolve(port)
    board = virtual.find(url)
    if board is not None:
        virtual.hard_reset(board.name)
        return f"restarted virtual board {board.name}"
    link = open_link(url, credentials=credentials)
    try:
        repl = RawRepl(link, answer_timeout=2.0)
        try:
            repl.enter()
            # The board reboots mid-command, so do not wait for it to finish.
            link.write(b"try:\n import machine as m\nexcept ImportError:\n import microbit as m\nm.reset()\x04")
            return "machine.reset()"
        except BoardkitError:
            pass  # not listening: try the reset line instead
        if hasattr(link, "set_lines"):
            # EN is wired to RTS on ESP32 dev boards: pull it low, then let go.
            try:
                link.set_lines(dtr=False, rts=True)
                time.sleep(0.1)
                link.set_lines(dtr=False, rts=False)
                return "pulsed RTS"
            except OSError:
                pass  # a port without modem lines (a pty, some adapters)
        raise BoardkitError("this board cannot be reset from here", hint="press its reset button or unplug it")
    finally:
        link.close()
