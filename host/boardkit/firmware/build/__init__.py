"""Building firmware from source, with modules frozen in (see docs/firmware-build.md).

BUILDERS maps a chip to the function that builds firmware for it; today one entry: the
micro:bit V1's nRF51822, from Debian's firmware-microbit-micropython source package. For the
chips boardkit cannot build for, CANNOT_BUILD says why in words (their toolchains and sources
are not packaged in Debian, so there is nothing real here to build with).

    from boardkit.firmware.build import builder_for
    build = builder_for(board)            # InvalidInput naming why, for an ESP32 or a Pico
    result = build([Path("lesson/")], Path("out.hex"), on_note=print)

Layout: toolchain.py (the Debian packages), source_tree.py (fetch + prepare the source),
mpy_compiler.py (mpy-cross 1.9.2), mpy_reader.py + qstrs.py + frozen_c.py (the .mpy -> C
converter), microbit.py (the build), measure.py (heap per module, in QEMU).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.chips import chip as chip_of
from boardkit.errors import InvalidInput
from boardkit.registry import Registry

if TYPE_CHECKING:
    from boardkit.boards import Board

Builder = Callable[..., Any]  # (freeze: list[Path], output: Path, on_note=None) -> BuiltImage

BUILDERS: Registry[Builder] = Registry(
    "firmware builder",
    "boardkit.firmware_builders",
    {"nrf51822": "boardkit.firmware.build.microbit:build_microbit"},
)

# Chip family -> why boardkit does not build firmware for it (said to the user as it is).
CANNOT_BUILD = {
    "esp": "ESP32 firmware is built with Espressif's ESP-IDF and upstream MicroPython's source; "
    "neither is packaged in Debian, so boardkit has nothing real to build it with here",
    "rp2": "RP2040 firmware is built with the Raspberry Pi pico SDK and upstream MicroPython's source; "
    "neither is packaged in Debian, so boardkit has nothing real to build it with here",
    "nrf": "only the micro:bit V1 (nRF51822) is built here, from Debian's firmware-microbit-micropython; "
    "micro:bit V2 MicroPython's source is not packaged in Debian",
    "wasm": "the WebAssembly MicroPython comes prebuilt from npm; it is not built here",
}

IMAGE_SUFFIX = ".hex"


def builder_for(board: Board) -> Builder:
    """The build function for this board's chip; InvalidInput saying why when there is none."""
    if board.chip in BUILDERS:
        return BUILDERS.get(board.chip)
    family = chip_of(board.chip).family
    reason = CANNOT_BUILD.get(family, f"boardkit has no firmware builder for the {board.chip}")
    raise InvalidInput(
        f"cannot build firmware for {board.name}: {reason}",
        hint="flash its released firmware instead (`boardkit flash --board " + board.id + "`); "
        "freezing is offered for microbit_v1",
    )


def default_output(board: Board) -> Path:
    """Where an image goes when no -o is given: the current folder, named by the board."""
    return Path.cwd() / f"{board.id}-frozen{IMAGE_SUFFIX}"
