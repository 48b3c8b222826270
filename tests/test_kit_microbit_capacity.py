"""micro:bit kits filled to the filesystem's real capacity, read back by the firmware itself.

The capacity is the firmware's, not ours: its chunks end below the persistent-data page,
which sits below the compass calibration page (the last page of flash), and start at the
first page past the end of its code (source/microbit/filesystem.c, inc/microbit/memory.h).
Each kit here fills every chunk the firmware has (files of every size, binary content, one
empty file and one ending exactly on a chunk boundary), boots in QEMU, and the firmware
lists and reads every file back byte for byte and refuses a new file (it is full). One
chunk more is refused by `boardkit kit build` with one line. Done for Debian's stock image
and (slow) for an image built by `boardkit firmware build` with a frozen module, whose
smaller code leaves a larger filesystem.
"""

from __future__ import annotations

import ast
import io
import random
from pathlib import Path

import pytest

from boardkit import virtual
from boardkit.api.session import connect
from boardkit.firmware.microbit_fs import read_files_from_hex
from boardkit.system_packages import MICROBIT_FIRMWARE
from cli_helpers import boardkit, json_of, one_line_error

needs_firmware = pytest.mark.skipif(
    not MICROBIT_FIRMWARE.is_file(), reason="Debian's firmware-microbit-micropython is not installed"
)

PAGE = 1024
CHUNK = 128
DATA_PER_CHUNK = 126
PERSISTENT_PAGE = 0x3F800  # the page below the compass calibration page at 0x3fc00
DEBIAN_CHUNKS = 120  # 0x3bc00 (239 pages of code, rounded up) to 0x3f800
BUILD_TIMEOUT = 900


def chunks_of(name: str, data: bytes) -> int:
    """Chunks the firmware's writer uses: a new one as soon as one fills, even if nothing follows."""
    return (2 + len(name.encode()) + len(data)) // DATA_PER_CHUNK + 1


