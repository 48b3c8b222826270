"""A model of the board's files, checked after every step of random puts, syncs and removals.

hypothesis drives boardkit.api on a virtual board (the micro:bit, and the wasm board) with
files of random sizes, up to and past a full flash. After every step the board's listing
(name, size, and a hash the board computes from the bytes it holds) must match the model:
every file is exactly its last successfully written content, nothing else is there (no
temporary files), and a refused write raised boardkit's own error and changed nothing.

Bounded for CI; BOARDKIT_STATEFUL_EXAMPLES and BOARDKIT_STATEFUL_STEPS make it longer
(docs/testing.md).
"""

from __future__ import annotations

import inspect
import os
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from boardkit import api, virtual
from boardkit.device import Device, listing_hash
from boardkit.errors import BoardkitError

EXAMPLES = int(os.environ.get("BOARDKIT_STATEFUL_EXAMPLES", "10"))
STEPS = int(os.environ.get("BOARDKIT_STATEFUL_STEPS", "10"))
NAMES = ["main.py", "a.py", "b.py", "lib.py", "data.txt"]
# A board this small (bytes) can be filled in a few steps; a bigger one is tested up to this.
FILLABLE = 1 << 20
TRACE = bool(os.environ.get("BOARDKIT_STATEFUL_TRACE"))  # print each step (pytest -s)


