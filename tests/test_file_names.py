"""File names and contents from hypothesis, through the library API, on both virtual boards."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boardkit

NAME_CHARS = st.characters(
    min_codepoint=0x20, max_codepoint=0x7FF, blacklist_characters="/\\\x7f", blacklist_categories=("Cs", "Cc")
)
names = st.text(NAME_CHARS, min_size=1, max_size=40).filter(
    lambda n: n.strip() == n and n not in (".", "..") and not n.endswith(".bktmp")
)
contents = st.binary(max_size=700)

BOARDS = [
    pytest.param("wasm_board", marks=pytest.mark.wasm),
    # slow: 25 examples of several execs each on a 16 KB board (make test-slow)
    pytest.param("microbit_board", marks=[pytest.mark.microbit, pytest.mark.slow]),
]


@pytest.mark.parametrize("board_fixture", BOARDS)
def test_any_name_and_content_round_trips(board_fixture, request):
    board = request.getfixturevalue(board_fixture)
    with boardkit.connect(board.port) as device:

        @given(name=names, data=contents)
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
        def round_trip(name, data):
            device.write_file(name, data)
            try:
                listed = {e.name: e.size for e in device.listdir("/")}
                assert listed.get(name) == len(data)
                assert device.read_file(name) == data
            finally:
                device.remove(name)
            assert name not in {e.name for e in device.listdir("/")}

        round_trip()
