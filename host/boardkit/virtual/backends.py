"""Names kept for code that imported them from here; each kind now lives in kinds/.

kinds/base.py       Backend, READY_MARKER
kinds/wasm.py       the WebAssembly board on node
kinds/microbit.py   the micro:bit in QEMU (MICROBIT_FIRMWARE)
"""

from __future__ import annotations

from boardkit.system_packages import MICROBIT_FIRMWARE
from boardkit.virtual.kinds import backend
from boardkit.virtual.kinds.base import READY_MARKER, Backend

__all__ = ["MICROBIT_FIRMWARE", "READY_MARKER", "Backend", "backend"]
