"""`boardkit devices`: what is plugged in, and which virtual boards are running (boardkit.api.devices)."""

from __future__ import annotations

import click

from boardkit import api
from boardkit.cli.common import emit_json


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--all", "include_all", is_flag=True, help="Also list serial ports that do not look like boards.")
def devices(as_json: bool, include_all: bool) -> None:
    """List boards: USB serial ports and running virtual boards.

    \b
    Examples:
      boardkit devices
      boardkit devices --json
    """
    found = api.devices(include_all=include_all)
    if as_json:
        emit_json([p.to_dict() for p in found])
        return
    if not found:
        click.echo("no boards found — plug one in, or start a virtual board: boardkit virtual start wasm", err=True)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for column in ("port", "name", "kind", "description", "vid:pid", "serial"):
        table.add_column(column)
    for p in found:
        table.add_row(p.port, p.virtual_name, p.kind, p.description, p.vid_pid, p.serial_number)
    Console().print(table)
