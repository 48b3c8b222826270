"""A conformance/user-test target whose board vanished (its emulator killed, as if unplugged)
is started again under the same name by `recover()`, and the run goes on.

The daemon of a board whose backend died may still hold the board's name for a moment while
it exits; recover() must wait for it rather than fail with "already running".
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from boardkit.conformance.targets.virtual import VirtualTarget

pytestmark = pytest.mark.wasm


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def test_a_target_whose_emulator_was_killed_is_started_again() -> None:
    target = VirtualTarget("wasm")
    try:
        assert target.run("print(6 * 7)").out.strip() == "42"
        daemon = target._board.pid
        backends = _children(daemon)
        assert backends, "the daemon runs its backend as a child"
        for pid in backends:
            os.kill(pid, signal.SIGKILL)  # pulled out: the daemon treats SIGKILL as unplugged
        assert target.recover()  # at once: the dying daemon may still hold the name
        assert target.run("print(6 * 7)").out.strip() == "42"
    finally:
        target.close()
