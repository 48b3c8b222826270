"""The board catalogue: every boards/*.toml is valid, bad files give one clear error, docs stay generated."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boardkit.boards import Board, boards_dir, boards_for_usb, boards_markdown, get_board, load_board_file, load_boards
from boardkit.errors import InvalidInput
from boardkit.paths import repo_root
from cli_helpers import boardkit, one_line_error

REQUIRED = {
    "esp32_generic",
    "esp32_s3",
    "esp32_c3",
    "microbit_v1",
    "microbit_v2",
    "rpi_pico",
    "rpi_pico_w",
    "virtual_wasm",
    "virtual_microbit",
}
DEBIAN_HEX = Path("/usr/share/firmware-microbit-micropython/firmware.hex")
RP2040_FAMILY = 0xE48BFF56


# ---------------------------------------------------------------- the real catalogue


def test_every_board_file_is_valid_and_ids_are_unique():
    files = sorted(boards_dir().glob("*.toml"))
    boards = load_boards()
    assert len(boards) == len(files) >= 9
    assert REQUIRED <= set(boards)
    for board in boards.values():
        assert isinstance(board, Board)
        assert board.path.stem == board.id
        assert board.release("micropython").flavour == "micropython"


def test_catalogue_facts():
    boards = load_boards()
    esp32 = boards["esp32_generic"]
    assert (esp32.fs.offset, esp32.fs.size) == (0x200000, 0x200000)
    assert all(r.offset == 0x1000 for r in esp32.releases)
    assert all(r.offset == 0 for b in ("esp32_s3", "esp32_c3") for r in boards[b].releases)
    assert boards["rpi_pico"].uf2_family == RP2040_FAMILY and boards["rpi_pico"].drive_label == "RPI-RP2"
    assert boards["rpi_pico"].fs.offset + boards["rpi_pico"].fs.size == 0x10000000 + 2 * 1024 * 1024
    assert boards["microbit_v1"].mpy is None and boards["esp32_generic"].mpy == "6.3"
    assert boards["virtual_wasm"].release().format == "virtual"
    assert {b.virtual_kind for b in boards.values() if b.method == "virtual"} == {"wasm", "microbit"}


@pytest.mark.skipif(not DEBIAN_HEX.exists(), reason="Debian's firmware-microbit-micropython is not installed")
def test_virtual_microbit_pin_matches_the_debian_file():
    import hashlib

    release = get_board("virtual_microbit").release()
    assert release.url == DEBIAN_HEX.as_uri()
    assert release.sha256 == hashlib.sha256(DEBIAN_HEX.read_bytes()).hexdigest()
    assert release.size == DEBIAN_HEX.stat().st_size


def test_release_picks_newest_or_the_asked_version():
    board = get_board("esp32_generic")
    assert board.release().version == "1.27.0"
    assert board.release(version="1.26.1").version == "1.26.1"
    assert board.release(version="v1.26.1").version == "1.26.1"
    with pytest.raises(InvalidInput) as err:
        board.release(version="0.1")
    assert "available: 1.27.0, 1.26.1" in err.value.hint
    with pytest.raises(InvalidInput, match="no circuitpython"):
        board.release("circuitpython")
    assert get_board("rpi_pico").release("circuitpython").format == "uf2"


def test_unknown_board_lists_the_ids():
    with pytest.raises(InvalidInput, match="unknown board 'esp64'") as err:
        get_board("esp64")
    assert "rpi_pico" in err.value.hint


def test_boards_for_usb():
    assert {b.id for b in boards_for_usb(0x2E8A, 0x0005)} == {"rpi_pico", "rpi_pico_w"}
    assert {b.id for b in boards_for_usb(0x0D28, 0x0204)} == {"microbit_v1", "microbit_v2"}
    assert "esp32_generic" in {b.id for b in boards_for_usb(0x10C4, 0xEA60)}
    assert boards_for_usb(0x1234, 0x5678) == []


def test_docs_boards_md_is_generated():
    expected = boards_markdown(load_boards())
    actual = (repo_root() / "docs" / "boards.md").read_text()  # a checkout: docs/ is not shipped
    assert actual == expected, "docs/boards.md is stale: boardkit boards --markdown > docs/boards.md"


def test_cli_boards_json():
    result = boardkit("boards", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert REQUIRED <= {b["id"] for b in data}
    pico = next(b for b in data if b["id"] == "rpi_pico")
    assert pico["usb"][0] == "2e8a:0005" and pico["uf2_family"] == "0xe48bff56"


def test_cli_boards_markdown_and_table():
    result = boardkit("boards", "--markdown")
    assert result.stdout.decode() == boards_markdown(load_boards())
    table = boardkit("boards")
    assert table.returncode == 0 and b"rpi_pico" in table.stdout


# ---------------------------------------------------------------- bad files

GOOD = """\
id = "my_board"
name = "My board"
vendor = "Me"
chip = "rp2040"
flash_size = 2097152
ram_size = 270336
method = "uf2"
drive_label = "RPI-RP2"
uf2_family = 0xe48bff56
usb = [["0x2e8a", "0x0005"]]

