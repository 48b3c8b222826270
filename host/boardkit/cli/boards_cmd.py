"""`boardkit boards`: the board catalogue (boards/*.toml)."""

from __future__ import annotations

import click

from boardkit.cli.common import emit_json


def board_to_dict(board) -> dict:
    return {
        "id": board.id, "name": board.name, "vendor": board.vendor, "chip": board.chip,
        "flash_size": board.flash_size, "ram_size": board.ram_size, "method": board.method,
        "usb": [f"{vid:04x}:{pid:04x}" for vid, pid in board.usb],
        "drive_label": board.drive_label,
        "uf2_family": f"{board.uf2_family:#010x}" if board.uf2_family is not None else None,
        "virtual_kind": board.virtual_kind, "mpy": board.mpy,
        "fs": {"kind": board.fs.kind, "offset": board.fs.offset, "size": board.fs.size,
               "block_size": board.fs.block_size},
        "firmware": [{"flavour": r.flavour, "version": r.version, "url": r.url, "format": r.format,
                      "size": r.size, "sha256": r.sha256, "offset": r.offset} for r in board.releases],
        "file": str(board.path) if board.path else None,
    }


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--markdown", is_flag=True, help="Print docs/boards.md (the generated table).")
def boards(as_json, markdown):
    """List the boards boardkit knows, one per file under boards/.

    \b
    Examples:
      boardkit boards
      boardkit boards --json
      boardkit boards --markdown > docs/boards.md
    """
    from boardkit.boards import boards_markdown, load_boards, size_text, version_key

    catalogue = load_boards()
    if as_json:
        emit_json([board_to_dict(b) for b in catalogue.values()])
        return
    if markdown:
        click.echo(boards_markdown(catalogue), nl=False)
        return
    from rich.console import Console
    from rich.table import Table
    table = Table()
    for column in ("id", "name", "chip", "method", "flash", "firmware"):
        table.add_column(column)
    for b in catalogue.values():
        versions = []
        for flavour in ("micropython", "circuitpython"):
            found = sorted((r.version for r in b.releases if r.flavour == flavour), key=version_key, reverse=True)
            if found:
                versions.append(f"{flavour} {', '.join(found)}")
        table.add_row(b.id, b.name, b.chip, b.method, size_text(b.flash_size), "; ".join(versions))
    Console().print(table)
