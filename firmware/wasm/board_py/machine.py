"""`machine` for boardkit's wasm virtual board: the few calls clients use to drive a board.

MicroPython's WebAssembly build has no `machine` module. This one is imported once at each
boot (before the REPL starts) from a folder the board's own filesystem cannot see, so it
behaves like a built-in module. The resets ask board.mjs, which reboots the interpreter
once the running code has unwound (SystemExit), as a real board never returns from them.
"""

from js import boardkitBoard as _board

PWRON_RESET = 1
HARD_RESET = 2
WDT_RESET = 3
DEEPSLEEP_RESET = 4
SOFT_RESET = 5

_FREQS = (20000000, 40000000, 80000000, 160000000, 240000000)  # an ESP32's choices
_freq = [160000000]


def reset():
    """Hard reset: a fresh interpreter, the boot banner, the friendly REPL (files kept)."""
    _board.requestReset("hard")
    raise SystemExit


def soft_reset():
    """Soft reset, as Ctrl-D at an empty REPL line."""
    _board.requestReset("soft")
    raise SystemExit


def reset_cause():
    return int(_board.resetCause)


def unique_id():
    return bytes.fromhex(_board.uniqueId)


def freq(hz=None):
    if hz is None:
        return _freq[0]
    if hz not in _FREQS:
        raise ValueError("frequency must be 20MHz, 40MHz, 80Mhz, 160MHz or 240MHz")
    _freq[0] = hz


class RTC:
    """The board's clock (time.time(), time.localtime()): set it and they follow, until
    power-off, as on a board without a backup battery."""

    def __init__(self, id=0):
        pass

    def datetime(self, dt=None):
        import time

        if dt is None:
            t = time.localtime()
            return (t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0)
        # (year, month, day, weekday, hours, minutes, seconds, subseconds)
        _board.setTime(time.mktime((dt[0], dt[1], dt[2], dt[4], dt[5], dt[6], 0, 0)))

    def init(self, dt):
        self.datetime(dt)


def idle():
    pass


def disable_irq():
    return 0


def enable_irq(state=0):
    pass
