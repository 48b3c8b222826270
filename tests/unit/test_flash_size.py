"""The wasm board's flash size: what --flash-size / flash_size= accept."""

from __future__ import annotations

import pytest

from boardkit.errors import VirtualBoardError
from boardkit.virtual.flash_size import DEFAULT_FLASH_SIZE, parse_size


@pytest.mark.parametrize(
    ("text", "size"),
    [("65536", 65536), ("64K", 65536), ("64k", 65536), ("2M", 2 * 1024**2), ("2MiB", 2 * 1024**2), (" 1G ", 1024**3)],
)
def test_sizes(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "abc", "1.5M", "-64K", "64KB!", "1K", "2G", "31K"])
def test_bad_sizes_say_what_to_give(text):
    with pytest.raises(VirtualBoardError) as err:
        parse_size(text)
    assert err.value.hint


def test_default_is_an_esp32_partition():
    assert DEFAULT_FLASH_SIZE == parse_size("2M")
