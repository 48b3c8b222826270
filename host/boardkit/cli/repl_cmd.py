"""`boardkit repl`: an interactive session with the board."""

from __future__ import annotations

import click

from boardkit.cli.common import note_unencrypted, webrepl_target
from boardkit.links import open_link
from boardkit.ports import resolve
from boardkit.terminal import Terminal


@click.command()
@click.pass_context
def repl(ctx):
    """Open the board's interactive Python prompt.

    Everything you type goes to the board — Ctrl-C stops a running program,
    Ctrl-D soft-resets, pasting works. Ctrl-] leaves.

    \b
    Examples:
      boardkit repl
      boardkit -p microbit1 repl
      boardkit -p ws://192.168.4.1:8266 repl
    """
    port, password = webrepl_target(ctx)
    url = resolve(port)
    link = open_link(url, **({"password": password} if password is not None else {}))
    if password is not None:
        note_unencrypted()
    try:
        click.echo(f"Connected to {link.url}. Ctrl-] to leave.", err=True)
        Terminal(link).run()
    finally:
        link.close()
    click.echo("", err=True)
