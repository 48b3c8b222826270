"""The firmware builder extension point, end to end from one file: a builder for the RP2040
registered at run time (as a package's `boardkit.firmware_builders` entry point would be) is
what `boardkit.api.build_firmware` uses for a Pico, where boardkit itself refuses to build.

The dummy builder writes a marker image; it stands for a real toolchain a package might bring.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from boardkit.api import build_firmware, resolve_board
from boardkit.errors import InvalidInput
from boardkit.firmware.build import BUILDERS
from boardkit.firmware.build.microbit import BuiltImage, FrozenModule

CHIP = "rp2040"


def dummy_builder(freeze: list[Path], output: Path, on_note=None) -> BuiltImage:
    """Concatenates the modules into the 'image' and says what it froze."""
    body = b"".join(p.read_bytes() for p in sorted(freeze))
    output.write_bytes(b"DUMMY-FIRMWARE\n" + body)
    if on_note:
        on_note(f"dummy build of {len(freeze)} module(s)")
    modules = [FrozenModule(p.stem, str(p), p.stat().st_size, p.stat().st_size) for p in freeze]
    return BuiltImage(
        image=output,
        sha256=hashlib.sha256(output.read_bytes()).hexdigest(),
        image_bytes=output.stat().st_size,
        code_size=len(body),
        fs_bytes=0,
        modules=modules,
    )


def test_a_registered_builder_is_used_for_its_chip(tmp_path: Path) -> None:
    pico = resolve_board("rpi_pico")
    module = tmp_path / "lesson.py"
    module.write_text("X = 1\n")
    with pytest.raises(InvalidInput, match="pico SDK"):
        build_firmware(pico, freeze=[module], output=tmp_path / "before.hex", measure=False)

    BUILDERS.register(CHIP, dummy_builder)
    try:
        notes: list[str] = []
        result = build_firmware(
            pico, freeze=[module], output=tmp_path / "pico.hex", measure=False, on_note=notes.append
        )
    finally:
        BUILDERS.unregister(CHIP)

    assert result.image.read_bytes() == b"DUMMY-FIRMWARE\nX = 1\n"
    assert [m.name for m in result.modules] == ["lesson"]
    assert notes == ["dummy build of 1 module(s)"]
    assert CHIP not in BUILDERS
