"""`boardkit flash` and `boardkit kit build` from the command line, end to end.

ESP32: against the ESP ROM bootloader test double (tests/esp_rom_double.py, a SIMULATOR, not
a chip) driven by real esptool inside the boardkit process. No real ESP32 release can be
downloaded here, so the image is a synthetic one valid in every format detail.
"""

from __future__ import annotations

import json

import pytest

from boardkit.firmware import esp_image
from cli_helpers import boardkit, one_line_error
from esp_rom_double import EspRomDouble

pytestmark = pytest.mark.esp


@pytest.fixture
def firmware(tmp_path):
    path = tmp_path / "ESP32_GENERIC-synthetic.bin"
    path.write_bytes(esp_image.build_synthetic_firmware("esp32"))
    return path


@pytest.fixture
def kit_dir(tmp_path):
    kit = tmp_path / "lesson3"
    (kit / "lib").mkdir(parents=True)
    (kit / "main.py").write_text("import blink\nblink.go()\n")
    (kit / "lib" / "blink.py").write_text("def go():\n    print('blink')\n")
    (kit / "notes.txt").write_text("for the teacher\n")
    return kit


def test_flash_esp32_image_through_the_cli(tmp_path, firmware):
    with EspRomDouble(tmp_path / "flash.bin", transport="tcp") as double:
        result = boardkit("-p", double.port, "flash", "--board", "esp32_generic", str(firmware), "--json")
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["board"] == "esp32_generic" and summary["banner"]
        data = firmware.read_bytes()
        assert double.read_flash(0x1000, len(data)) == data


def test_flash_refuses_the_wrong_chip_before_writing(tmp_path, firmware):
    with EspRomDouble(tmp_path / "flash.bin", transport="tcp", chip="esp32s3") as double:
        line = one_line_error(boardkit("-p", double.port, "flash", "--board", "esp32_generic", str(firmware)))
        assert "ESP32-S3" in line
        assert set(double.flash_path.read_bytes()) == {0xFF}


def test_flash_bad_input_is_one_line(tmp_path, firmware):
    broken = tmp_path / "broken.bin"
    broken.write_bytes(firmware.read_bytes()[:5000])
    assert "not a whole firmware image" in one_line_error(
        boardkit("flash", "--board", "esp32_generic", str(broken), "-p", "/dev/null")
    )
    assert "unknown board" in one_line_error(boardkit("flash", "--board", "esp99", str(firmware)))
    assert "no such file" in one_line_error(boardkit("flash", "--board", "esp32_generic", str(tmp_path / "nope.bin")))
    alone = {"BOARDKIT_HOME": str(tmp_path / "empty-home")}  # no virtual boards in sight
    assert "no board found" in one_line_error(boardkit("flash", str(firmware), env=alone))


def test_kit_build_for_esp32_compiles_lib_and_reads_back(tmp_path, firmware, kit_dir):
    out = tmp_path / "lesson3.bin"
    result = boardkit(
        "kit", "build", str(kit_dir), "--board", "esp32_generic", "--firmware", str(firmware), "-o", str(out), "--json"
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["compiled"] == ["lib/blink.mpy"]
    files = esp_image.read_kit_files(out.read_bytes(), "esp32")
    assert files["main.py"] == (kit_dir / "main.py").read_bytes()
    assert files["notes.txt"] == b"for the teacher\n"
    assert files["lib/blink.mpy"][:1] == b"M" and files["lib/blink.mpy"][1] == 6  # .mpy v6.x header


def test_flash_kit_on_esp32_in_one_go(tmp_path, firmware, kit_dir):
    with EspRomDouble(tmp_path / "flash.bin", transport="tcp") as double:
        result = boardkit(
            "-p", double.port, "flash", "--board", "esp32_generic", str(firmware), "--kit", str(kit_dir), "--json"
        )
        assert result.returncode == 0, result.stderr
        flash = double.flash_path.read_bytes()
        files = esp_image.read_kit_files(flash, "esp32", base=0)
        assert files["main.py"] == (kit_dir / "main.py").read_bytes() and "lib/blink.mpy" in files


def test_kit_build_refuses_a_module_that_does_not_compile(tmp_path, firmware, kit_dir):
    (kit_dir / "lib" / "broken.py").write_text("def oops(:\n")
    line = one_line_error(
        boardkit(
            "kit",
            "build",
            str(kit_dir),
            "--board",
            "esp32_generic",
            "--firmware",
            str(firmware),
            "-o",
            str(tmp_path / "k.bin"),
        )
    )
    assert "lib/broken.py" in line and "mpy-cross" in line


def test_a_broken_kit_is_said_before_any_download(tmp_path):
    # An empty cache and --offline: the kit's problem comes first, not "not in the cache".
    alone = {"BOARDKIT_HOME": str(tmp_path / "empty-home")}
    line = one_line_error(
        boardkit(
            "flash",
            "--board",
            "esp32_generic",
            "-p",
            "/dev/null",
            "--offline",
            "--kit",
            str(tmp_path / "no-such-kit"),
            env=alone,
        )
    )
    assert "no-such-kit is not a folder" in line


@pytest.mark.microbit
def test_flash_a_kit_onto_the_virtual_microbit(kit_dir):
    from boardkit import virtual

    board = virtual.start("microbit", name="flash-cli-mb")
    try:
        result = boardkit("-p", board.name, "flash", "--kit", str(kit_dir), "--json")
        assert result.returncode == 0, result.stderr
        summary = json.loads(result.stdout)
        assert summary["board"] == "virtual_microbit"
        assert "cannot import .mpy" in summary["kit"]["note"]  # the 1.9 firmware gets lib/ as source
        out = boardkit("-p", board.name, "exec", "import os\nprint(sorted(os.listdir()))\nimport blink\nblink.go()")
        assert out.stdout == b"['blink.py', 'main.py', 'notes.txt']\nblink\n", out.stderr
    finally:
        virtual.stop(board.name)


@pytest.mark.wasm
def test_flash_a_kit_onto_the_virtual_wasm_board(kit_dir):
    from boardkit import virtual

    board = virtual.start("wasm", name="flash-cli-wasm")
    try:
        result = boardkit("-p", board.name, "flash", "--kit", str(kit_dir), "--json")
        assert result.returncode == 0, result.stderr
        out = boardkit(
            "-p", board.name, "exec", "import os\nprint(sorted(os.listdir('/lib')))\nimport blink\nblink.go()"
        )
        assert out.stdout == b"['blink.mpy']\nblink\n", out.stderr  # compiled by mpy-cross, imported
    finally:
        virtual.stop(board.name)


@pytest.mark.wasm
def test_two_boards_and_no_port_is_one_line(tmp_path):
    env = {"BOARDKIT_HOME": str(tmp_path / "home")}
    try:
        for name in ("pupil1", "pupil2"):
            assert boardkit("virtual", "start", "wasm", "--name", name, env=env).returncode == 0
        line = one_line_error(boardkit("flash", env=env))
        assert "2 boards present" in line and "-p" in line
    finally:
        boardkit("virtual", "stop", "--all", env=env)
