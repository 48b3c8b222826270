"""Shared fixtures.

Virtual boards: every test session gets its own BOARDKIT_HOME (a tmp dir), so tests never
touch the user's boards, and every board started in the session is stopped at the end.
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def boardkit_home(tmp_path_factory):
    """A private state root for the whole session; stops any virtual board left running."""
    home = tmp_path_factory.mktemp("boardkit-home")
    old = os.environ.get("BOARDKIT_HOME")
    os.environ["BOARDKIT_HOME"] = str(home)
    yield home
    from boardkit import virtual

    virtual.stop_all()
    if old is None:
        os.environ.pop("BOARDKIT_HOME", None)
    else:
        os.environ["BOARDKIT_HOME"] = old


def _session_board(kind: str, name: str):
    from boardkit import virtual
    from boardkit.errors import VirtualBoardError

    try:
        board = virtual.start(kind, name=name)
    except VirtualBoardError as exc:
        # A failure, not a skip: `make test` installs everything a virtual board needs.
        pytest.fail(f"{kind} virtual board unavailable: {exc} ({exc.hint})")
    yield board
    if virtual.find(board.name):
        virtual.stop(board.name)


@pytest.fixture(scope="session")
def wasm_board(boardkit_home):
    """A running WebAssembly virtual board for the whole session (VirtualBoard)."""
    yield from _session_board("wasm", "test-wasm")


@pytest.fixture(scope="session")
def microbit_board(boardkit_home):
    """A running QEMU micro:bit virtual board for the whole session (VirtualBoard)."""
    yield from _session_board("microbit", "test-microbit")
