"""`boardkit kit build`: one flashable image with the firmware, the kit's libraries and files."""

from __future__ import annotations

from pathlib import Path

import click

from boardkit.cli.common import InstallNotes, Progress, emit_json, human_size


@click.group(
    epilog="""\b
Examples:
  boardkit kit build lesson3/ --board microbit_v1 -o lesson3.hex
  boardkit flash --kit lesson3/           # build and flash in one go
"""
)
def kit() -> None:
    """Classroom kit images: firmware + lib/ modules (.mpy where possible) + lesson files."""


@kit.command(
    "build",
    epilog="""\b
Examples:
  boardkit kit build lesson3/ --board microbit_v1 -o lesson3.hex
  boardkit kit build lesson3/ --board esp32_generic -o lesson3.bin
  boardkit kit build lesson3/ --board rpi_pico --firmware my-micropython.uf2 -o lesson3.uf2
  boardkit kit build lesson3/ --board microbit_v1 --freeze -o lesson3.hex   # lib/ in flash
Then flash it with `boardkit flash --board ID lesson3.hex`, or build and flash in one
go with `boardkit flash --kit lesson3/`.
""",
)
@click.argument("kit_dir", type=click.Path(path_type=Path))
@click.option("--board", "board_id", required=True, metavar="ID", help="The board the kit is for.")
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True, help="The image to write.")
@click.option("--version", metavar="V", help="The pinned firmware version (default: the newest).")
@click.option(
    "--firmware",
    "firmware_path",
    type=click.Path(path_type=Path),
    metavar="IMAGE",
    help="A local firmware image instead of the pinned release.",
)
@click.option("--offline", is_flag=True, help="Use only the firmware cache.")
@click.option("--freeze", is_flag=True, help="Freeze lib/ modules into firmware built from source (microbit_v1).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def build(
    kit_dir: Path,
    board_id: str,
    output: Path,
    version: str | None,
    firmware_path: Path | None,
    offline: bool,
    freeze: bool,
    as_json: bool,
) -> None:
    """Build KIT_DIR into one flashable image for a board."""
    from boardkit.api.flashing import build_kit, check_kit_output, resolve_board

    board = resolve_board(board_id)
    check_kit_output(output)  # before any download
    with Progress("downloading firmware") as bar, InstallNotes(quiet=as_json) as notes:
        result = build_kit(
            kit_dir,
            board,
            output,
            version=version,
            firmware=firmware_path,
            offline=offline,
            progress=bar,
            on_note=notes,
            freeze=freeze,
        )
    if as_json:
        emit_json(result.to_dict())
        return
    if result.note:
        click.echo(f"boardkit: note: {result.note}", err=True)
    click.echo(
        f"built {result.image} ({human_size(result.bytes)}): {len(result.files)} file(s), "
        f"{len(result.compiled)} compiled to .mpy"
        + (f", {len(result.frozen)} frozen into the firmware" if result.frozen else ""),
        err=True,
    )