[fs]
kind = "littlefs2"
offset = "0x100a0000"
size = 0x160000

[[firmware]]
flavour = "micropython"
version = "1.27.0"
url = "https://example.org/fw.uf2"
format = "uf2"
"""


def write(tmp_path: Path, text: str, name: str = "my_board.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_good_file_normalises_hex_strings(tmp_path):
    write(tmp_path, GOOD)
    board = load_boards(tmp_path)["my_board"]
    assert board.fs.offset == 0x100A0000 and board.fs.size == 0x160000
    assert board.usb == ((0x2E8A, 0x0005),) and board.uf2_family == RP2040_FAMILY


BAD = [
    # (change, expected words in the one error)
    (("flash_size = 2097152", 'flash_size = "2 MB"'), "my_board.toml line 5: flash_size must be an integer"),
    (("ram_size = 270336", "ram_size = true"), "ram_size must be an integer"),
    (('method = "uf2"', 'method = "jtag"'), "method must be one of daplink, esptool, uf2, virtual"),
    (('id = "my_board"', 'id = "other_board"'), "must equal the file name"),
    (('id = "my_board"', 'id = "MyBoard"'), "must be snake_case"),
    (('usb = [["0x2e8a", "0x0005"]]', "usb = [[11914, 5]]"), "usb ids must be pairs of hex strings"),
    (('name = "My board"\n', ""), "missing required key 'name'"),
    (('format = "uf2"', 'format = "uf2"\nsha256 = "abc"'), "sha256 must be 64 lowercase hex digits"),
    (('format = "uf2"', 'format = "hex"'), "format 'hex' cannot be flashed by method 'uf2'"),
    (("uf2_family = 0xe48bff56\n", ""), "needs uf2_family"),
    (('vendor = "Me"', 'vendor = "Me"\ncolour = "red"'), "unknown key 'colour'"),
    (('kind = "littlefs2"', 'kind = "fat"'), "kind must be one of littlefs2, microbit, host"),
    (('url = "https://example.org/fw.uf2"', 'url = "ftp://example.org/fw.uf2"'), "url must be"),
    (("ram_size = 270336", "ram_size = = 1"), "not valid TOML"),
]


@pytest.mark.parametrize("change,expected", BAD, ids=[b[1][:40] for b in BAD])
def test_bad_file_gives_one_clear_error(tmp_path, change, expected):
    old, new = change
    assert old in GOOD
    path = write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(InvalidInput) as err:
        load_boards(tmp_path)
    message = str(err.value)
    assert message.startswith("my_board.toml"), message
    assert expected in message, message
    assert "\n" not in message and str(path) in err.value.hint


def test_toml_syntax_error_names_the_line(tmp_path):
    write(tmp_path, GOOD.replace("ram_size = 270336", "ram_size = = 1"))
    with pytest.raises(InvalidInput, match=r"my_board.toml: not valid TOML: .*line 6"):
        load_board_file(tmp_path / "my_board.toml")


def test_duplicate_release_and_no_release(tmp_path):
    write(tmp_path, GOOD + GOOD[GOOD.index("[[firmware]]") :])
    with pytest.raises(InvalidInput, match="listed twice"):
        load_boards(tmp_path)
    write(tmp_path, GOOD[: GOOD.index("[[firmware]]")])
    with pytest.raises(InvalidInput, match=r"at least one \[\[firmware\]\]"):
        load_boards(tmp_path)


def test_cli_bad_catalogue_is_one_line(tmp_path):
    write(tmp_path, GOOD.replace("flash_size = 2097152", 'flash_size = "big"'))
    line = one_line_error(boardkit("boards", env={"BOARDKIT_BOARDS": str(tmp_path)}))
    assert "my_board.toml line 5: flash_size must be an integer" in line
