"""flash_esp against the ESP ROM test double (tests/esp_rom_double.py — a SIMULATOR, not a chip),
driven end to end by the real esptool, over a pty and over socket://."""

from __future__ import annotations

import hashlib
import random

import pytest

from boardkit.boards import Board, FsLayout, Release
from boardkit.errors import FirmwareError, FlashError
from boardkit.firmware import esp_image
from boardkit.flash.esp import flash_esp
from esp_rom_double import EspRomDouble

pytestmark = pytest.mark.esp

MB = 1024 * 1024


def make_board(chip: str = "esp32", flash_size: int = 4 * MB) -> Board:
    base = esp_image.merged_base(chip)
    return Board(
        id=f"{chip}_test",
        name=f"{chip} test board",
        vendor="test",
        chip=chip,
        flash_size=flash_size,
        ram_size=512 * 1024,
        method="esptool",
        usb=(),
        fs=FsLayout(kind="littlefs2", offset=0x200000, size=0x200000, block_size=4096),
        releases=(Release("micropython", "1.27.0", "https://example.invalid/fw.bin", "esp-bin", offset=base),),
    )


@pytest.fixture(scope="module")
def firmware(tmp_path_factory):
    path = tmp_path_factory.mktemp("fw") / "ESP32_SYNTHETIC.bin"
    path.write_bytes(esp_image.build_synthetic_firmware("esp32"))
    return path


@pytest.fixture(params=["pty", "tcp"])
def double(request, tmp_path):
    with EspRomDouble(tmp_path / "flash.bin", transport=request.param) as d:
        yield d


@pytest.fixture
def pty_double(tmp_path):
    with EspRomDouble(tmp_path / "flash.bin") as d:
        yield d


def test_flash_writes_image_at_offset_compressed_and_verified(double, firmware):
    data = firmware.read_bytes()
    seen = []
    summary = flash_esp(make_board(), firmware, double.port, progress=lambda d, t: seen.append((d, t)), wait_banner=5)
    assert double.read_flash(0x1000, len(data)) == data
    raw = double.flash_path.read_bytes()  # the backing file holds exactly the image at 0x1000
    assert raw[0x1000 : 0x1000 + len(data)] == data
    assert raw[:0x1000] == b"\xff" * 0x1000 and set(raw[0x1000 + len(data) :]) == {0xFF}
    assert double.stats["stub_runs"] == 1
    assert double.stats["compressed_sessions"] >= 1 and double.stats["plain_sessions"] == 0
    assert double.stats["md5_checks"] >= 2  # esptool's check and ours
    assert summary["md5_verified"] and summary["chip"] == "esp32"
    assert summary["regions"] == [{"offset": 0x1000, "size": len(data), "md5": hashlib.md5(data).hexdigest()}]
    assert summary["banner"].startswith("MicroPython v1.27.0")
    assert seen and seen[-1] == (len(data), len(data))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_rom_path_without_stub(pty_double, firmware):
    data = firmware.read_bytes()
    flash_esp(make_board(), firmware, pty_double.port, stub=False, wait_banner=5)
    assert pty_double.read_flash(0x1000, len(data)) == data
    assert pty_double.stats["stub_runs"] == 0


def test_wrong_md5_is_a_flash_error(tmp_path, firmware):
    with EspRomDouble(tmp_path / "flash.bin", wrong_md5=True) as d:
        with pytest.raises(FlashError, match="does not match|does not hold"):
            flash_esp(make_board(), firmware, d.port, wait_banner=0)


def test_link_dropped_mid_flash_then_rerun_finishes(tmp_path, firmware, monkeypatch):
    import esptool.cmds
    import esptool.loader

    # The dead link answers nothing, so esptool waits out the block's timeout: 40 s per MB of
    # inflated data (a compressed block of erased flash inflates to megabytes: ~9 s here),
    # never less than DEFAULT_TIMEOUT (3 s), up to 3 tries. Shorten only what the dead link
    # costs: one try, and a per-MB scale so small that the 3 s floor applies. Every command
    # that gets an answer keeps esptool's own timeouts (3 s and more), so a slow answer on a
    # loaded machine cannot turn into a spurious failure, and the wait is bounded (~3 s).
    monkeypatch.setattr(esptool.loader, "WRITE_BLOCK_ATTEMPTS", 1)
    monkeypatch.setattr(esptool.cmds, "ERASE_WRITE_TIMEOUT_PER_MB", 0.01)
    files = {f"f{i}.bin": random.Random(i).randbytes(16 * 1024) for i in range(4)}
    kit = esp_image.build_esp_kit(firmware.read_bytes(), files, "esp32", 4 * MB)
    image = tmp_path / "kit.bin"
    image.write_bytes(kit)
    with EspRomDouble(tmp_path / "flash.bin", drop_after=20_000) as d:
        with pytest.raises(FlashError, match="could not write the image"):
            flash_esp(make_board(), image, d.port, wait_banner=0)
        assert d.stats["drops"] == 1
        assert d.read_flash(0x1000, len(kit)) != kit
        flash_esp(make_board(), image, d.port, wait_banner=0)
        assert d.read_flash(0x1000, len(kit)) == kit


