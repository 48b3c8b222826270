"""micro:bit kit images (files inside the .hex) and flashing virtual boards on images.

The files are checked where it matters: the real micro:bit V1 MicroPython firmware, booted
in QEMU from the built hex, lists them, reads them, imports them and runs main.py.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
import serial
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boardkit import virtual
from boardkit.errors import FirmwareError, InvalidInput, VirtualBoardError
from boardkit.firmware.microbit_fs import (
    CHUNK_SIZE,
    DATA_PER_CHUNK,
    MAX_NAME_LENGTH,
    add_files_to_hex,
    filesystem_capacity,
    fs_region,
    read_files_from_hex,
)
from boardkit.virtual.backends import MICROBIT_FIRMWARE
from pty_helpers import enter_raw, raw_exec, read_until

FIRMWARE = MICROBIT_FIRMWARE.read_text() if MICROBIT_FIRMWARE.exists() else None
needs_firmware = pytest.mark.skipif(FIRMWARE is None, reason="Debian's firmware-microbit-micropython is not installed")

KIT = {
    "main.py": b"print('hello from main.py')\n",
    "helper.py": b"def greet(name):\n    return 'hi ' + name\n",
    "notes.txt": b"line 1\nline 2\n",
}


def _board(kind: str):
    """The board record, built directly (boards.py is another engineer's module)."""
    from boardkit.boards import Board, FsLayout, Release

    if kind == "microbit":
        return Board(
            id="virtual_microbit",
            name="Virtual micro:bit (QEMU)",
            vendor="boardkit",
            chip="nrf51822",
            flash_size=262144,
            ram_size=16384,
            method="virtual",
            usb=(),
            fs=FsLayout("microbit"),
            releases=(Release("micropython", "1.0.1", f"file://{MICROBIT_FIRMWARE}", "hex"),),
            virtual_kind="microbit",
        )
    return Board(
        id="virtual_wasm",
        name="Virtual board (MicroPython WebAssembly)",
        vendor="boardkit",
        chip="wasm",
        flash_size=0,
        ram_size=262144,
        method="virtual",
        usb=(),
        fs=FsLayout("host"),
        releases=(Release("micropython", "1.27.0", "npm:x", "virtual"),),
        virtual_kind="wasm",
        mpy="6.3",
    )


# ---------------------------------------------------------------- the hex, on the host


@needs_firmware
def test_region_of_the_debian_firmware():
    from intelhex import IntelHex

    region = fs_region(IntelHex(io.StringIO(FIRMWARE)))
    # UICR says 239 pages of firmware: the filesystem starts at the next page, 0x3bc00, and
    # ends at the persistent-data page, 0x3f800: the last page of the 256 KB flash (0x3fc00)
    # is the compass calibration page (the firmware's memory.h).
    assert (region.start, region.end, region.page_size) == (0x3BC00, 0x3F800, 1024)
    assert region.chunks == 120
    assert "MicroPython v1.9.2" in region.version
    assert filesystem_capacity(FIRMWARE) == 120 * DATA_PER_CHUNK


@needs_firmware
def test_an_appended_script_moves_the_region_down_two_pages():
    from intelhex import IntelHex

    ih = IntelHex(io.StringIO(FIRMWARE))
    ih[0x3E000] = ord("M")  # the firmware looks at this one byte (memory.h)
    region = fs_region(ih)
    assert (region.start, region.end) == (0x3BC00, 0x3D800)  # calibration page at 0x3dc00


@needs_firmware
def test_round_trip_and_layout():
    built = add_files_to_hex(FIRMWARE, KIT)
    assert read_files_from_hex(built) == KIT
    assert read_files_from_hex(FIRMWARE) == {}
    from intelhex import IntelHex

    ih = IntelHex(io.StringIO(built))
    assert ih[0x3BC00] == 0xFE  # first file's first chunk
    assert ih[0x3BC00 + 2] == len("main.py")  # its name length, then its name
    assert ih.tobinarray(start=0x3BC00 + 3, size=7).tobytes() == b"main.py"
    assert ih[0x3F800] == 0xFD  # the persistent-data page marker
    assert ih.tobinarray(start=0x3F800 + 1, size=1023).tobytes() == b"\xff" * 1023
    assert not any(lo < 0x40000 and hi > 0x3FC00 for lo, hi in ih.segments())  # calibration page untouched
    assert ih[0x3BC00 + 3 * CHUNK_SIZE] == 0xFF  # unused chunks are written as erased
    original = IntelHex(io.StringIO(FIRMWARE))
    code_end = original.segments()[0][1]
    assert ih.tobinarray(start=0, size=code_end) == original.tobinarray(start=0, size=code_end)  # untouched
    assert ih.tobinarray(start=0x100010C0, size=28) == original.tobinarray(start=0x100010C0, size=28)


@needs_firmware
def test_adding_keeps_files_already_in_the_hex():
    first = add_files_to_hex(FIRMWARE, {"a.py": b"A = 1\n", "b.py": b"B = 1\n"})
    second = add_files_to_hex(first, {"b.py": b"B = 2\n", "c.py": b""})
    assert read_files_from_hex(second) == {"a.py": b"A = 1\n", "b.py": b"B = 2\n", "c.py": b""}


@needs_firmware
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.text(
            st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="/\\"), min_size=1, max_size=12
        ),
        st.binary(max_size=700),
        max_size=6,
    )
)
def test_round_trip_any_files(files):
    assert read_files_from_hex(add_files_to_hex(FIRMWARE, files)) == files


