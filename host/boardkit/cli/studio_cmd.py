"""`boardkit studio`: serve the browser classroom; `boardkit studio build OUTDIR`: the page alone."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click

from boardkit.errors import UsageError


class _StudioGroup(click.Group):
    """`boardkit studio [OPTIONS]` serves; `boardkit studio build OUTDIR` writes the static page."""


@click.group(
    cls=_StudioGroup,
    invoke_without_command=True,
    epilog="""\b
Examples:
  boardkit studio --open                      # this computer only
  boardkit studio --roster classroom.toml      # with the teacher's view
  boardkit studio --roster classroom.toml --host 192.168.1.20   # pupils join by link
  boardkit studio build site/                  # the page alone, for static hosting
""",
)
@click.option("--roster", type=click.Path(dir_okay=False, path_type=Path), help="classroom.toml: the teacher's view")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (others need tokens)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--open", "open_browser", is_flag=True, help="open the page in the browser")
@click.pass_context
def studio(ctx: click.Context, roster: Path | None, host: str, port: int, open_browser: bool) -> None:
    """The browser classroom: MicroPython in the page, real boards, the teacher's view."""
    if ctx.invoked_subcommand is not None:
        return
    from boardkit.studio import StudioConfig, StudioServer

    if host in ("0.0.0.0", "::", ""):
        raise UsageError(
            f"--host {host or '(empty)'} listens everywhere",
            hint="give this computer's own address on the classroom network, e.g. --host 192.168.1.20",
        )
    server = StudioServer(StudioConfig(host=host, port=port, roster=roster))
    server.start()
    links = server.links()
    click.echo(f"boardkit studio on {server.base_url}  (Ctrl-C to stop)")
    if links.local:
        click.echo(f"  this computer: {links.local}")
    if roster:
        click.echo(f"  teacher (keep it to yourself): {links.teacher}")
    if not server.loopback:
        click.echo(f"  classroom (page only):         {links.classroom}")
    for seat, link in links.seats.items():
        click.echo(f"  seat {seat}: {link}")
    if open_browser:
        webbrowser.open(links.teacher if roster else (links.local or links.classroom))
    try:
        server.wait()
    except KeyboardInterrupt:
        server.stop()


@studio.command(
    "build",
    epilog="""\b
Examples:
  boardkit studio build site/
  python -m http.server -d site/   # try it (input() needs COOP/COEP headers)
""",
)
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
def build(outdir: Path) -> None:
    """Write the page alone into OUTDIR, for static hosting (in-page Python and Web Serial)."""
    from boardkit.studio import build_static

    written = build_static(outdir)
    click.echo(f"wrote {len(written)} files to {outdir}")
    click.echo("serve them with the headers Cross-Origin-Opener-Policy: same-origin and")
    click.echo("Cross-Origin-Embedder-Policy: require-corp so that input() works in the page")
