"""Flashing through drives (DAPLink MICROBIT, RP2040 RPI-RP2), with a tmp folder standing in
for the drive and a mounts file like /proc/mounts listing it. The board's side (consuming
the file, remounting, rebooting) is played by the `wait` callback or by a thread."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from boardkit.errors import FirmwareError, FlashError, InvalidInput
from boardkit.firmware.uf2 import RP2040_FAMILY, to_uf2
from boardkit.flash.drives import find_drives, flash_daplink, flash_uf2

HEX = ":020000040000FA\n:10000000000400200D0100000F0100001101000086\n:00000001FF\n"


def _board(method: str):
    from boardkit.boards import Board, FsLayout, Release

    if method == "daplink":
        return Board(
            id="microbit_v1",
            name="BBC micro:bit V1",
            vendor="x",
            chip="nrf51822",
            flash_size=262144,
            ram_size=16384,
            method="daplink",
            usb=(),
            fs=FsLayout("microbit"),
            releases=(Release("micropython", "1.1.1", "https://x/y.hex", "hex"),),
            drive_label="MICROBIT",
        )
    return Board(
        id="rpi_pico",
        name="Raspberry Pi Pico",
        vendor="x",
        chip="rp2040",
        flash_size=2097152,
        ram_size=270336,
        method="uf2",
        usb=(),
        fs=FsLayout("littlefs2", 0x100A0000, 0x160000, 4096),
        releases=(Release("micropython", "1.27.0", "https://x/y.uf2", "uf2"),),
        drive_label="RPI-RP2",
        uf2_family=RP2040_FAMILY,
        mpy="6.3",
    )


@pytest.fixture
def media(tmp_path):
    """A place for fake drives and the mounts file that lists them."""
    root = tmp_path / "media"
    root.mkdir()
    mounts = tmp_path / "mounts"
    mounts.write_text("proc /proc proc rw 0 0\n")

    def mount(label: str, options: str = "rw,nosuid") -> Path:
        drive = root / label
        drive.mkdir(exist_ok=True)
        with mounts.open("a") as f:
            f.write(f"/dev/sdb1 {drive} vfat {options} 0 0\n")
        return drive

    return mount, mounts


@pytest.fixture
def images(tmp_path):
    hex_path = tmp_path / "kit.hex"
    hex_path.write_text(HEX)
    uf2_path = tmp_path / "kit.uf2"
    uf2_path.write_bytes(to_uf2([(0x10000000, bytes(range(256)) * 3)], RP2040_FAMILY))
    return hex_path, uf2_path


def _consume(drive: Path, target: Path, timeout: float) -> None:
    """The interface chip's part: the whole image arrived, it is taken, the drive comes back."""
    assert target.parent == drive and target.stat().st_size > 0
    _consume.last = target.read_bytes()
    target.unlink()


def _later(delay: float, action) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(delay), action()), daemon=True)
    thread.start()
    return thread


# ---------------------------------------------------------------- DAPLink (micro:bit)


def test_daplink_copies_to_the_given_drive(tmp_path, images):
    hex_path, _ = images
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    steps = []
    summary = flash_daplink(
        _board("daplink"), hex_path, drive, None, progress=lambda d, t: steps.append((d, t)), wait=_consume
    )
    assert _consume.last == HEX.encode()
    assert summary["method"] == "daplink" and summary["drive"] == str(drive) and summary["bytes"] == len(HEX)
    assert summary["banner"] is None and steps[-1] == (len(HEX), len(HEX))


def test_daplink_finds_the_drive_and_waits_for_the_remount(media, images):
    mount, mounts = media
    drive = mount("MICROBIT")
    hex_path, _ = images
    assert find_drives("MICROBIT", mounts) == [drive]
    _later(0.3, lambda: (drive / "kit.hex").unlink())  # DAPLink took it; the drive is back without it
    summary = flash_daplink(_board("daplink"), hex_path, None, None, mounts_file=mounts, timeout=10)
    assert summary["drive"] == str(drive) and not (drive / "kit.hex").exists()


def test_daplink_fail_txt_is_reported(media, images):
    mount, mounts = media
    drive = mount("MICROBIT")
    _later(0.2, lambda: (drive / "FAIL.TXT").write_text("The hex file cannot be decoded.\r\n"))
    with pytest.raises(FlashError, match="refused the image: The hex file cannot be decoded"):
        flash_daplink(_board("daplink"), images[0], None, None, mounts_file=mounts, timeout=10)


def test_daplink_no_drive(media, images):
    _, mounts = media
    with pytest.raises(FlashError, match="no MICROBIT drive found") as info:
        flash_daplink(_board("daplink"), images[0], None, None, mounts_file=mounts)
    assert "plug the micro:bit in; a MICROBIT drive should appear" in info.value.hint
    with pytest.raises(FlashError, match="no drive at"):
        flash_daplink(_board("daplink"), images[0], Path("/nonexistent/MICROBIT"), None, mounts_file=mounts)


def test_daplink_read_only_drive(media, images):
    mount, mounts = media
    drive = mount("MICROBIT", "ro,nosuid")
    with pytest.raises(FlashError, match="read-only") as info:
        flash_daplink(_board("daplink"), images[0], None, None, mounts_file=mounts)
    assert info.value.hint and not list(drive.iterdir())
    with pytest.raises(FlashError, match="read-only"):  # also when named with --drive
        flash_daplink(_board("daplink"), images[0], drive, None, mounts_file=mounts)