def content(size: int, seed: int) -> bytes:
    """size bytes of text, different for each seed (text: the micro:bit takes it fastest)."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < size:
        out += b"v%d = %d\n" % (rng.randrange(1000), rng.randrange(10**6))
    return bytes(out[:size])


class BoardFiles(RuleBasedStateMachine):
    """The files of one board, driven through boardkit.api and checked against a model."""

    board_name = ""
    max_size = 0
    # The filesystem in blocks: (block size, blocks, blocks to spare), or None when it cannot
    # get full. A write that fits with that room to spare (see must_fit) must not be refused.
    blocks: tuple[int, int, int] | None = None

    def __init__(self) -> None:
        super().__init__()
        self.device: Device = api.connect(self.board_name)
        self.model: dict[str, bytes] = {}
        self.local = Path(tempfile.mkdtemp(prefix="bk-stateful-"))
        self.refusals = 0

    @initialize()
    def start_empty(self) -> None:
        """Whatever an earlier example left goes first (through boardkit too)."""
        names = [e.name for e in api.ls(self.device) if not e.is_dir]
        if names:
            api.rm(self.device, names)
        assert self.board_files() == {}

    def teardown(self) -> None:
        try:
            for name, data in self.model.items():  # read back whole once (steps compared hashes)
                assert api.cat(self.device, name) == data, f"{name} differs when read back"
        finally:
            self.device.close()
            shutil.rmtree(self.local, ignore_errors=True)

    def board_files(self) -> dict[str, tuple[int, str | None]]:
        """name -> (size, hash the board computed from its bytes), one round trip."""
        return {e.name: (e.size, e.hash) for e in self.device.tree("/") if not e.is_dir}

    def expected(self) -> dict[str, tuple[int, str | None]]:
        sha = self.device.caps.sha256
        return {name: (len(data), listing_hash(data, sha)) for name, data in self.model.items()}

    def trace(self, step: str) -> None:
        if TRACE:
            sizes = {name: len(data) for name, data in self.model.items()}
            print(f"{self.board_name}: {step}; refusals {self.refusals}; model {sizes}", flush=True)

    def _refused(self, exc: BaseException, sent: dict[str, bytes]) -> None:
        assert isinstance(exc, BoardkitError), f"a refused write raised {type(exc).__name__}: {exc}"
        assert str(exc).strip(), "a refusal must say what happened"
        assert not self.must_fit(sent), f"refused though it fits with room to spare: {exc}"
        self.refusals += 1

    def must_fit(self, sent: dict[str, bytes]) -> bool:
        """Would these files fit even written twice (a temporary copy beside the old file)
        beside every file there now, with blocks to spare?"""
        if self.blocks is None:
            return True  # it cannot get full
        size, count, spare = self.blocks

        def used(name: str, data: bytes) -> int:
            return (len(data) + len(name) + 2) // size + 1

        there = sum(used(n, d) for n, d in self.model.items())
        new = [used(n, d) for n, d in sent.items()]
        return there + sum(new) + max(new) + spare <= count

    @rule(name=st.sampled_from(NAMES), fraction=st.floats(0, 1), seed=st.integers(0, 2**16))
    def put(self, name: str, fraction: float, seed: int) -> None:
        data = content(int(fraction * self.max_size), seed)
        local = self.local / name
        local.write_bytes(data)
        try:
            api.put(self.device, local, name)
        except Exception as exc:  # noqa: BLE001 - checked: it must be boardkit's own error
            self._refused(exc, {name: data})
            self.reconcile({name: data}, new_allowed=False)  # a refused put changes nothing
        else:
            self.model[name] = data
        self.trace(f"put {name} ({len(data)} B)")

    @rule(
        picks=st.lists(
            st.tuples(st.sampled_from(NAMES), st.floats(0, 1), st.integers(0, 2**16)),
            min_size=1,
            max_size=3,
            unique_by=lambda t: t[0],
        )
    )
    def sync(self, picks: list[tuple[str, float, int]]) -> None:
        folder = self.local / "project"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        sent = {}
        for name, fraction, seed in picks:
            sent[name] = content(int(fraction * self.max_size / 2), seed)
            (folder / name).write_bytes(sent[name])
        try:
            api.sync(self.device, folder)
        except Exception as exc:  # noqa: BLE001 - checked: it must be boardkit's own error
            self._refused(exc, sent)
            self.reconcile(sent)
        else:
            self.model.update(sent)
        self.trace(f"sync { ({n: len(d) for n, d in sent.items()}) }")

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.model)))
        api.rm(self.device, name)
        del self.model[name]
        self.trace(f"rm {name}")

    @rule(name=st.sampled_from(NAMES))
    def remove_missing(self, name: str) -> None:
        if name in self.model:
            return
        with pytest.raises(BoardkitError):
            api.rm(self.device, name)

    def reconcile(self, sent: dict[str, bytes], new_allowed: bool = True) -> None:
        """After a refusal each file it was sending is its old version or the new one (a sync
        may have written some before the board was full): the model learns which."""
        found = self.board_files()
        sha = self.device.caps.sha256
        for name, data in sent.items():
            new = (len(data), listing_hash(data, sha))
            if new_allowed and found.get(name) == new:
                self.model[name] = data
            else:
                old = self.model.get(name)
                expected = None if old is None else (len(old), listing_hash(old, sha))
                assert found.get(name) == expected, f"{name} is neither its old version nor the new one"

    @invariant()
    def board_matches_model(self) -> None:
        assert self.board_files() == self.expected()


def run_on(board_name: str, max_size: int, blocks: tuple[int, int, int] | None) -> None:
    class Machine(BoardFiles):
        pass

    Machine.board_name = board_name
    Machine.max_size = max_size
    Machine.blocks = blocks
    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        ),
    )


@pytest.fixture(scope="module")
def stateful_microbit(boardkit_home):
    board = virtual.start("microbit", name="stateful-mb")
    yield board
    virtual.stop(board.name)


@pytest.fixture(scope="module")
def stateful_wasm(boardkit_home):
    # A small filesystem where the wasm board lets you choose its size (then it can get full).
    small = {"flash_size": 64 * 1024} if "flash_size" in inspect.signature(virtual.start).parameters else {}
    board = virtual.start("wasm", name="stateful-wasm", **small)
    yield board
    virtual.stop(board.name)


@pytest.mark.microbit
def test_microbit_files_always_match_the_model(stateful_microbit):
    # Its filesystem: 120 chunks of 126 bytes (15 KB); a file of up to 12 KB fills it in a step or two.
    run_on(stateful_microbit.name, 12000, (126, 120, 16))


@pytest.mark.wasm
def test_wasm_files_always_match_the_model(stateful_wasm):
    with api.connect(stateful_wasm.name) as device:
        space = device.caps.fs_space
    if space and space[1] <= FILLABLE:
        run_on(stateful_wasm.name, space[1] * 9 // 10, (4096, space[1] // 4096, 2))  # a file or two fill it
    else:
        # A board that cannot get full (statvfs says gigabytes): overwrites and removals
        # still count, and no write may be refused.
        run_on(stateful_wasm.name, 20000, None)
