"""What a module costs in heap once imported: measured on the image itself, booted in QEMU.

Each module is imported on a freshly soft-reset board, between two `gc.collect()` calls; the
drop in `gc.mem_free()` is what the import keeps (its bytecode when imported from a file, only
its globals and the objects it made when frozen). Module code that waits for a sensor QEMU
lacks (temperature(), compass, radio) would hang: each import is bounded by IMPORT_TIMEOUT.

    heap = measure_imports(Path("out.hex"), ["helpers"])               # frozen modules
    heap = measure_imports(stock_hex, ["helpers"], files={"helpers.py": src})  # from a file
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from boardkit.errors import BoardkitError, RemoteError

IMPORT_TIMEOUT = 30.0
START_TIMEOUT = 60.0
# Inside a function, so that nothing the probe itself stores lands in the measured span.
PROBE = (
    "import gc\n"
    "def _bk_heap():\n"
    "    gc.collect()\n"
    "    before = gc.mem_free()\n"
    "    import {name}\n"
    "    gc.collect()\n"
    "    return before - gc.mem_free()\n"
    "print('BKHEAP', _bk_heap())\n"
)


def measure_imports(
    image: Path,
    names: list[str],
    files: dict[str, bytes] | None = None,
    on_note: Callable[[str], None] | None = None,
) -> dict[str, int | str]:
    """name -> heap bytes the import of that module keeps, or the error it raised (a string:
    "MemoryError: ..." for a module too big to import from a file)."""
    from boardkit import virtual
    from boardkit.api.session import connect

    if not names:
        return {}
    name = f"bk-measure-{os.getpid()}"
    if on_note:
        on_note("booting the image in QEMU to measure each module's heap")
    board = virtual.start("microbit", name=name, image=Path(image), files=files or None, timeout=START_TIMEOUT)
    results: dict[str, int | str] = {}
    try:
        with connect(board.port, timeout=15) as device:
            for module in names:
                device.soft_reset()
                try:
                    out = device.exec(PROBE.format(name=module), timeout=IMPORT_TIMEOUT).decode(errors="replace")
                except RemoteError as exc:
                    results[module] = exc.message  # "MemoryError: memory allocation failed, ..."
                    continue
                except BoardkitError as exc:
                    results[module] = f"error: {exc.message}"
                    break
                for line in out.splitlines():
                    if line.startswith("BKHEAP "):
                        results[module] = int(line.split()[1])
    finally:
        virtual.stop(board.name)
    return results
