"""`boardkit repl`: an interactive session with the board."""

from __future__ import annotations

import click

from boardkit.cli.common import credentials, note_if_unencrypted, options
from boardkit.links import open_link
from boardkit.ports import resolve
from boardkit.terminal import Terminal


@click.command()
@click.pass_context
def repl(ctx: click.Context) -> None:
    """Open the board's interactive Python prompt.

    Everything you type goes to the board — Ctrl-C stops a running program,
    Ctrl-D soft-resets, pasting works. Ctrl-] leaves.

    \b
    Examples:
      boardkit repl
      boardkit -p microbit1 repl
      boardkit -p ws://192.168.4.1:8266 repl
    """
    # The terminal talks to the link itself (no raw REPL), so it opens one, not a Device.
    url = resolve(options(ctx).get("port"))
    link = open_link(url, credentials=credentials(ctx))
    note_if_unencrypted(url)
    try:
        click.echo(f"Connected to {link.url}. Ctrl-] to leave.", err=True)
        Terminal(link).run()
    finally:
        link.close()
    click.echo("", err=True)
