"""Benchmark: micro:bit firmware built with frozen modules (prints JSON).

Build time cold (source fetched into an empty data folder) and warm (cached, only the frozen
modules changed: a relink), image size, filesystem left, and the heap one import keeps, frozen
vs from a file on Debian's stock firmware, for three module sizes. The alternative a teacher
has today is the file import on the stock image, measured side by side.

    python tests/bench/bench_firmware.py [--warm-only]
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boardkit.api import build_firmware, resolve_board  # noqa: E402
from boardkit.firmware.build.measure import measure_imports  # noqa: E402
from boardkit.system_packages import MICROBIT_FIRMWARE  # noqa: E402
from test_firmware_build import lesson_module  # noqa: E402

SIZES = {"small": 6, "lesson": 14, "big": 42}  # functions: about 1.1, 2.5 and 7.3 KB of source


def main() -> None:
    board = resolve_board("microbit_v1")
    report: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="bench-fw-") as tmp:
        folder = Path(tmp) / "lesson"
        folder.mkdir()
        sources = {name: lesson_module(n) for name, n in SIZES.items()}
        for name, text in sources.items():
            (folder / f"m_{name}.py").write_text(text)
        if "--warm-only" not in sys.argv:
            os.environ["BOARDKIT_DATA"] = str(Path(tmp) / "data")  # nothing cached: fetch + full build
            started = time.monotonic()
            build_firmware(board, [folder], Path(tmp) / "cold.hex", measure=False)
            report["cold_build_s"] = round(time.monotonic() - started, 1)
        (folder / "m_small.py").write_text(sources["small"] + "EXTRA = 1\n")  # only the frozen code changes
        started = time.monotonic()
        warm = build_firmware(board, [folder], Path(tmp) / "warm.hex", measure=False)
        report["warm_build_s"] = round(time.monotonic() - started, 1)
        report["image_bytes"] = warm.image_bytes
        report["code_size"] = warm.code_size
        report["fs_bytes"] = warm.fs_bytes
        names = [f"m_{name}" for name in SIZES]
        frozen = measure_imports(warm.image, names)
        files = {f"m_{name}.py": text.encode() for name, text in sources.items()}
        from_file = measure_imports(MICROBIT_FIRMWARE, names, files=files)
        report["heap"] = {
            name: {
                "source_bytes": len(sources[name]),
                "frozen_heap": frozen.get(f"m_{name}"),
                "file_heap_stock_firmware": from_file.get(f"m_{name}"),
            }
            for name in SIZES
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