@needs_firmware
@pytest.mark.parametrize("size", [DATA_PER_CHUNK - 2 - 5, DATA_PER_CHUNK - 2 - 5 + 1, 2 * DATA_PER_CHUNK - 7])
def test_chunk_boundaries(size):
    files = {"x.bin": bytes(range(256)) * 2}
    files["x.bin"] = files["x.bin"][:size]
    assert read_files_from_hex(add_files_to_hex(FIRMWARE, files)) == files


@needs_firmware
def test_names_the_filesystem_cannot_hold():
    ok = "n" * MAX_NAME_LENGTH
    assert ok in read_files_from_hex(add_files_to_hex(FIRMWARE, {ok: b"1"}))
    with pytest.raises(InvalidInput, match="at most 120 bytes"):
        add_files_to_hex(FIRMWARE, {"n" * (MAX_NAME_LENGTH + 1): b"1"})
    with pytest.raises(InvalidInput, match="flat"):
        add_files_to_hex(FIRMWARE, {"lib/helper.py": b"1"})
    with pytest.raises(InvalidInput, match="needs a name"):
        add_files_to_hex(FIRMWARE, {"": b"1"})


@needs_firmware
def test_too_many_bytes_are_refused_with_what_fits():
    capacity = filesystem_capacity(FIRMWARE)
    with pytest.raises(InvalidInput) as info:
        add_files_to_hex(FIRMWARE, {"big.py": b"#" * capacity})
    message = str(info.value)
    assert "\n" not in message and f"only {capacity} bytes fit" in message and info.value.hint
    # Just under: one file filling every chunk (header and final partial chunk included).
    fits = {"a": b"#" * (capacity - 2 - 1 - 1)}
    assert read_files_from_hex(add_files_to_hex(FIRMWARE, fits)) == fits


def test_not_micropython_is_refused():
    with pytest.raises(FirmwareError, match="not an Intel HEX"):
        add_files_to_hex("hello", {"a.py": b""})
    from intelhex import IntelHex

    other = IntelHex()
    other.frombytes(b"\x00\x10\x00\x20" + b"\x55" * 4000, offset=0)
    text = io.StringIO()
    other.write_hex_file(text)
    with pytest.raises(FirmwareError, match="does not look like micro:bit MicroPython"):
        add_files_to_hex(text.getvalue(), {"a.py": b""})
    v2 = IntelHex()
    v2.frombytes(b"\x00" * 16, offset=0)
    v2.frombytes(b"\x00" * 16, offset=0x70000)
    text = io.StringIO()
    v2.write_hex_file(text)
    with pytest.raises(FirmwareError, match="V2"):
        filesystem_capacity(text.getvalue())


# ---------------------------------------------------------------- in QEMU


