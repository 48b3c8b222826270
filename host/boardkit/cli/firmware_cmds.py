"""`boardkit firmware list|fetch|add`: the firmware cache (pinned, checked by SHA-256)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from boardkit.cli.common import InstallNotes, Progress, emit_json, human_size
from boardkit.errors import UsageError

if TYPE_CHECKING:
    from boardkit.firmware.cache import CachedImage


@click.group(
    epilog="""\b
Examples:
  boardkit firmware list
  boardkit firmware fetch --board esp32_generic
  boardkit firmware add my-build.hex --board microbit_v1   # works offline after
  boardkit firmware build --board microbit_v1 --freeze lesson/
"""
)
def firmware() -> None:
    """Firmware images: list the cache, fetch a board's release, add a local file, build one.

    Every image is checked against its SHA-256 before every use: the pin in boards/<id>.toml,
    or the hash locked on its first download (trust on first use), or locked by `add`.
    """


def _describe(image: CachedImage) -> str:
    what = " ".join(x for x in (image.board, image.version) if x) or "image"
    return f"{what}: {image.path} ({human_size(image.size)}, sha256 {image.sha256[:12]}…, pinned by {image.pinned_by})"


@firmware.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
def list_(as_json: bool) -> None:
    """List the images in the cache.

    \b
    Examples:
      boardkit firmware list
      boardkit firmware list --json
    """
    from boardkit.api.flashing import list_firmware
    from boardkit.firmware.cache import cache_dir

    images = list_firmware()
    if as_json:
        emit_json([image.to_dict() for image in images])
        return
    if not images:
        click.echo(
            f"the firmware cache is empty ({cache_dir()}) — "
            "boardkit firmware fetch --board ID, or boardkit firmware add FILE",
            err=True,
        )
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for column in ("board", "version", "size", "sha256", "pinned by", "file"):
        table.add_column(column)
    for image in images:
        table.add_row(
            image.board or "—",
            image.version or "—",
            human_size(image.size),
            image.sha256[:12],
            image.pinned_by,
            image.path.name,
        )
    Console().print(table)


@firmware.command()
@click.option("--board", "board_id", metavar="ID", help="Board id (see `boardkit boards`).")
@click.option("--version", metavar="V", help="Release version (default: the newest).")
@click.option(
    "--flavour",
    type=click.Choice(["micropython", "circuitpython"]),
    default="micropython",
    show_default=True,
    help="Which firmware.",
)
@click.option("--offline", is_flag=True, help="Use only the cache; never download.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def fetch(board_id: str | None, version: str | None, flavour: str, offline: bool, as_json: bool) -> None:
    """Download a board's firmware into the cache (or check the cached copy).

    \b
    Examples:
      boardkit firmware fetch --board rpi_pico
      boardkit firmware fetch --board esp32_generic --version 1.26.1
      boardkit firmware fetch --board virtual_microbit --offline
    """
    from boardkit.api.flashing import fetch_firmware, list_boards, resolve_board

    if not board_id:
        raise UsageError("which board? give --board ID", hint=f"boards: {', '.join(b.id for b in list_boards())}")
    board = resolve_board(board_id)
    with Progress(f"{board.id} {flavour} {version or ''}".strip()) as progress, InstallNotes() as notes:
        image = fetch_firmware(
            board, version=version, flavour=flavour, offline=offline, progress=progress, on_note=notes
        )
    if as_json:
        emit_json(image.to_dict())
    else:
        click.echo(_describe(image))


@firmware.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@click.option("--board", "board_id", metavar="ID", help="The board it is for (checks it fits that board).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def add(file: str, board_id: str | None, as_json: bool) -> None:
    """Add a local image (.bin, .hex, .uf2) to the cache and lock its hash.

    \b
    Examples:
      boardkit firmware add /usr/share/firmware-microbit-micropython/firmware.hex
      boardkit firmware add RPI_PICO-20251209-v1.27.0.uf2 --board rpi_pico
    """
    from pathlib import Path

    from boardkit.api.flashing import add_firmware

    image = add_firmware(Path(file), board_id)
    if as_json:
        emit_json(image.to_dict())
    else:
        click.echo(_describe(image))


def _add_build_commands() -> None:
    # `firmware build` / `firmware toolchain` live in their own module (firmware_build_cmd.py).
    from boardkit.cli.firmware_build_cmd import build, toolchain

    firmware.add_command(build)
    firmware.add_command(toolchain)


_add_build_commands()
