"""What a board can do, asked once per session: lib/bk_probe.py's answer as Capabilities.

Capabilities are probed, not assumed: a micro:bit v1 has no os.stat and a few KB of heap,
a CircuitPython board may have no statvfs. Everything above adapts to this answer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from boardkit import device_code
from boardkit.errors import DeviceError, RemoteError
from boardkit.safe_ast import literal

SMALL_HEAP_BYTES = 32 * 1024  # under this much free, a board is treated like the micro:bit v1


@dataclass
class Capabilities:
    implementation: str  # "micropython" | "circuitpython"
    version: tuple[int, int, int]
    platform: str  # sys.platform: "esp32", "rp2", "microbit", "webassembly", ...
    machine: str
    release: str
    mem_free: int
    mem_total: int
    os_calls: list[str] = field(default_factory=list)
    binascii: bool = False
    fs_space: tuple[int, int] | None = None  # (free, total) bytes, where statvfs exists
    mpy_version: int = 0  # sys.implementation._mpy (.mpy in 1.12-1.18); 0: not said
    sha256: bool = False  # hashlib.sha256 on the board (else Adler-32)
    deflate: bool = False  # the deflate module (MicroPython 1.21+): transfers go compressed

    @property
    def version_text(self) -> str:
        return ".".join(str(p) for p in self.version)

    @property
    def has_folders(self) -> bool:
        return "mkdir" in self.os_calls

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["version"] = self.version_text
        data["has_folders"] = self.has_folders
        return data


def small_heap(caps: Capabilities) -> bool:
    """Boards like the micro:bit v1: helpers go one exec at a time, a few at once."""
    return caps.mem_free < SMALL_HEAP_BYTES


def probe(exec_own: Callable[[str], bytes], fresh_raw_repl: Callable[[], None]) -> Capabilities:
    """Ask the board what it is and has.

    exec_own runs boardkit's own code (resent if garbled on the way); fresh_raw_repl frees
    the raw REPL's line buffer, the one recovery tried when the board is out of memory.
    """
    raw = _run_probe(exec_own)
    if raw is None:
        # After a transfer cut mid-code the raw REPL's line buffer can hold KBs of a small
        # heap: free it (the REPL's globals stay) and try once more.
        fresh_raw_repl()
        raw = _run_probe(exec_own)
    if raw is None:
        # What fills the heap is the REPL's globals from earlier programs, not ours.
        raise DeviceError(
            "the board is out of memory before boardkit could start: objects from earlier programs fill its heap",
            hint="`boardkit reset` gives it a fresh heap",
        )
    return parse_probe(raw)


def parse_probe(raw: str) -> Capabilities:
    """Capabilities from the last line lib/bk_probe.py printed."""
    try:
        values = literal(raw.splitlines()[-1])
    except (ValueError, SyntaxError, IndexError):
        raise DeviceError(
            f"the board's answer to the capability probe was not understood: {raw[:60]!r}",
            hint="is this MicroPython or CircuitPython?",
        ) from None
    (impl, version, platform, machine, release, free, total, calls, binascii, space, mpy, sha) = values[:12]
    return Capabilities(
        impl,
        tuple(version),
        platform,
        machine,
        release,
        free,
        total,
        list(calls),
        bool(binascii),
        tuple(space) if space else None,
        mpy,
        bool(sha),
        bool(values[12]) if len(values) > 12 else False,
    )


def _run_probe(exec_own: Callable[[str], bytes]) -> str | None:
    """The probe's answer; None if the board ran out of memory."""
    try:
        exec_own(device_code.source("bk_clean"))
        return exec_own(device_code.source("bk_probe")).decode(errors="replace").strip()
    except RemoteError as exc:
        if exc.exc_type != "MemoryError":
            raise
        return None
