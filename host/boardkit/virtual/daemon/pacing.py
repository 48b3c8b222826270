"""Pacing the bytes between a virtual board and its clients, like a UART would.

With --baud each direction goes through a token bucket of B/10 bytes per second (8N1
framing); an emulated chip with a small receive buffer (the micro:bit) is also fed no
faster than its real UART could take input, in ~1 ms bursts.
"""

from __future__ import annotations

import os
import time

BUFFER_LIMIT = 64 * 1024  # stop reading a side when this much is waiting for the other
STALL_DROP_SECONDS = 3.0  # nobody reads the pty: drop output (UART overrun), keep the board alive


class TokenBucket:
    """B/10 bytes per second, released in small slices (≈10 ms worth) so the flow is smooth."""

    def __init__(self, bytes_per_second: float, burst_seconds: float = 0.02, slice_seconds: float = 0.005) -> None:
        self.rate = bytes_per_second
        self.capacity = max(1.0, bytes_per_second * burst_seconds)
        self.slice = max(1.0, bytes_per_second * slice_seconds)  # don't wake up for less than this
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def available(self) -> int:
        self._refill()
        return int(self.tokens)

    def take(self, n: int) -> None:
        self.tokens -= n

    def ready(self, pending: int) -> bool:
        self._refill()
        return self.tokens >= min(pending, self.slice)

    def wait(self, pending: int) -> float:
        """Seconds until the next slice (or all that is pending, if less) may go."""
        self._refill()
        return max(0.0, (min(pending, self.slice) - self.tokens) / self.rate)


class Stream:
    """Bytes waiting to go one way, with an optional throttle."""

    def __init__(self, baud: int | None, fine: bool = False) -> None:
        self.buf = bytearray()
        # fine: ~1 ms bursts. An emulated UART hands a burst to the guest at once, and
        # the micro:bit firmware's small receive buffer overflows on bursts a wire never sends.
        timing = {"burst_seconds": 0.001, "slice_seconds": 0.001} if fine else {}
        self.bucket = TokenBucket(baud / 10, **timing) if baud else None

    def allowance(self) -> int:
        """How many waiting bytes may go now."""
        if not self.buf:
            return 0
        if self.bucket is None:
            return len(self.buf)
        if not self.bucket.ready(len(self.buf)):
            return 0
        return min(len(self.buf), self.bucket.available())

    def write_to(self, fd: int) -> int:
        """Write what may go now to fd (non-blocking); the number of bytes written."""
        n = self.allowance()
        if n <= 0:
            return 0
        try:
            written = os.write(fd, self.buf[:n])
        except BlockingIOError:
            return 0
        del self.buf[:written]
        if self.bucket:
            self.bucket.take(written)
        return written

    def timeout(self) -> float | None:
        """Seconds until throttled bytes may go (None: nothing waits on the throttle)."""
        # Whenever throttled bytes wait, wake up by the time they may go. (Asking ready()
        # here and again in allowance() raced: tokens refill between the two calls, so the
        # loop could neither register the write nor set a timeout, and sleep with bytes
        # pending until the next input arrived.)
        if self.buf and self.bucket:
            return self.bucket.wait(len(self.buf))
        return None
