"""Compressed transfers and helpers kept on the board (issue 13, items 1 and 2), on real boards.

Bytes on the wire are counted by wrapping the real link (CountingLink passes everything on);
what arrived is read back from the board and compared byte for byte.
"""

from __future__ import annotations

import json
import os
import random
import zlib
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkit import api
from boardkit.device import Device, listing_hash, remote_fs, resident
from boardkit.errors import BoardkitError, LinkError
from boardkit.links import open_link
from cli_helpers import boardkit

WORDS = ["led", "pin", "value", "sleep", "button", "display", "count", "sensor", "motor", "pixel"]


def source(size: int, seed: int = 1) -> bytes:
    """Python-looking text, as a project is made of."""
    rng = random.Random(seed)
    out = []
    total = 0
    while total < size:
        line = f"{rng.choice(WORDS)}_{rng.randrange(99)} = {rng.choice(WORDS)}({rng.randrange(999)})  # note\n"
        out.append(line)
        total += len(line)
    return "".join(out).encode()[:size]


class CountingLink:
    """A real link, passed through, counting the bytes written to the board (and able to be cut)."""

    def __init__(self, inner, budget: int | None = None):
        self.inner = inner
        self.url = inner.url
        self.written = 0
        self.left = budget

    def write(self, data: bytes) -> None:
        if self.left is not None and len(data) > self.left:
            self.inner.write(data[: self.left])
            self.written += self.left
            self.left = 0
            raise LinkError("cable cut")
        self.inner.write(data)
        self.written += len(data)
        if self.left is not None:
            self.left -= len(data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        if self.left == 0:
            raise LinkError("cable cut")
        return self.inner.read(max_bytes, timeout)

    def pending(self) -> int:
        return self.inner.pending()

    def close(self) -> None:
        self.inner.close()


def session(board, budget: int | None = None) -> Device:
    return Device(CountingLink(open_link(board.port), budget), board.port)


def wipe_code(folder: str) -> str:
    return (
        "import os\ndef _rm(p):\n try:\n  n=os.listdir(p)\n except OSError:\n  os.remove(p)\n  return\n"
        f" for x in n:\n  _rm(p+'/'+x)\n os.rmdir(p)\ntry:\n _rm({folder!r})\nexcept OSError:\n pass\n"
    )


def wipe(board, folder: str) -> None:
    assert boardkit("-p", board.name, "exec", wipe_code(folder)).returncode == 0


def read_back(board, paths: list[str]) -> dict[str, bytes]:
    with api.connect(board.port) as device:
        return {p: device.read_file(p) for p in paths}


@pytest.fixture
def folder(wasm_board):
    wipe(wasm_board, "/ft")
    yield "/ft"
    wipe(wasm_board, "/ft")


@pytest.mark.wasm
def test_compressed_sync_round_trip_byte_for_byte(wasm_board, folder, tmp_path):
    files = {
        "big.py": source(60_000),  # several pieces
        "noise.bin": os.urandom(30_000),  # does not compress: goes plain
        "empty.txt": b"",
        "tiny.py": b"x = 1\n",
        "mixed.bin": source(9_000, 2) + os.urandom(9_000) + source(9_000, 3),
        "sub/deep.py": source(3_000, 4),
    }
    for rel, data in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    device = session(wasm_board)
    with device:
        assert device.caps.deflate
        result = api.sync(device, tmp_path, folder)
        assert result.sent == len(files)
    on_board = read_back(wasm_board, [f"{folder}/{rel}" for rel in files])
    for rel, data in files.items():
        assert on_board[f"{folder}/{rel}"] == data, rel


@pytest.mark.wasm
def test_compression_sends_fewer_bytes_and_no_compress_turns_it_off(wasm_board, folder, tmp_path):
    data = source(40_000, 5)
    (tmp_path / "a.py").write_bytes(data)
    sent = {}
    for compress in (True, False):
        with session(wasm_board) as device:
            api.push(device, [tmp_path / "a.py"], folder)  # helpers in place, file sent once
            device.exec(wipe_code(folder))
            device.files.forget_listings()
            before = device.repl.link.written
            api.push(device, [tmp_path / "a.py"], folder, compress=compress)
            sent[compress] = device.repl.link.written - before
        assert read_back(wasm_board, [f"{folder}/a.py"])[f"{folder}/a.py"] == data
    assert sent[True] < 0.6 * len(data) < sent[False], sent


@pytest.mark.wasm
def test_cli_no_compress_flag(wasm_board, folder, tmp_path):
    (tmp_path / "p").mkdir()
    data = source(5_000, 6)
    (tmp_path / "p" / "m.py").write_bytes(data)
    assert boardkit("-p", wasm_board.name, "sync", str(tmp_path / "p"), folder, "--no-compress").returncode == 0
    (tmp_path / "one.py").write_bytes(data[::-1])
    result = boardkit("-p", wasm_board.name, "push", "--no-compress", str(tmp_path / "one.py"), folder)
    assert result.returncode == 0, result.stderr
    got = read_back(wasm_board, [f"{folder}/m.py", f"{folder}/one.py"])
    assert got == {f"{folder}/m.py": data, f"{folder}/one.py": data[::-1]}


@pytest.mark.wasm
def test_helpers_stay_on_the_board_between_sessions(wasm_board, folder, tmp_path):
    (tmp_path / "p").mkdir()
    for i in range(5):
        (tmp_path / "p" / f"m{i}.py").write_bytes(source(2_000, i))
    with session(wasm_board) as device:
        api.sync(device, tmp_path / "p", folder)
    names = boardkit("-p", wasm_board.name, "exec", f"import os\nprint(os.listdir({resident.FOLDER!r}))")
    assert f"{resident.module_name()}.py" in names.stdout.decode()
    # The next session: no helper code crosses the link, and a no-op sync is a few hundred bytes.
    device = session(wasm_board)
    with device:
        result = api.sync(device, tmp_path / "p", folder)
        assert result.sent == 0 and result.skipped == 5
        assert device.helpers.sent == 0
        assert device.repl.link.written < 700, device.repl.link.written
    # `ls` leaves boardkit's folder out, as `sync --pull` does; `ls -a` shows it
    plain = json.loads(boardkit("-p", wasm_board.name, "ls", "/", "--json").stdout)
    every = json.loads(boardkit("-p", wasm_board.name, "ls", "-a", "/", "--json").stdout)
    assert ".boardkit" not in [e["name"] for e in plain] and ".boardkit" in [e["name"] for e in every]
    # nor are its names in the REPL's globals once a session ends (a user's later code runs there)
    left = boardkit(
        "-p", wasm_board.name, "exec", "print([n for n in globals() if n[:3] == '_bk' or n[:5] == 'bkfs_'])"
    )
    assert left.stdout == b"[]\n", left.stdout
    # boardkit's folder is not part of the user's files
    listed = json.loads(boardkit("-p", wasm_board.name, "sync", "--pull", "/", str(tmp_path / "back"), "--json").stdout)
    assert listed["sent"] >= 5
    assert not (tmp_path / "back" / ".boardkit").exists()


@pytest.mark.wasm
def test_a_stale_or_damaged_helper_module_is_replaced(wasm_board, folder, tmp_path):
    current = f"{resident.FOLDER}/{resident.module_name()}.py"
    stale = f"{resident.FOLDER}/bkfs_000000000000.py"
    setup = (
        "import os,sys\n"
        f"for n in os.listdir({resident.FOLDER!r}):\n os.remove({resident.FOLDER!r}+'/'+n)\n"
        f"open({stale!r},'w').write('x = 1\\n')\n"
        f"open({current!r},'w').write('def broken(:\\n')\n"  # a damaged copy of this version
        "for k in [k for k in sys.modules if k.startswith('bkfs_')]:\n del sys.modules[k]\n"
    )
    boardkit("-p", wasm_board.name, "exec", f"import os\ntry:\n os.mkdir({resident.FOLDER!r})\nexcept OSError:\n pass")
    assert boardkit("-p", wasm_board.name, "exec", setup).returncode == 0
    (tmp_path / "a.py").write_bytes(source(1_000))
    device = session(wasm_board)
    with device:
        api.push(device, [tmp_path / "a.py"], folder)
        assert device.helpers.sent > 0  # sent again
    names = boardkit("-p", wasm_board.name, "exec", f"import os\nprint(sorted(os.listdir({resident.FOLDER!r})))")
    assert names.stdout.decode().strip() == repr([f"{resident.module_name()}.py"])
    assert read_back(wasm_board, [f"{folder}/a.py"])[f"{folder}/a.py"] == source(1_000)


@pytest.mark.wasm
def test_changes_made_behind_boardkits_back_are_seen(wasm_board, folder, tmp_path):
    project = tmp_path / "p"
    project.mkdir()
    for i in range(4):
        (project / f"m{i}.py").write_bytes(source(1_500, i))
    api_sync = ["-p", wasm_board.name, "sync", str(project), folder, "--json"]
    assert json.loads(boardkit(*api_sync).stdout)["sent"] == 4
    assert json.loads(boardkit(*api_sync).stdout)["sent"] == 0
    # Same size, other bytes, written by a program: the kept listing no longer matches.
    boardkit("-p", wasm_board.name, "exec", f"open('{folder}/m1.py','wb').write(b'#' * 1500)")
    boardkit("-p", wasm_board.name, "exec", f"import os\nos.remove('{folder}/m2.py')")
    again = json.loads(boardkit(*api_sync).stdout)
    assert again["sent"] == 2 and again["skipped"] == 2
    got = read_back(wasm_board, [f"{folder}/m1.py", f"{folder}/m2.py"])
    assert got == {f"{folder}/m1.py": source(1_500, 1), f"{folder}/m2.py": source(1_500, 2)}


@pytest.mark.wasm
def test_cached_capabilities_of_another_board_are_replaced(wasm_board, folder, tmp_path):
    from boardkit.device import board_cache

    (tmp_path / "a.py").write_bytes(source(800))
    with api.connect(wasm_board.port) as device:
        api.push(device, [tmp_path / "a.py"], folder)  # the cache now holds this board
        url = device.url
    record = board_cache.load(url)
    record["caps"]["release"] = "0.0.1-another-board"
    board_cache.save(url, record)
    (tmp_path / "a.py").write_bytes(source(900))
    with api.connect(wasm_board.port) as device:
        api.push(device, [tmp_path / "a.py"], folder)
    assert board_cache.load(url)["caps"]["release"] != "0.0.1-another-board"
    assert read_back(wasm_board, [f"{folder}/a.py"])[f"{folder}/a.py"] == source(900)


@pytest.mark.microbit
def test_a_micro_bit_where_a_wasm_board_was_remembered_still_syncs(wasm_board, microbit_board, tmp_path):
    """A port keeps its name when the board on it changes (/dev/ttyACM0 for whichever board is
    plugged in, a pty number reused): the capabilities remembered there describe another
    board. The sync must find that out before writing anything, and then just work."""
    from boardkit.device import board_cache

    (tmp_path / "w.py").write_bytes(b"W = 1\n")
    with api.connect(wasm_board.port) as device:
        api.push(device, [tmp_path / "w.py"], "/")  # the cache now holds a wasm board
        wasm_record = board_cache.load(device.url)
    with api.connect(microbit_board.port) as device:
        board_cache.save(device.url, {**wasm_record, "url": device.url})  # as if it was there
    project = tmp_path / "lesson"
    project.mkdir()
    (project / "swap.py").write_text("print('on the micro:bit')\n")
    result = boardkit("-p", microbit_board.name, "sync", str(project), "--json")
    assert result.returncode == 0, result.stderr
    assert boardkit("-p", microbit_board.name, "exec", "import swap").stdout == b"on the micro:bit\n"
    with api.connect(microbit_board.port) as device:
        assert board_cache.load(device.url) == {}  # the wrong record is gone, not kept
        device.exec("import os\nos.remove('swap.py')")
        device.soft_reset()  # the shared micro:bit's 16 KB heap: drop the imported module


HEAP = "import gc, micropython\ngc.collect()\nmicropython.mem_info()"


def heap(device: Device) -> tuple[int, int]:
    """(total, free) of the board's heap now, as mem_info says: the wasm board's heap grows
    on demand (gc.mem_free counts what it could grow to), so this is what it holds."""
    line = next(x for x in device.exec(HEAP).decode().splitlines() if x.startswith("GC:"))
    fields = dict(part.strip().split(": ") for part in line[3:].split(","))
    return int(fields["total"]), int(fields["free"])


@pytest.mark.wasm
def test_a_file_bigger_than_the_boards_free_ram_streams(wasm_board, folder, tmp_path):
    with api.connect(wasm_board.port) as device:
        total, free = heap(device)
        space = device.files.free_space()
        data = source(max(300_000, free * 3 // 2), 9)
        assert space is not None and len(data) < space - 64 * 1024, "the test board's flash is too full"
        (tmp_path / "huge.py").write_bytes(data)
        api.push(device, [tmp_path / "huge.py"], folder)
        grown = heap(device)[0] - total
        # Had the board held the whole file, its heap would have grown by len(data) - free at least.
        assert grown < len(data) - free, (grown, len(data), free)
        found = {e.name: e for e in device.tree(folder)}
        assert found["huge.py"].size == len(data)
        assert found["huge.py"].hash == listing_hash(data, device.caps.sha256)


def put(board, local: Path, data: bytes, folder: str) -> None:
    local.write_bytes(data)
    with api.connect(board.port) as device:
        api.push(device, [local], folder)


@pytest.mark.wasm
def test_a_cut_mid_compressed_write_leaves_the_old_file(wasm_board, folder, tmp_path):
    old, new = source(50_000, 10), source(50_000, 11)
    local = tmp_path / "f.py"
    put(wasm_board, local, old, folder)
    local.write_bytes(new)
    with session(wasm_board) as device:  # how many bytes the whole write of the new one takes
        assert device.caps.deflate
        start = device.repl.link.written
        api.push(device, [local], folder)
        full = device.repl.link.written - start
    allowed = {listing_hash(old, True), listing_hash(new, True)}
    for cut in (full // 7, full // 3, full // 2, full - 40, full - 3):
        put(wasm_board, local, old, folder)
        local.write_bytes(new)
        device = session(wasm_board)
        assert device.caps.deflate  # probed uncut: the cut falls in the transfer
        device.repl.link.left = cut
        try:
            api.push(device, [local], folder)
        except BoardkitError:
            pass
        finally:
            device.link.close()  # pulled out: no goodbye
        with api.connect(wasm_board.port) as check:
            assert {e.name: e.hash for e in check.tree(folder)}["f.py"] in allowed, cut
    put(wasm_board, local, new, folder)
    with api.connect(wasm_board.port) as device:
        assert device.read_file(f"{folder}/f.py") == new
        assert not [e for e in device.tree(folder) if e.name.endswith(remote_fs.TMP_SUFFIX)]


@pytest.mark.microbit
def test_the_microbit_keeps_its_path(microbit_board, tmp_path):
    data = source(600, 12)
    (tmp_path / "mb.py").write_bytes(data)
    device = session(microbit_board)
    with device:
        assert not device.caps.deflate and not resident.applies(device.caps)
        api.push(device, [tmp_path / "mb.py"])
        assert device.read_file("mb.py") == data
    names = boardkit("-p", microbit_board.name, "exec", "import os\nprint(os.listdir())").stdout.decode()
    assert "mb.py" in names and "bkfs_" not in names and ".boardkit" not in names
    boardkit("-p", microbit_board.name, "exec", "import os\nos.remove('mb.py')")


# -- the compressed stream, pieces cut at random boundaries ------------------------------

chunks = st.lists(
    st.one_of(st.binary(max_size=3000), st.integers(0, 6000).map(lambda n: source(n, n))), max_size=6
).map(b"".join)


@given(data=chunks, budget=st.integers(120, 20_000), bits=st.sampled_from([64 * 1024, 1 << 20]))
@settings(max_examples=60, deadline=None)
def test_pieces_rebuild_the_data(data, budget, bits):
    pieces = list(remote_fs._pieces(data, budget, True, True, bits))
    rebuilt = b""
    for piece, packed in pieces:
        if packed is not None:
            assert len(packed) + 3 <= budget
            assert zlib.decompress(__import__("base64").b64decode(packed)) == piece
        rebuilt += piece
    assert rebuilt == data


@pytest.mark.wasm
def test_compressed_stream_on_the_board_at_random_boundaries(wasm_board, folder, tmp_path):
    with api.connect(wasm_board.port) as device:

        @given(data=chunks, budget=st.integers(200, 20_000))
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
        def round_trip(data, budget):
            with mock.patch.object(remote_fs, "_budget", lambda mem_free: budget):
                device.write_file(f"{folder}/r.bin", data)
            assert device.read_file(f"{folder}/r.bin") == data

        device.files.mkdir(folder)
        round_trip()


# -- WebREPL: its PUT carries the compressed stream ---------------------------------------

WEB_PASSWORD = "ft-pw-123"


@pytest.fixture(scope="module")
def web_board(boardkit_home):
    from boardkit import virtual

    board = virtual.start("wasm", name="ft-webrepl", webrepl_port=0, webrepl_password=WEB_PASSWORD)
    yield board
    virtual.stop(board.name)


@pytest.mark.wasm
def test_webrepl_put_carries_compressed_bytes(web_board, tmp_path):
    url = f"ws://127.0.0.1:{web_board.webrepl_port}"
    files = {"w.py": source(40_000, 13), "noise.bin": os.urandom(5_000), "empty.py": b""}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    puts: list[tuple[str, int]] = []
    with api.connect(url, password=WEB_PASSWORD) as device:
        link = device.repl.link
        offer = link.file_transfer

        def spying():  # the link's own file transfer, its PUTs recorded
            found = offer()
            if found is not None and not hasattr(found, "spied"):
                put = found.put_file

                def recording(path, payload, progress=None):
                    puts.append((path, len(payload)))
                    return put(path, payload, progress)

                found.put_file, found.spied = recording, True
            return found

        link.file_transfer = spying
        api.push(device, [tmp_path / n for n in files], "/ftw")
        for name, data in files.items():
            assert device.read_file(f"/ftw/{name}") == data, name
        names = [e.name for e in device.tree("/ftw")]
    assert sorted(names) == sorted(files)  # no .z or .bktmp left
    sizes = dict(puts)
    assert sizes["/ftw/w.py.bktmp.z"] < len(files["w.py"]) // 2
    assert sizes["/ftw/noise.bin.bktmp"] == 5_000  # does not compress: sent as it is