def test_wrong_chip_is_refused_before_writing(tmp_path, firmware):
    with EspRomDouble(tmp_path / "flash.bin", chip="esp32s3") as d:
        before = d.flash_path.read_bytes()
        with pytest.raises(FlashError) as info:
            flash_esp(make_board("esp32"), firmware, d.port, wait_banner=0)
        assert str(info.value) == "the board is an ESP32-S3 but this image is for ESP32"
        assert d.flash_path.read_bytes() == before
        assert d.stats["data_blocks"] == 0


def test_image_for_another_chip_is_refused(pty_double, tmp_path):
    s3 = tmp_path / "s3.bin"
    s3.write_bytes(esp_image.build_synthetic_firmware("esp32s3"))
    with pytest.raises(FirmwareError, match="built for ESP32-S3"):
        flash_esp(make_board("esp32"), s3, pty_double.port, wait_banner=0)
    assert pty_double.stats["connections"] == 0  # refused before the port was opened


def test_image_larger_than_flash_is_refused(pty_double, firmware, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(firmware.read_bytes() + b"\x00" * (2 * MB))
    with pytest.raises(FirmwareError, match="does not fit"):
        flash_esp(make_board(flash_size=2 * MB), big, pty_double.port, wait_banner=0)
    assert pty_double.stats["connections"] == 0


def test_nothing_answering_says_download_mode(tmp_path, firmware):
    with EspRomDouble(tmp_path / "flash.bin", state="off") as d:
        with pytest.raises(FlashError) as info:
            flash_esp(make_board(), firmware, d.port, wait_banner=0)
    assert str(info.value) == f"no ESP bootloader answered on {d.port}"
    assert info.value.hint == "put the board in download mode: hold BOOT, tap RESET, release BOOT"


def test_no_banner_after_flash(tmp_path, firmware):
    with EspRomDouble(tmp_path / "flash.bin", banner=False) as d:
        with pytest.raises(FlashError, match="did not come up running Python") as info:
            flash_esp(make_board(), firmware, d.port, wait_banner=1.5)
        assert "RESET" in info.value.hint
        assert d.read_flash(0x1000, 16) == firmware.read_bytes()[:16]  # written all the same


def test_erase_then_flash(pty_double, firmware):
    pty_double.flash[0x300000:0x300010] = b"\x00" * 16  # old data far from the image
    flash_esp(make_board(), firmware, pty_double.port, erase=True, wait_banner=5)
    assert pty_double.stats["erase_flash"] == 1
    assert pty_double.read_flash(0x300000, 16) == b"\xff" * 16


def test_kit_image_round_trip(double, firmware):
    import esptool.cmds
    from esptool.bin_image import LoadFirmwareImage

    files = {
        "main.py": b"print('lesson 3')\n",
        "lib/helpers.py": b"def f():\n    return 1\n",
        "data/levels/1.txt": b"#####\n#...#\n#####\n",
    }
    kit = esp_image.build_esp_kit(firmware.read_bytes(), files, "esp32", 4 * MB)
    assert esp_image.read_kit_files(kit, "esp32") == files
    parts = esp_image.read_partition_table(kit, 0x8000 - 0x1000)
    assert [p.name for p in parts] == ["nvs", "phy_init", "factory", "vfs"]
    app = LoadFirmwareImage("esp32", kit[0x10000 - 0x1000 :])  # image_info-style checks
    assert app.checksum == app.calculate_checksum() and app.stored_digest == app.calc_digest
    assert app.chip_id == 0

    image = double.flash_path.parent / "kit.bin"
    image.write_bytes(kit)
    flash_esp(make_board(), image, double.port, wait_banner=0)
    whole = double.flash_path.read_bytes()
    assert esp_image.read_kit_files(whole, "esp32", base=0) == files
    # and through esptool's own read_flash (the stub's READ_FLASH)
    esp = esptool.cmds.detect_chip(double.port)
    try:
        esp = esptool.cmds.run_stub(esp)
        vfs = esp_image.vfs_partition(parts)
        back = esptool.cmds.read_flash(esp, vfs.offset, 64 * 1024)  # (a full read is slow over TCP)
    finally:
        esp._port.close()
    assert back == whole[vfs.offset : vfs.offset + 64 * 1024] == kit[vfs.offset - 0x1000 :][: 64 * 1024]


def test_partition_table_round_trip_and_md5():
    parts = esp_image.micropython_partitions(8 * MB)
    table = esp_image.build_partition_table(parts)
    assert esp_image.read_partition_table(table, 0) == parts
    bad = bytearray(table)
    bad[40] ^= 1
    with pytest.raises(FirmwareError, match="MD5"):
        esp_image.read_partition_table(bytes(bad), 0)
