"""`boardkit boards`: the board catalogue (boards/*.toml)."""

from __future__ import annotations

import click

from boardkit.cli.common import emit_json


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list.")
@click.option("--markdown", is_flag=True, help="Print docs/boards.md (the generated table).")
def boards(as_json: bool, markdown: bool) -> None:
    """List the boards boardkit knows, one per file under boards/.

    \b
    Examples:
      boardkit boards
      boardkit boards --json
      boardkit boards --markdown > docs/boards.md
    """
    from boardkit.api.flashing import list_boards
    from boardkit.boards import boards_markdown, size_text, version_key

    catalogue = list_boards()
    if as_json:
        emit_json([b.to_dict() for b in catalogue])
        return
    if markdown:
        click.echo(boards_markdown({b.id: b for b in catalogue}), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table()
    for column in ("id", "name", "chip", "method", "flash", "firmware"):
        table.add_column(column)
    for b in catalogue:
        versions = []
        for flavour in ("micropython", "circuitpython"):
            found = sorted((r.version for r in b.releases if r.flavour == flavour), key=version_key, reverse=True)
            if found:
                versions.append(f"{flavour} {', '.join(found)}")
        table.add_row(b.id, b.name, b.chip, b.method, size_text(b.flash_size), "; ".join(versions))
    Console().print(table)
