"""Flashing the ESP32 family through esptool's Python API (never a subprocess).

    summary = flash_esp(board, Path("ESP32_GENERIC-v1.27.0.bin"), "/dev/ttyUSB0", progress=cb)

Steps: check the image (an ESP-IDF image for board.chip, fits the flash) before touching
the port; connect and detect the chip (refuse another chip); upload esptool's stub;
optionally erase; write with compression; check every region's MD5 on the chip; hard reset;
wait for MicroPython's banner or prompt on the port. esptool's own output is captured,
never printed; progress arrives through `progress(done, total)` in image bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit.chips import chip_label, chips_of_family
from boardkit.errors import FirmwareError, FlashError
from boardkit.flash.base import Flasher, FlashTarget, Progress
from boardkit.flash.esptool_log import EsptoolSink

if TYPE_CHECKING:
    from boardkit.boards import Board

DOWNLOAD_MODE_HINT = "put the board in download mode: hold BOOT, tap RESET, release BOOT"
BANNER_MARKERS = (b"MicroPython", b">>> ")
ROM_BAUD = 115200


def flash_esp(
    board: Board,
    image: Path | bytes,
    port: str,
    *,
    offset: int | None = None,
    erase: bool = False,
    baud: int = 460800,
    progress: Progress | None = None,
    wait_banner: float = 10.0,
    stub: bool = True,
) -> dict[str, Any]:
    """Write `image` to an ESP32-family board on `port`; return a summary for --json.

    Raises FirmwareError for an image that cannot be for this board (before the port is
    opened) and FlashError for everything that goes wrong on the way to a running board.
    """
    started = time.monotonic()
    data = Path(image).read_bytes() if not isinstance(image, (bytes, bytearray)) else bytes(image)
    name = getattr(image, "name", "image")
    offset = _check_image(board, data, name, offset)
    data += b"\xff" * (-len(data) % 4)  # esptool pads to a word; the MD5 covers the padded data
    if offset + len(data) > board.flash_size:
        raise FirmwareError(
            f"{name} ({len(data)} bytes at {offset:#x}) does not fit {board.name}'s "
            f"{board.flash_size // (1024 * 1024)} MB flash",
            hint="pick the image built for this board's flash size",
        )

    regions = [{"offset": offset, "size": len(data), "md5": hashlib.md5(data).hexdigest()}]
    sink = EsptoolSink(progress, len(data))
    with sink.active():
        esp = _connect(board, port, sink)
        try:
            chip = _detected_chip(esp)
            if chip != board.chip:
                raise FlashError(
                    f"the board is an {chip_label(chip)} but this image is for {chip_label(board.chip)}",
                    hint=f"pick the board that matches (boardkit boards), or the {chip_label(chip)} firmware",
                )
            esp = _write(esp, data, offset, erase=erase, baud=baud, stub=stub, sink=sink)
            for region in regions:
                _verify_md5(esp, region)
            _hard_reset(esp)
        finally:
            with contextlib.suppress(Exception):
                esp._port.close()
    banner = _wait_banner(port, wait_banner) if wait_banner > 0 else None
    return {
        "board": board.id,
        "chip": board.chip,
        "port": port,
        "bytes_written": len(data),
        "regions": regions,
        "md5_verified": True,
        "erased": erase,
        "stub": stub,
        "seconds": round(time.monotonic() - started, 2),
        "banner": banner,
    }


# ---------------------------------------------------------------- before the port


def _check_image(board: Board, data: bytes, name: str, offset: int | None) -> int:
    """Refuse an image for another chip; work out where it goes. Returns the flash offset."""
    from boardkit.firmware import esp_partitions
    from boardkit.firmware.formats import esp as esp_format

    if len(data) < 24 or data[0] != 0xE9:
        raise FirmwareError(
            f"{name} is not an ESP32 firmware image (no 0xE9 image header)",
            hint="use the .bin made for this board (see `boardkit firmware`)",
        )
    built_for = esp_format.image_chip(data)
    if built_for is None:
        raise FirmwareError(
            f"{name} has an unknown chip id in its header",
            hint="it is corrupt or not for an ESP32-family chip; download it again",
        )
    if built_for != board.chip:
        raise FirmwareError(
            f"{name} is built for {chip_label(built_for)}, but {board.name} is an {chip_label(board.chip)}",
            hint="pick the firmware made for this board (see `boardkit boards`)",
        )
    base = esp_format.merged_base(board.chip)
    merged = _has_partition_table(data, base)
    if offset is None:
        return base if merged or not _is_app_image(data) else esp_partitions.APP_OFFSET
    if merged and offset != base:
        raise FirmwareError(
            f"{name} is a merged image: it must go to {base:#x} on the {chip_label(board.chip)}, not {offset:#x}",
            hint="leave the offset out, or fix the board file's firmware offset",
        )
    return offset


def _has_partition_table(data: bytes, base: int) -> bool:
    from boardkit.firmware import esp_partitions

    at = esp_partitions.PARTITION_TABLE_OFFSET - base
    return data[at : at + 2] == esp_partitions.PARTITION_MAGIC


def _is_app_image(data: bytes) -> bool:
    import struct

    from boardkit.firmware.formats.esp import ESP_APP_DESC_MAGIC

    # An app's first segment starts with its esp_app_desc_t (after the 24-byte header and 8-byte segment header).
    return len(data) > 36 and struct.unpack_from("<I", data, 32)[0] == ESP_APP_DESC_MAGIC


# ---------------------------------------------------------------- esptool


def _fatal_types() -> tuple[type[BaseException], ...]:
    import serial
    from esptool.util import FatalError

    return (FatalError, serial.SerialException, OSError)


def _connect(board: Board, port: str, sink: EsptoolSink) -> Any:
    from esptool import cmds

    try:
        return cmds.detect_chip(port, ROM_BAUD, "default-reset", False)
    except _fatal_types() as exc:
        text = str(exc)
        if "Could not open" in text or "could not open port" in text.lower():
            raise FlashError(
                f"cannot open {port}: {_one_line(exc)}",
                hint="check the port name, and that no other program has it open",
            ) from None
        raise FlashError(f"no ESP bootloader answered on {port}", hint=DOWNLOAD_MODE_HINT) from None


def _detected_chip(esp: Any) -> str:
    for chip in chips_of_family("esp"):
        if esp.CHIP_NAME == chip_label(chip):
            return chip
    return str(esp.CHIP_NAME).lower().replace("-", "")


def _write(esp: Any, data: bytes, offset: int, *, erase: bool, baud: int, stub: bool, sink: EsptoolSink) -> Any:
    from esptool import cmds

    step = "upload the flasher stub"
    try:
        if stub:
            esp = cmds.run_stub(esp)
        step = "change the baud rate"
        if baud and baud != ROM_BAUD:
            esp.change_baud(baud)
        step = "attach the flash chip"
        cmds.attach_flash(esp)
        if erase:
            step = "erase the flash"
            if not esp.IS_STUB:
                raise FlashError(
                    "erasing the whole flash needs esptool's stub loader",
                    hint="flash with the stub (the default), or without --erase",
                )
            cmds.erase_flash(esp)
        step = "write the image"
        sink.writing = True
        cmds.write_flash(esp, [(offset, data)], compress=esp.IS_STUB, no_compress=not esp.IS_STUB)
        sink.writing = False
    except FlashError:
        raise
    except _fatal_types() as exc:
        message = _one_line(exc)
        if "MD5" in message or "empty" in message:
            raise FlashError(
                f"the data read back from the flash does not match the image ({message})",
                hint="flash again; if it keeps failing, try a lower baud rate or another cable",
            ) from None
        raise FlashError(
            f"could not {step}: {message}",
            hint="check the cable and try again (a lower baud rate helps on long cables); "
            "the board keeps its old firmware until a flash completes",
        ) from None
    return esp


def _verify_md5(esp: Any, region: dict[str, Any]) -> None:
    """Our own check, independent of esptool's: ask the chip for the region's MD5."""
    try:
        got = esp.flash_md5sum(region["offset"], region["size"])
    except _fatal_types() as exc:
        raise FlashError(
            f"could not verify the flash at {region['offset']:#x}: {_one_line(exc)}",
            hint="check the cable and flash again",
        ) from None
    if got.lower() != region["md5"]:
        raise FlashError(
            f"the flash at {region['offset']:#x} does not hold the image (MD5 {got.lower()}, expected {region['md5']})",
            hint="flash again; if it keeps failing, try a lower baud rate or another cable",
        )


def _hard_reset(esp: Any) -> None:
    from esptool import cmds

    try:
        cmds.reset_chip(esp, "hard-reset")
    except _fatal_types():
        pass  # the image is written and verified; the banner wait tells whether the board came up


def _wait_banner(port: str, seconds: float) -> str:
    """Wait for MicroPython's banner or prompt; poke the REPL with CR-LF every second."""
    import serial

    deadline = time.monotonic() + seconds
    seen = b""
    link = None
    next_poke = time.monotonic()
    try:
        while time.monotonic() < deadline:
            if link is None:
                try:  # native-USB chips re-enumerate after a reset: reopen until the port is back
                    link = serial.serial_for_url(port, ROM_BAUD, timeout=0.1)
                except (serial.SerialException, OSError):
                    time.sleep(0.2)
                    continue
            try:
                if time.monotonic() >= next_poke:
                    link.write(b"\r\n")
                    next_poke = time.monotonic() + 1.0
                seen += link.read(256)
            except (serial.SerialException, OSError):
                with contextlib.suppress(Exception):
                    link.close()
                link = None
                continue
            if any(marker in seen for marker in BANNER_MARKERS):
                line = next((ln for ln in seen.splitlines() if b"MicroPython" in ln), b">>>")
                return line.decode("utf-8", "replace").strip()
    finally:
        if link is not None:
            with contextlib.suppress(Exception):
                link.close()
    tail = seen.decode("utf-8", "replace").strip()[-120:]
    raise FlashError(
        f"the firmware was written and verified, but the board did not come up running Python on {port} "
        f"within {seconds:g} s" + (f" (it printed: {tail!r})" if tail else " (it printed nothing)"),
        hint="press RESET on the board; if there is still no >>> prompt, flash again with --erase, "
        "or check this is the right firmware for the board",
    )


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text.split(" For troubleshooting")[0][:300]


class EsptoolFlasher(Flasher):
    """The ESP32 family over its serial port, through esptool's Python API."""

    method = "esptool"
    formats = ("esp-bin",)
    needs = "port"
    target_hint = "give -p /dev/ttyUSB0 (or COM3)"

    def flash(
        self,
        board: Board,
        image: Path | None,
        target: FlashTarget,
        *,
        erase: bool = False,
        files: dict[str, bytes] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Write the image (the .bin goes to the release's offset), verify, wait for the banner."""
        if image is None or target.port is None:
            raise FlashError(f"flashing {board.name} needs an image and a port", hint=self.target_hint)
        offset = board.release().offset if Path(image).suffix == ".bin" else None
        return flash_esp(board, Path(image), target.port, offset=offset, erase=erase, progress=progress)
