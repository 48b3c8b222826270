"""The chips boardkit knows: one table, the one source of chip names.

Code is written per chip family ("esp", "nrf", "rp2", "wasm"), never per board; a board file
names its chip, and boards/schema.py accepts only the chips listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

from boardkit.errors import InvalidInput


@dataclass(frozen=True)
class Chip:
    """One chip: its name in board files, how people write it, its family, and (for Intel
    HEX images) the address ranges an image may write: flash, and the nRF UICR registers."""

    name: str
    label: str
    family: str
    hex_regions: tuple[tuple[int, int], ...] = ()


CHIPS: dict[str, Chip] = {
    chip.name: chip
    for chip in (
        Chip("esp32", "ESP32", "esp"),
        Chip("esp32s3", "ESP32-S3", "esp"),
        Chip("esp32c3", "ESP32-C3", "esp"),
        Chip("nrf51822", "nRF51822", "nrf", ((0x0, 0x40000), (0x10000000, 0x10002000))),
        Chip("nrf52833", "nRF52833", "nrf", ((0x0, 0x80000), (0x10000000, 0x10002000))),
        Chip("rp2040", "RP2040", "rp2"),
        Chip("wasm", "WebAssembly", "wasm"),
    )
}


def chip(name: str) -> Chip:
    """The chip called `name`; InvalidInput naming the known ones if there is none."""
    try:
        return CHIPS[name]
    except KeyError:
        raise InvalidInput(f"unknown chip {name!r}", hint=f"known: {', '.join(CHIPS)}") from None


def chip_label(name: str) -> str:
    """ "esp32s3" -> "ESP32-S3"; an unknown name is returned as it is."""
    found = CHIPS.get(name)
    return found.label if found else name


def chips_of_family(family: str) -> tuple[str, ...]:
    """The chip names of one family, in table order ("esp" -> esp32, esp32s3, esp32c3)."""
    return tuple(c.name for c in CHIPS.values() if c.family == family)