def test_daplink_two_drives_need_drive_option(media, images):
    mount, mounts = media
    first, second = mount("MICROBIT"), mount("MICROBIT1")
    mount("MICROBIT-BACKUP")  # not a DAPLink drive name
    assert find_drives("MICROBIT", mounts) == [first, second]
    with pytest.raises(InvalidInput, match="2 MICROBIT drives are mounted") as info:
        flash_daplink(_board("daplink"), images[0], None, None, mounts_file=mounts)
    assert "--drive" in info.value.hint
    flash_daplink(_board("daplink"), images[0], second, None, mounts_file=mounts, wait=_consume)


def test_daplink_wrong_format(tmp_path, images):
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    with pytest.raises(FirmwareError, match="is a UF2 image; the MICROBIT drive takes a .hex"):
        flash_daplink(_board("daplink"), images[1], drive, None, wait=_consume)
    assert not list(drive.iterdir())


def test_daplink_never_taken_times_out(tmp_path, images):
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    with pytest.raises(FlashError, match="did not take kit.hex within 0.3 s"):
        flash_daplink(_board("daplink"), images[0], drive, None, timeout=0.3)


@pytest.mark.wasm
def test_daplink_confirms_the_banner_on_the_port(tmp_path, images, wasm_board):
    # The serial side is a real MicroPython (the wasm virtual board) answering on its pty.
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    summary = flash_daplink(_board("daplink"), images[0], drive, wasm_board.port, wait=_consume)
    assert summary["banner"].startswith("MicroPython v")


def test_banner_missing_is_one_error(tmp_path, images):
    drive = tmp_path / "MICROBIT"
    drive.mkdir()
    with pytest.raises(FlashError, match="MicroPython did not answer on loop:// within 0.5 s"):
        flash_daplink(_board("daplink"), images[0], drive, "loop://", wait=_consume, banner_timeout=0.5)


# ---------------------------------------------------------------- UF2 (RP2040)


def test_uf2_copies_and_waits_for_the_reboot(media, images):
    mount, mounts = media
    drive = mount("RPI-RP2")
    _, uf2_path = images

    def reboot():  # the boot ROM wrote the last block: it reboots and its drive is gone
        (drive / "kit.uf2").unlink()
        mounts.write_text("proc /proc proc rw 0 0\n")

    _later(0.3, reboot)
    summary = flash_uf2(_board("uf2"), uf2_path, None, None, mounts_file=mounts, timeout=10)
    assert summary["method"] == "uf2" and summary["drive"] == str(drive) and summary["bootloader"] is None
    assert summary["bytes"] == uf2_path.stat().st_size


def test_uf2_touch_gets_the_board_into_its_boot_rom(media, images):
    # No drive yet, but a port: the 1200-baud touch (here on pyserial's loop:// port), then
    # the drive appears (played by a thread), then the copy. The banner check is left out:
    # loop:// has no MicroPython behind it.
    from boardkit.flash.drives import enter_bootloader

    mount, mounts = media
    _later(0.2, lambda: mount("RPI-RP2"))
    assert enter_bootloader("loop://", "RPI-RP2", 5, mounts) == "1200-baud touch"
    summary = flash_uf2(_board("uf2"), images[1], None, None, mounts_file=mounts, wait=_consume)
    assert _consume.last == images[1].read_bytes() and summary["drive"].endswith("RPI-RP2")


def test_uf2_no_drive(media, images):
    _, mounts = media
    with pytest.raises(FlashError, match="no RPI-RP2 drive found") as info:
        flash_uf2(_board("uf2"), images[1], None, None, mounts_file=mounts)
    assert "hold BOOTSEL while plugging the Pico in" in info.value.hint
    with pytest.raises(FlashError, match="no RPI-RP2 drive appeared after asking the board on loop://"):
        flash_uf2(_board("uf2"), images[1], None, "loop://", mounts_file=mounts, bootloader_wait=0.4)


def test_uf2_read_only_and_ambiguous(media, images):
    mount, mounts = media
    mount("RPI-RP2", "ro")
    with pytest.raises(FlashError, match="read-only"):
        flash_uf2(_board("uf2"), images[1], None, None, mounts_file=mounts)
    mount("RPI-RP21")
    with pytest.raises(InvalidInput, match="2 RPI-RP2 drives"):
        flash_uf2(_board("uf2"), images[1], None, None, mounts_file=mounts)


def test_uf2_wrong_format_or_family(tmp_path, images):
    drive = tmp_path / "RPI-RP2"
    drive.mkdir()
    with pytest.raises(FirmwareError, match="is an Intel HEX file; the RPI-RP2 drive takes a .uf2"):
        flash_uf2(_board("uf2"), images[0], drive, None, wait=_consume)
    other = tmp_path / "esp.uf2"
    other.write_bytes(to_uf2([(0x0, b"\0" * 256)], 0x1C5F21B0))
    with pytest.raises(FirmwareError, match="family 0x1c5f21b0"):
        flash_uf2(_board("uf2"), other, drive, None, wait=_consume)
    assert not list(drive.iterdir())
