"""`boardkit flash`: pinned, verified firmware (or a whole kit) onto a board."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import click

from boardkit.cli.common import InstallNotes, Progress, emit_json, options

EPILOG = """\b
Examples:
  boardkit flash -p /dev/ttyUSB0 --board esp32_generic          # newest pinned MicroPython
  boardkit flash -p /dev/ttyUSB0 --board esp32_generic --version 1.26.1 --erase
  boardkit flash --board microbit_v1 firmware.hex               # a local image (checked first)
  boardkit flash -p mb1 --kit lesson3/                          # build a kit image and flash it
  boardkit flash --board rpi_pico --drive /media/me/RPI-RP2
Virtual boards are flashed by name (-p NAME): they restart on the image.
"""


@click.command(epilog=EPILOG)
@click.argument("image", required=False, type=click.Path(path_type=Path))
@click.option("--board", "board_id", metavar="ID", help="The board's id (boardkit boards).")
@click.option("--version", "version", metavar="V", help="A pinned firmware version (default: the newest).")
@click.option(
    "--kit",
    "kit_dir",
    type=click.Path(path_type=Path),
    metavar="KIT_DIR",
    help="Build a kit image from this folder and flash it.",
)
@click.option("--erase", is_flag=True, help="Erase the whole flash first (ESP32).")
@click.option("--offline", is_flag=True, help="Use only the firmware cache; never download.")
@click.option("--drive", type=click.Path(path_type=Path), help="The MICROBIT / RPI-RP2 drive (default: found).")
@click.option(
    "-p",
    "--port",
    "port_here",
    metavar="URL",
    help="The board's port (the same as boardkit's -p, which may also go before `flash`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
@click.pass_context
def flash(
    ctx: click.Context,
    image: Path | None,
    board_id: str | None,
    version: str | None,
    kit_dir: Path | None,
    erase: bool,
    offline: bool,
    drive: Path | None,
    port_here: str | None,
    as_json: bool,
) -> None:
    """Flash MicroPython (or a kit) onto a board: checks the image, writes it, verifies it,
    and waits for the board to come back running Python."""
    from boardkit.api import flashing
    from boardkit.ports import resolve

    port = port_here or options(ctx).get("port")
    if not port and not drive and board_id is None:
        port = resolve(None)  # the only board present; several: "choose one with -p"
    board = flashing.resolve_board(board_id, port)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bk-kit-") as tmp:
        kit = None
        # checked before any board is touched; the wasm runtime is installed on first use: say so
        with Progress("downloading firmware") as bar, InstallNotes(quiet=as_json) as notes:
            if kit_dir is not None:
                kit = flashing.build_kit(
                    kit_dir,
                    board,
                    Path(tmp) / "kit",
                    version=version,
                    firmware=image,
                    offline=offline,
                    progress=bar,
                    on_note=notes,
                )
                firmware = kit.image
            else:
                firmware = flashing.prepare_image(
                    board, version=version, image=image, offline=offline, progress=bar, on_note=notes
                )
        if kit is not None and kit.note and not as_json:
            click.echo(f"boardkit: note: {kit.note}", err=True)
        target = flashing.flash_target(board, port, drive)
        with Progress(f"flashing {board.name}") as bar:
            result = flashing.flash(board, firmware, target, erase=erase, progress=bar)
    summary = {
        **result.to_dict(),
        "image": str(image or firmware.name),
        "seconds": round(time.monotonic() - started, 2),
    }
    if kit is not None:
        summary["kit"] = {"files": kit.files, "compiled": kit.compiled, "note": kit.note}
    if as_json:
        emit_json(summary)
    else:
        click.echo(
            f"flashed {board.name}"
            + (f" with kit {kit_dir}" if kit_dir else "")
            + f" in {summary['seconds']:.1f} s"
            + (" — it is running MicroPython" if result.banner else ""),
            err=True,
        )
