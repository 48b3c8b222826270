"""Extension points of flashing, end to end: a flash method and an image format from outside
boardkit, each one file (tests/plugins/dummy_flasher.py, tests/plugins/dummy_image_format.py),
and a board file using them in a private catalogue (BOARDKIT_BOARDS).

Installed the way a package would be (entry points in a dist-info on the path), the real
`boardkit` command finds them: the board file validates against them, `boardkit flash` fetches
the pinned image (checked by the plugin's format), builds a kit with it, and flashes with the
plugin's flasher. Registered at run time, the library API uses them the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from cli_helpers import boardkit, one_line_error

PLUGINS = Path(__file__).parent / "plugins"
sys.path.insert(0, str(PLUGINS))

import dummy_image_format  # noqa: E402  (from tests/plugins, put on the path above)

CHIP = "rp2040"


def write_catalogue(root: Path, image: Path, method: str = "folder") -> Path:
    """A private board catalogue with one board flashed by the dummy method."""
    folder = root / "boards"
    folder.mkdir(parents=True)
    sha = hashlib.sha256(image.read_bytes()).hexdigest()
    (folder / "dummy_board.toml").write_text(f'''
id = "dummy_board"
name = "Dummy board"
vendor = "tests"
chip = "{CHIP}"
flash_size = 65536
ram_size = 8192
method = "{method}"
drive_label = "DUMMY"
usb = []

[fs]
kind = "host"

[[firmware]]
flavour = "micropython"
version = "0.1.0"
url = "{image.as_uri()}"
format = "dummy-img"
size = {image.stat().st_size}
sha256 = "{sha}"
''')
    return folder


def install_plugins(root: Path) -> str:
    """A dist-info naming the two plugin modules in boardkit's entry-point groups; returns PYTHONPATH."""
    info = root / "dummy_plugins-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: dummy-plugins\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[boardkit.flashers]\nfolder = dummy_flasher:FolderFlasher\n\n"
        "[boardkit.image_formats]\ndummy-img = dummy_image_format:DummyImageFormat\n"
    )
    return os.pathsep.join([str(root), str(PLUGINS), os.environ.get("PYTHONPATH", "")])


@pytest.fixture
def setup(tmp_path):
    firmware = tmp_path / "firmware-0.1.0.dmy"
    firmware.write_bytes(dummy_image_format.make_image(CHIP, b"dummy runtime\n"))
    kit = tmp_path / "lesson"
    (kit / "lib").mkdir(parents=True)
    (kit / "main.py").write_text("import helper\n")
    (kit / "lib" / "helper.py").write_text("print('helped')\n")
    drive = tmp_path / "DUMMY"
    drive.mkdir()
    env = {
        "BOARDKIT_BOARDS": str(write_catalogue(tmp_path / "catalogue", firmware)),
        "PYTHONPATH": install_plugins(tmp_path / "site"),
    }
    return firmware, kit, drive, env


def test_installed_plugins_flash_end_to_end_through_the_cli(setup, tmp_path):
    firmware, kit, drive, env = setup
    listed = json.loads(boardkit("boards", "--json", env=env).stdout)
    assert [(b["id"], b["method"], b["firmware"][0]["format"]) for b in listed] == [
        ("dummy_board", "folder", "dummy-img")
    ]

    # the pinned release: fetched from its file:// URL, checked by the plugin's format, flashed
    result = boardkit("flash", "--board", "dummy_board", "--drive", str(drive), "--offline", "--json", env=env)
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads(result.stdout)
    assert summary["method"] == "folder" and summary["banner"] == f"dummy board running an image for {CHIP}"
    assert (drive / "FIRMWARE.dmy").read_bytes() == firmware.read_bytes()

    # a kit: built by the plugin's format into its image, flashed by its flasher
    result = boardkit(
        "flash", "--board", "dummy_board", "--drive", str(drive), "--kit", str(kit), "--offline", "--json", env=env
    )
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["kit"]["files"] == ["lib/helper.py", "main.py"]
    on_board = dummy_image_format.read_files((drive / "FIRMWARE.dmy").read_bytes())
    assert on_board == {"lib/helper.py": b"print('helped')\n", "main.py": b"import helper\n"}

    # kit build names its output with the format's suffix
    out = tmp_path / "lesson-image"
    result = boardkit("kit", "build", str(kit), "--board", "dummy_board", "-o", str(out), "--offline", env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert dummy_image_format.read_files((tmp_path / "lesson-image.dmy").read_bytes())["main.py"] == b"import helper\n"


def test_the_plugin_format_refuses_bad_images_before_the_board_is_touched(setup, tmp_path):
    firmware, _, drive, env = setup
    corrupt = tmp_path / "corrupt.dmy"
    corrupt.write_bytes(firmware.read_bytes().replace(b"dummy runtime", b"dummy RUNTIME"))
    line = one_line_error(boardkit("flash", "--board", "dummy_board", str(corrupt), "--drive", str(drive), env=env))
    assert "corrupt.dmy is truncated or corrupt" in line
    other = tmp_path / "other.dmy"
    other.write_bytes(dummy_image_format.make_image("esp32", b"x"))
    line = one_line_error(boardkit("flash", "--board", "dummy_board", str(other), "--drive", str(drive), env=env))
    assert "built for esp32, not rp2040" in line
    assert list(drive.iterdir()) == []


def test_board_files_are_validated_against_the_registries(setup, tmp_path):
    firmware, _, _, env = setup
    without_plugins = {"BOARDKIT_BOARDS": env["BOARDKIT_BOARDS"]}
    line = one_line_error(boardkit("boards", env=without_plugins))
    assert "method must be one of daplink, esptool, uf2, virtual (not 'folder')" in line
    # with the plugins, a method that cannot write the format is refused by the flasher's own data
    wrong = write_catalogue(tmp_path / "wrong", firmware, method="uf2")
    line = one_line_error(boardkit("boards", env={**env, "BOARDKIT_BOARDS": str(wrong)}))
    assert "format 'dummy-img' cannot be flashed by method 'uf2' (use uf2)" in line


def test_plugins_registered_at_run_time_work_through_the_api(setup, monkeypatch):
    import dummy_flasher

    from boardkit.api import flashing
    from boardkit.firmware.formats import IMAGE_FORMATS
    from boardkit.flash import FLASHERS

    firmware, kit, drive, env = setup
    monkeypatch.setenv("BOARDKIT_BOARDS", env["BOARDKIT_BOARDS"])
    FLASHERS.register("folder", dummy_flasher.FolderFlasher)
    IMAGE_FORMATS.register("dummy-img", dummy_image_format.DummyImageFormat)
    try:
        board = flashing.resolve_board("dummy_board")
        image = flashing.prepare_image(board, kit_dir=kit, offline=True, workdir=drive.parent / "work")
        seen: list[tuple[int, int]] = []
        result = flashing.flash(
            board,
            image,
            flashing.flash_target(board, drive=drive),
            erase=True,
            progress=lambda done, total: seen.append((done, total)),
        )
    finally:
        FLASHERS.unregister("folder")
        IMAGE_FORMATS.unregister("dummy-img")
    assert result.method == "folder" and result.details["erased"] is True
    assert seen[-1] == (image.stat().st_size,) * 2
    assert dummy_image_format.read_files((drive / "FIRMWARE.dmy").read_bytes())["main.py"] == b"import helper\n"