def firmware_chunks(hex_text: str) -> int:
    """Chunks of the image's filesystem, the firmware's way: from the end of its code (the
    hex's data from address 0), rounded up to a page, to the persistent page."""
    from intelhex import IntelHex

    code_end = IntelHex(io.StringIO(hex_text)).segments()[0][1]
    start = -(-code_end // PAGE) * PAGE
    return (PERSISTENT_PAGE - start) // CHUNK


def filling(chunks: int, seed: int) -> dict[str, bytes]:
    """Files that take exactly `chunks` chunks, binary content with every byte value."""
    rng = random.Random(seed)
    files: dict[str, bytes] = {"empty.txt": b""}
    edge = "edge.bin"  # ends exactly on a chunk boundary: the writer adds an empty chunk
    files[edge] = rng.randbytes(2 * DATA_PER_CHUNK - 2 - len(edge))
    left = chunks - sum(chunks_of(n, d) for n, d in files.items())
    index = 0
    while left > 0:
        take = min(12, left)
        name = f"f{index:02d}.bin"
        body = (take - 1) * DATA_PER_CHUNK + rng.randrange(DATA_PER_CHUNK)  # ends inside its last chunk
        files[name] = rng.randbytes(body - 2 - len(name))
        assert chunks_of(name, files[name]) == take
        left -= take
        index += 1
    assert sum(chunks_of(n, d) for n, d in files.items()) == chunks
    return files


def write_kit(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


# Run on the board: every file in pieces (a 16 KB board has no room for a whole repr), then a
# new file, which a full filesystem refuses.
READ_BACK = """import os
for n in sorted(os.listdir()):
    print(repr(n))
    f = open(n, 'rb')
    while True:
        b = f.read(96)
        if not b:
            break
        print(repr(b))
    f.close()
    print('.')
try:
    open('one-more.txt', 'w').write('x')
    print('room')
except OSError:
    print('full')
"""


def files_on_board(out: str) -> tuple[dict[str, bytes], str]:
    files: dict[str, bytes] = {}
    lines = out.splitlines()
    verdict = lines.pop()
    name: str | None = None
    for line in lines:
        if line == ".":
            name = None
        elif name is None:
            name = ast.literal_eval(line)
            files[name] = b""
        else:
            files[name] += ast.literal_eval(line)
    return files, verdict


def assert_booted_kit_holds(image: Path, files: dict[str, bytes], name: str) -> None:
    board = virtual.start("microbit", name=name, image=image)
    try:
        with connect(board.port, timeout=15) as device:
            out = device.exec(READ_BACK, timeout=120).decode()
    finally:
        virtual.stop(name)
    seen, verdict = files_on_board(out)
    assert sorted(seen) == sorted(files)
    for file_name, data in files.items():
        assert seen[file_name] == data, file_name
    assert verdict == "full", "the firmware has room the kit did not fill: the region is too small"


def assert_refused(kit: Path, out: Path, *args: str) -> str:
    line = one_line_error(
        boardkit("kit", "build", str(kit), "--board", "microbit_v1", "-o", str(out), *args, timeout=BUILD_TIMEOUT)
    )
    assert "only" in line and "fit" in line, line
    assert not out.exists()
    return line


@needs_firmware
def test_debian_image_has_120_chunks():
    assert firmware_chunks(MICROBIT_FIRMWARE.read_text()) == DEBIAN_CHUNKS


@pytest.mark.microbit
@needs_firmware
def test_kit_filling_debian_filesystem_reads_back_in_qemu(tmp_path):
    files = filling(DEBIAN_CHUNKS, seed=1)
    kit = write_kit(tmp_path / "full", files)
    out = tmp_path / "full.hex"
    json_of(
        boardkit(
            "kit", "build", str(kit), "--board", "microbit_v1", "--firmware", str(MICROBIT_FIRMWARE),
            "-o", str(out), "--json", timeout=120,
        )
    )  # fmt: skip
    assert read_files_from_hex(out.read_text()) == files
    assert_booted_kit_holds(out, files, "mbfs-full")


@needs_firmware
def test_kit_one_chunk_past_debian_filesystem_is_refused(tmp_path):
    kit = write_kit(tmp_path / "over", filling(DEBIAN_CHUNKS + 1, seed=2))
    line = assert_refused(kit, tmp_path / "over.hex", "--firmware", str(MICROBIT_FIRMWARE))
    assert f"({DEBIAN_CHUNKS} chunks)" in line, line


LESSON_LIB = "def twice(x):\n    return 2 * x\n"


@pytest.mark.slow
@pytest.mark.microbit
def test_frozen_kit_fills_the_built_images_larger_filesystem(tmp_path):
    """`kit build --freeze` puts the files in the region of the image it built (more chunks
    than Debian's: -Os code is smaller), all of it and no more."""
    small = write_kit(tmp_path / "small", {"task.txt": b"first\n"})
    (small / "lib").mkdir()
    (small / "lib" / "lesson.py").write_text(LESSON_LIB)
    probe = tmp_path / "probe.hex"
    json_of(
        boardkit(
            "kit", "build", str(small), "--board", "microbit_v1", "--freeze", "-o", str(probe), "--json",
            timeout=BUILD_TIMEOUT,
        )
    )  # fmt: skip
    chunks = firmware_chunks(probe.read_text())
    assert chunks > DEBIAN_CHUNKS + 40, chunks

    files = filling(chunks, seed=3)
    kit = write_kit(tmp_path / "full", files)
    (kit / "lib").mkdir()
    (kit / "lib" / "lesson.py").write_text(LESSON_LIB)
    out = tmp_path / "full.hex"
    result = json_of(
        boardkit(
            "kit", "build", str(kit), "--board", "microbit_v1", "--freeze", "-o", str(out), "--json",
            timeout=BUILD_TIMEOUT,
        )
    )  # fmt: skip
    assert result["frozen"] == ["lesson"]
    assert firmware_chunks(out.read_text()) == chunks  # the same firmware as the probe's
    assert_booted_kit_holds(out, files, "mbfs-frozen")

    over = write_kit(tmp_path / "over", filling(chunks + 1, seed=4))
    (over / "lib").mkdir()
    (over / "lib" / "lesson.py").write_text(LESSON_LIB)
    line = assert_refused(over, tmp_path / "over.hex", "--freeze")
    assert f"({chunks} chunks)" in line, line