def _soft_reset_output(port: serial.Serial) -> bytes:
    """Ctrl-D at the friendly prompt: the board restarts and runs main.py again."""
    port.write(b"\r\x03\x02")
    read_until(port, b"for more information.\r\n>>> ", timeout=10)
    time.sleep(0.2)
    port._pending = b""
    port.reset_input_buffer()
    port.write(b"\x04")
    return read_until(port, b"for more information.\r\n>>> ", timeout=10)


@pytest.mark.microbit
@needs_firmware
def test_kit_hex_boots_in_qemu(tmp_path):
    kit = tmp_path / "kit.hex"
    kit.write_text(add_files_to_hex(FIRMWARE, KIT))
    board = virtual.start("microbit", name="kit-mb", image=kit)
    try:
        assert board.image is not None and board.image.read_text() == kit.read_text()
        with serial.Serial(board.port, 115200, timeout=0.2) as port:
            assert b"hello from main.py" in _soft_reset_output(port)
            enter_raw(port)
            out, err = raw_exec(port, "import os\nprint(sorted(os.listdir()))")
            assert err == b"" and out == b"['helper.py', 'main.py', 'notes.txt']\r\n"
            out, err = raw_exec(port, "print(repr(open('notes.txt').read()))")
            assert (out, err) == (b"'line 1\\nline 2\\n'\r\n", b"")
            out, err = raw_exec(port, "import helper\nprint(helper.greet('bit'))")
            assert (out, err) == (b"hi bit\r\n", b"")
            out, err = raw_exec(port, "import main")
            assert (out, err) == (b"hello from main.py\r\n", b"")
            # The firmware can still write beside the kit's files.
            out, err = raw_exec(port, "open('new.txt', 'w').write('x')\nprint(sorted(os.listdir()))")
            assert err == b"" and b"'new.txt'" in out and b"'helper.py'" in out
    finally:
        virtual.stop("kit-mb")


@pytest.mark.microbit
@needs_firmware
def test_files_given_to_start_go_into_the_hex(tmp_path):
    board = virtual.start("microbit", name="files-mb", files={"data.txt": b"42"})
    try:
        assert read_files_from_hex(board.image.read_text()) == {"data.txt": b"42"}
        with serial.Serial(board.port, 115200, timeout=0.2) as port:
            enter_raw(port)
            assert raw_exec(port, "print(open('data.txt').read())") == (b"42\r\n", b"")
    finally:
        virtual.stop("files-mb")


@pytest.mark.microbit
@needs_firmware
def test_flash_virtual_microbit_restarts_on_the_kit(tmp_path):
    from boardkit.flash.virtual import flash_virtual

    first = virtual.start("microbit", name="flash-mb")
    try:
        kit = tmp_path / "lesson.hex"
        # A main.py that never returns to the prompt, like most classroom programs.
        kit.write_text(
            add_files_to_hex(
                FIRMWARE,
                {
                    "main.py": b"from microbit import sleep\nwhile True:\n    print('tick')\n    sleep(200)\n",
                    "helper.py": KIT["helper.py"],
                },
            )
        )
        steps = []
        summary = flash_virtual(
            _board("microbit"),
            kit,
            "flash-mb",
            files={"helper.py": KIT["helper.py"]},
            progress=lambda done, total: steps.append((done, total)),
        )
        assert summary["banner"].startswith("MicroPython v1.9.2") and summary["name"] == "flash-mb"
        assert steps[-1] == (2, 2)
        again = virtual.find("flash-mb")
        assert again.pid != first.pid and again.image is not None
        with serial.Serial(again.port, 115200, timeout=0.2) as port:
            read_until(port, b"tick", timeout=10)  # main.py runs again after the check
            enter_raw(port)
            assert raw_exec(port, "import os\nprint(sorted(os.listdir()))")[0] == b"['helper.py', 'main.py']\r\n"
        # Back to the plain firmware: no files.
        flash_virtual(_board("microbit"), MICROBIT_FIRMWARE, "flash-mb")
        with serial.Serial(virtual.find("flash-mb").port, 115200, timeout=0.2) as port:
            enter_raw(port)
            assert raw_exec(port, "import os\nprint(os.listdir())")[0] == b"[]\r\n"
    finally:
        virtual.stop("flash-mb")


