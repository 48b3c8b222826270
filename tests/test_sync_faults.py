"""The cable is cut at a byte hypothesis chooses, mid-sync; every file must stay whole.

A real 20-file project is synced to a real virtual board through a link that stops
carrying bytes after N of them (N from hypothesis). After reconnecting, every project
file on the board must hash to exactly the old or the new version, never a mix; and the
next sync, uncut, must finish the job. Examples per board: BOARDKIT_FAULT_EXAMPLES (200).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import boardkit
from boardkit import sync
from boardkit.device import Device, listing_hash
from boardkit.errors import BoardkitError, LinkError
from boardkit.links import open_link

EXAMPLES = int(os.environ.get("BOARDKIT_FAULT_EXAMPLES", "200"))


class CutLink:
    """A real link whose cable is cut after `budget` written bytes (the rest never arrives)."""

    def __init__(self, inner, budget: int):
        self.inner = inner
        self.url = inner.url
        self.left = budget
        self.cut = False
        self.written = 0

    def write(self, data: bytes) -> None:
        if self.cut:
            raise LinkError("cable cut")
        if len(data) > self.left:
            self.inner.write(data[: self.left])
            self.written += self.left
            self.cut = True
            raise LinkError("cable cut")
        self.inner.write(data)
        self.left -= len(data)
        self.written += len(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        if self.cut:
            raise LinkError("cable cut")
        return self.inner.read(max_bytes, timeout)

    def pending(self) -> int:
        if self.cut:
            raise LinkError("cable cut")
        return self.inner.pending()

    def close(self) -> None:
        self.inner.close()


def project(root: Path, version: int) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for i in range(20):
        body = f"# lesson file {i}, version {version}\n" + f"V{i} = {version * 100 + i}\n" * (3 + (i * version) % 7)
        (root / f"f{i:02d}.py").write_text(body)
    return root


def versions(tmp: Path) -> tuple[Path, Path, dict]:
    old, new = project(tmp / "old", 1), project(tmp / "new", 2)
    allowed = {}
    for f in sorted(old.iterdir()):
        allowed[f.name] = {f.read_bytes(), (new / f.name).read_bytes()}
    return old, new, allowed


def sync_through(port: str, folder: Path, budget: int | None) -> int:
    inner = open_link(port)
    link = CutLink(inner, budget if budget is not None else 1 << 40)
    device = Device(link, port)
    try:
        plan = sync.plan_push(device, sync.scan_local(folder), "/", delete=False)
        sync.apply_push(device, plan)
    except BoardkitError:
        if not link.cut:
            raise
    finally:
        device.link.close()  # pulled out: no polite goodbye
    return link.written


def check_whole(port: str, allowed: dict) -> None:
    with boardkit.connect(port) as device:
        on_board = {e.name: e for e in device.tree("/")}
        for name, versions_ in allowed.items():
            assert name in on_board, f"{name} vanished"
            hashes = {listing_hash(v, device.caps.sha256) for v in versions_}
            assert on_board[name].hash in hashes, f"{name} is neither the old nor the new version"


BOARDS = [
    pytest.param("wasm_board", marks=pytest.mark.wasm),
    pytest.param("microbit_board", marks=[pytest.mark.microbit, pytest.mark.slow]),
]


@pytest.mark.parametrize("board_fixture", BOARDS)
def test_cut_cable_never_leaves_a_partial_file(board_fixture, request, tmp_path):
    board = request.getfixturevalue(board_fixture)
    with boardkit.connect(board.port) as device:
        device.soft_reset()  # a fresh heap: what earlier tests imported on the shared board goes
    old, new, allowed = versions(tmp_path)
    sync_through(board.port, old, None)
    full = sync_through(board.port, new, None)  # bytes a whole sync writes
    sync_through(board.port, old, None)
    state = {"toward": new}

    @given(cut=st.integers(0, full))
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def cut_mid_sync(cut):
        target = state["toward"]
        sync_through(board.port, target, cut)
        check_whole(board.port, allowed)
        state["toward"] = old if target is new else new  # alternate, so every sync has work

    cut_mid_sync()
    # an uncut sync afterwards finishes the job and leaves no temporary files behind
    sync_through(board.port, new, None)
    with boardkit.connect(board.port) as device:
        names = {e.name: e.hash for e in device.tree("/")}
        assert not any(n.endswith(".bktmp") for n in names)
        for f in new.iterdir():
            assert names[f.name] == listing_hash(f.read_bytes(), device.caps.sha256)
    with boardkit.connect(board.port) as device:
        for f in new.iterdir():
            device.remove(f.name)


class DroppingLink:
    """A real link that loses one byte on the way, as a busy board without flow control
    does: the byte at `at` within the first `target` written."""

    def __init__(self, inner, target: bytes, at: int):
        self.inner, self.url = inner, inner.url
        self.target, self.at = target, at
        self.tail = b""  # the end of what went before, for a target split between writes
        self.dropped = False

    def write(self, data: bytes) -> None:
        if not self.dropped:
            found = (self.tail + data).find(self.target)
            index = found + self.at - len(self.tail)
            if found >= 0 and 0 <= index < len(data):
                data = data[:index] + data[index + 1 :]
                self.dropped = True
            self.tail = (self.tail + data)[-len(self.target) :]
        self.inner.write(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        return self.inner.read(max_bytes, timeout)

    def pending(self) -> int:
        return self.inner.pending()

    def close(self) -> None:
        self.inner.close()


@pytest.mark.microbit
def test_a_call_that_lost_a_byte_never_touches_another_file(microbit_board):
    """`os.remove('ab.txt')` that lost its b still parses: it would remove a.txt. Each call
    carries its length and sum, so the board refuses it and boardkit sends it again."""
    port = microbit_board.port
    with boardkit.connect(port) as device:
        device.write_file("a.txt", b"keep me")
        device.write_file("ab.txt", b"remove me")
    link = DroppingLink(open_link(port), b"os.remove('ab.txt')", at=len("os.remove('a"))
    try:
        with Device(link, port) as device:
            device.remove("ab.txt")
        assert link.dropped
        with boardkit.connect(port) as device:
            names = {e.name for e in device.listdir("/")}
            assert "a.txt" in names and "ab.txt" not in names
            assert device.read_file("a.txt") == b"keep me"
    finally:
        with boardkit.connect(port) as device:
            for name in ("a.txt", "ab.txt"):
                if device.stat(name):
                    device.remove(name)
