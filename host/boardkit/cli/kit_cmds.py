"""`boardkit kit build`: one flashable image with the firmware, the kit's libraries and files."""

from __future__ import annotations

from pathlib import Path

import click

from boardkit.cli.common import Progress, emit_json, human_size
from boardkit.errors import UsageError


@click.group()
def kit():
    """Classroom kit images: firmware + lib/ modules (.mpy where possible) + lesson files."""


@kit.command("build", epilog="""\b
Examples:
  boardkit kit build lesson3/ --board microbit_v1 -o lesson3.hex
  boardkit kit build lesson3/ --board esp32_generic -o lesson3.bin
  boardkit kit build lesson3/ --board rpi_pico --firmware my-micropython.uf2 -o lesson3.uf2
Then flash it with `boardkit flash --board ID lesson3.hex`, or build and flash in one
go with `boardkit flash --kit lesson3/`.
""")
@click.argument("kit_dir", type=click.Path(path_type=Path))
@click.option("--board", "board_id", required=True, metavar="ID", help="The board the kit is for.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The image to write.")
@click.option("--version", metavar="V", help="The pinned firmware version (default: the newest).")
@click.option("--firmware", "firmware_path", type=click.Path(path_type=Path), metavar="IMAGE",
              help="A local firmware image instead of the pinned release.")
@click.option("--offline", is_flag=True, help="Use only the firmware cache.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def build(kit_dir, board_id, output, version, firmware_path, offline, as_json):
    """Build KIT_DIR into one flashable image for a board."""
    from boardkit.boards import get_board
    from boardkit.firmware.kit import build_kit_image, collect_kit
    from boardkit.flash import firmware_image

    board = get_board(board_id)
    kit_files = collect_kit(kit_dir, board)   # checks the kit before any download
    with Progress("downloading firmware") as bar:
        firmware = firmware_image(board, version, firmware_path, offline=offline, progress=bar)
    data, suffix = build_kit_image(kit_files, board, firmware)
    if not output.suffix:
        output = output.with_name(output.name + suffix)
    elif output.suffix != suffix:
        raise UsageError(f"a kit for {board.name} is a {suffix} file, not {output.suffix}",
                         hint=f"use -o {output.with_suffix(suffix).name}")
    tmp = output.with_name(f".{output.name}.tmp")
    tmp.write_bytes(data)
    tmp.replace(output)
    summary = {"image": str(output), "board": board.id, "bytes": len(data), "files": sorted(kit_files.files),
               "compiled": kit_files.compiled, "as_source": kit_files.as_source, "note": kit_files.note}
    if as_json:
        emit_json(summary)
        return
    if kit_files.note:
        click.echo(f"boardkit: note: {kit_files.note}", err=True)
    click.echo(f"built {output} ({human_size(len(data))}): {len(kit_files.files)} file(s), "
               f"{len(kit_files.compiled)} compiled to .mpy", err=True)
