"""The `microbit` target: the BBC micro:bit's MicroPython 1.9 in QEMU, as a virtual board."""

from __future__ import annotations

from boardkit.conformance.targets.virtual import VirtualTarget


class MicrobitTarget(VirtualTarget):
    name = "microbit"
    aliases = ("microbit_v1",)
    kind = "microbit"
    runtime = "{machine}, QEMU"
