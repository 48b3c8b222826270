"""`boardkit firmware build` and `boardkit firmware toolchain`: firmware with frozen modules."""

from __future__ import annotations

import os
from pathlib import Path

import click

from boardkit.cli.common import emit_json, human_size
from boardkit.errors import MissingDependency


def _note(line: str) -> None:
    click.echo(f"boardkit: {line}", err=True)


@click.command(
    "build",
    epilog="""\b
Examples:
  boardkit firmware build --board microbit_v1 --freeze lesson/ -o lesson.hex
  boardkit firmware build --board microbit_v1 --freeze helpers.py music2.py
  boardkit firmware build --board microbit_v1 --json
The first build fetches Debian's firmware-microbit-micropython source (apt-get source) and
takes about a minute; later ones that change only the frozen modules take seconds. Run as
root with the toolchain missing, it installs it first (apt-get, about 330 MB); otherwise it
prints the exact commands. See docs/firmware-build.md.
""",
)
@click.argument("more", nargs=-1, type=click.Path(path_type=Path), metavar="[DIR|FILE]...")
@click.option("--board", "board_id", required=True, metavar="ID", help="The board (microbit_v1).")
@click.option(
    "--freeze",
    "freeze",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="DIR|FILE",
    help="A .py module, or a folder of them, to freeze into the firmware (repeatable).",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="The .hex to write (default: ./ID-frozen.hex).")
@click.option("--no-measure", is_flag=True, help="Do not boot the image in QEMU to measure each module's heap.")
@click.option("--no-install", is_flag=True, help="Never install the toolchain, even as root: only name the commands.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary.")
def build(
    more: tuple[Path, ...],
    board_id: str,
    freeze: tuple[Path, ...],
    output: Path | None,
    no_measure: bool,
    no_install: bool,
    as_json: bool,
) -> None:
    """Build MicroPython for a board with lesson modules frozen into flash.

    Modules to freeze come from --freeze and from the arguments after the options alike
    (`--freeze lesson/ extra.py` freezes both)."""
    freeze = (*freeze, *more)
    from boardkit.api.firmware_build import ToolchainMissing, build_firmware, install_firmware_toolchain
    from boardkit.api.flashing import resolve_board

    board = resolve_board(board_id)
    try:
        result = build_firmware(board, list(freeze), output, measure=not no_measure, on_note=_note)
    except ToolchainMissing as exc:
        # As root, install what is missing (the user asked for a build) and try once more.
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        if no_install or not as_root:
            raise
        _note(f"{exc.message}: installing it (apt-get)")
        install_firmware_toolchain(on_note=_note)
        result = build_firmware(board, list(freeze), output, measure=not no_measure, on_note=_note)
    if as_json:
        emit_json(result.to_dict())
        return
    click.echo(
        f"built {result.image} in {result.seconds:.1f} s: firmware {human_size(result.code_size)}, "
        f"{human_size(result.fs_bytes)} left for files, sha256 {result.sha256[:12]}…"
    )
    for module in result.modules:
        if module.import_error:
            heap = f"importing it failed: {module.import_error}"
        elif module.heap_bytes is None:
            heap = "heap not measured"
        else:
            heap = f"{module.heap_bytes} B of heap once imported"
        click.echo(f"  {module.name}: {module.py_bytes} B of source, {module.mpy_bytes} B of bytecode in flash, {heap}")


@click.command(
    "toolchain",
    epilog="""\b
Examples:
  boardkit firmware toolchain            # what is missing, and the commands
  sudo boardkit firmware toolchain --install
""",
)
@click.option("--install", is_flag=True, help="Install what is missing (as root: deb-src entry + apt-get).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
def toolchain(install: bool, as_json: bool) -> None:
    """Show (or install) the Debian packages `firmware build` needs."""
    from boardkit.api.firmware_build import (
        firmware_toolchain_commands,
        firmware_toolchain_missing,
        install_firmware_toolchain,
    )

    absent = firmware_toolchain_missing()
    if install and absent:
        install_firmware_toolchain(on_note=_note)
        absent = firmware_toolchain_missing()
    if as_json:
        emit_json({"missing": absent, "commands": firmware_toolchain_commands() if absent else []})
        return
    if not absent:
        click.echo("the firmware toolchain is installed")
        return
    click.echo(f"missing: {', '.join(absent)}")
    for command in firmware_toolchain_commands():
        click.echo(f"  {command}")
    raise MissingDependency(
        "the firmware toolchain is not installed", hint="run the commands above, or --install as root"
    )
