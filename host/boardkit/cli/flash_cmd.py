"""`boardkit flash`: pinned, verified firmware (or a whole kit) onto a board."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

from boardkit.cli.common import Progress, emit_json, options
from boardkit.errors import UsageError

EPILOG = """\b
Examples:
  boardkit flash -p /dev/ttyUSB0 --board esp32_generic          # newest pinned MicroPython
  boardkit flash -p /dev/ttyUSB0 --board esp32_generic --version 1.26.1 --erase
  boardkit flash --board microbit_v1 firmware.hex               # a local image (checked first)
  boardkit flash -p mb1 --kit lesson3/                          # build a kit image and flash it
  boardkit flash --board rpi_pico --drive /media/me/RPI-RP2
Virtual boards are flashed by name (-p NAME): they restart on the image.
"""


def resolve_board(board_id: str | None, port: str | None):
    """--board, or the board the -p port is: a virtual board's kind, or its USB VID:PID."""
    from boardkit.boards import boards_for_usb, get_board

    if board_id:
        return get_board(board_id)
    if port:
        from boardkit import virtual

        found = virtual.find(port)
        if found is not None:
            return get_board(f"virtual_{found.kind}")
        from boardkit.ports import serial_ports

        for info in serial_ports(include_all=True):
            if info.port == port and info.vid_pid:
                vid, pid = (int(part, 16) for part in info.vid_pid.split(":"))
                candidates = boards_for_usb(vid, pid)
                if len(candidates) == 1:
                    return candidates[0]
                if candidates:
                    raise UsageError(f"{port} could be {', '.join(b.id for b in candidates)}",
                                     hint="say which with --board")
    raise UsageError("which board is this?", hint="give --board ID (see `boardkit boards`)")


@click.command(epilog=EPILOG)
@click.argument("image", required=False, type=click.Path(path_type=Path))
@click.option("--board", "board_id", metavar="ID", help="The board's id (boardkit boards).")
@click.option("--version", "version", metavar="V", help="A pinned firmware version (default: the newest).")
@click.option("--kit", "kit_dir", type=click.Path(path_type=Path), metavar="KIT_DIR",
              help="Build a kit image from this folder and flash it.")
@click.option("--erase", is_flag=True, help="Erase the whole flash first (ESP32).")
@click.option("--offline", is_flag=True, help="Use only the firmware cache; never download.")
@click.option("--drive", type=click.Path(path_type=Path), help="The MICROBIT / RPI-RP2 drive (default: found).")
@click.option("-p", "--port", "port_here", metavar="URL",
              help="The board's port (the same as boardkit's -p, which may also go before `flash`).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def flash(ctx, image, board_id, version, kit_dir, erase, offline, drive, port_here, as_json):
    """Flash MicroPython (or a kit) onto a board: checks the image, writes it, verifies it,
    and waits for the board to come back running Python."""
    from boardkit.flash import FlashTarget, firmware_image, flash_board

    from boardkit.ports import resolve

    port = port_here or options(ctx).get("port")
    if not port and not drive and board_id is None:
        port = resolve(None)   # the only board present; several: "choose one with -p"
    board = resolve_board(board_id, port)
    started = time.monotonic()
    kit = None
    if kit_dir is not None:   # a broken kit is said before any download
        from boardkit.firmware.kit import collect_kit

        kit = collect_kit(kit_dir, board)
    with Progress("downloading firmware") as bar:   # the image is checked before any board is touched
        firmware = firmware_image(board, version, image, offline=offline, progress=bar)
    if not port and not drive and board.method in ("esptool", "virtual"):
        port = resolve(None)
    if board.method == "virtual" and port:
        from boardkit import virtual

        found = virtual.find(port)
        port = found.name if found else port
    target = FlashTarget(port=port, drive=drive, virtual_name=port if board.method == "virtual" else None)
    kit_summary = None
    with tempfile.TemporaryDirectory(prefix="bk-kit-") as tmp:
        files = None
        if kit is not None:
            from boardkit.firmware.kit import build_kit_image

            data, suffix = build_kit_image(kit, board, firmware)
            firmware = Path(tmp) / f"kit{suffix}"
            firmware.write_bytes(data)
            files = kit.files
            kit_summary = {"files": sorted(kit.files), "compiled": kit.compiled, "note": kit.note}
            if kit.note and not as_json:
                click.echo(f"boardkit: note: {kit.note}", err=True)
        with Progress(f"flashing {board.name}") as bar:
            summary = flash_board(board, firmware, target, erase=erase, files=files, progress=bar)
    summary = {"board": board.id, "image": str(image or firmware.name), "seconds": round(time.monotonic() - started, 2),
               **summary}
    if kit_summary:
        summary["kit"] = kit_summary
    if as_json:
        emit_json(summary)
    else:
        click.echo(f"flashed {board.name}" + (f" with kit {kit_dir}" if kit_dir else "") +
                   f" in {summary['seconds']:.1f} s" + (" — it is running MicroPython" if summary.get("banner") else ""),
                   err=True)