@pytest.mark.microbit
@needs_firmware
def test_reflash_refuses_a_bad_image_and_keeps_the_board(tmp_path):
    board = virtual.start("microbit", name="bad-mb")
    try:
        bogus = tmp_path / "bogus.hex"
        bogus.write_text("not a hex\n")
        with pytest.raises(FirmwareError):
            virtual.reflash("bad-mb", image=bogus)
        assert virtual.find("bad-mb").pid == board.pid
        with pytest.raises(InvalidInput, match="fit"):
            virtual.reflash("bad-mb", files={"big.py": b"#" * 20000})
        assert virtual.find("bad-mb").pid == board.pid
    finally:
        virtual.stop("bad-mb")


@pytest.mark.microbit
@needs_firmware
def test_cli_virtual_start_with_image(tmp_path):
    from cli_helpers import boardkit, one_line_error

    kit = tmp_path / "kit.hex"
    kit.write_text(add_files_to_hex(FIRMWARE, {"hello.py": b"print('hi from the cli kit')\n"}))
    result = boardkit("virtual", "start", "microbit", "--name", "cli-mb", "--image", str(kit), "--json")
    try:
        assert result.returncode == 0, result.stderr
        result = boardkit("-p", "cli-mb", "exec", "import hello")
        assert result.returncode == 0 and b"hi from the cli kit" in result.stdout, result.stderr
    finally:
        boardkit("virtual", "stop", "cli-mb")
    bogus = tmp_path / "x.uf2"
    bogus.write_bytes(b"\0" * 512)
    assert "micro:bit" in one_line_error(boardkit("virtual", "start", "microbit", "--image", str(bogus)))


# ---------------------------------------------------------------- the wasm board's images


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _listing(board) -> dict[str, bytes]:
    return {
        p.relative_to(board.fs_dir).as_posix(): p.read_bytes() for p in sorted(board.fs_dir.rglob("*")) if p.is_file()
    }


@pytest.mark.wasm
def test_wasm_start_with_files_and_reflash_with_a_zip(tmp_path):
    from boardkit.api import connect

    board = virtual.start(
        "wasm",
        name="kit-wasm",
        files={"main.py": b"print('wasm main')\n", "lib/helper.py": b"def f():\n    return 7\n"},
    )
    try:
        assert _listing(board) == {"main.py": b"print('wasm main')\n", "lib/helper.py": b"def f():\n    return 7\n"}
        with connect(board.port) as dev:
            out = dev.exec("import sys\nsys.path.append('/lib')\nimport helper\nprint(helper.f())")
            assert out.strip() == b"7"
        image = tmp_path / "kit.zip"
        image.write_bytes(_zip({"code.py": b"X = 1\n", "data/a.txt": b"a"}))
        again = virtual.reflash("kit-wasm", image=image)
        assert _listing(again) == {"code.py": b"X = 1\n", "data/a.txt": b"a"}
        with connect(again.port) as dev:
            out = dev.exec("import os\nprint(sorted(os.listdir('/data')), 'code.py' in os.listdir('/'))")
            assert out.strip() == b"['a.txt'] True"
        # Flashing the runtime itself keeps the board's files.
        from boardkit.flash.virtual import flash_virtual
        from boardkit.wasm_runtime import ensure

        runtime = ensure().package  # the installed npm package (checkout's or boardkit's own)
        summary = flash_virtual(_board("wasm"), runtime, "kit-wasm")
        assert summary["banner"].startswith("MicroPython v1.27")
        assert _listing(virtual.find("kit-wasm")) == {"code.py": b"X = 1\n", "data/a.txt": b"a"}
    finally:
        virtual.stop("kit-wasm")


def test_wasm_image_zip_slip_is_refused(tmp_path):
    from boardkit.virtual.images import files_from_zip, stage

    with pytest.raises(VirtualBoardError, match="not a file path"):
        files_from_zip(_zip({"../evil.py": b""}))
    with pytest.raises(VirtualBoardError, match="zip or a folder"):
        stage("wasm", tmp_path, tmp_path / "missing.bin", None)
    staged = stage("wasm", tmp_path, None, {"a/b.py": b"1"})
    assert files_from_zip(staged.read_bytes()) == {"a/b.py": b"1"}
