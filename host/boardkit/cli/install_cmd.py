"""`boardkit install`: library packages onto a board or into a kit; --list what a board holds
(parse, call boardkit.api, render)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from boardkit.cli.common import Progress, emit_json, human_size, note, open_device
from boardkit.errors import UsageError

EPILOG = """\b
Examples:
  boardkit install aioble                       # from micropython-lib, into /lib
  boardkit install aioble@0.2.1 logging         # a version, and a second package
  boardkit install github:org/repo              # the repository's package.json
  boardkit install github:org/repo/lib/x.py@v2  # one file, at a tag
  boardkit install ./mylib/package.json         # a package on this computer
  boardkit install --index http://localhost:8000/pi aioble
  boardkit install                              # exactly what boardkit.lock lists
  boardkit install --kit lesson3/ aioble        # into a kit's lib/
  boardkit install adafruit_display_text       # CircuitPython: the newest bundle
  boardkit install --bundle bundle-9.x-mpy.zip adafruit_display_text   # a bundle you chose
  boardkit install --list                       # what the board holds
  boardkit fleet install aioble                 # every board in the classroom
"""


def index_options(f: Any) -> Any:
    """The options saying where packages come from (shared with `fleet install`)."""
    from boardkit.packages.index import DEFAULT_INDEX

    for option in reversed(
        [
            click.option(
                "--index",
                metavar="URL",
                default=DEFAULT_INDEX,
                envvar="BOARDKIT_INDEX",
                show_default=True,
                help="The mip package index (micropython-lib's layout), a URL or a folder.",
            ),
            click.option(
                "--bundle",
                metavar="PATH_OR_URL",
                help="A CircuitPython library bundle .zip: names are looked up in it (CircuitPython "
                "boards default to the newest bundle for their version, from $BOARDKIT_CP_BUNDLE_REPO "
                "or Adafruit's releases).",
            ),
            click.option(
                "--target", metavar="DIR", help="The board folder to install into (default /lib; a kit's lib/)."
            ),
            click.option(
                "--lock",
                "lock_file",
                type=click.Path(dir_okay=False, path_type=Path),
                default="boardkit.lock",
                show_default=True,
                help="The lock file to follow and update.",
            ),
            click.option("--no-lock", is_flag=True, help="Neither follow nor write a lock file."),
            click.option("--locked", is_flag=True, help="Install exactly what the lock file lists; fail otherwise."),
            click.option("--upgrade", is_flag=True, help="Take the newest versions, not the lock's (and update it)."),
            click.option("--no-mpy", is_flag=True, help="Install source (.py) rather than the board's .mpy files."),
        ]
    ):
        f = option(f)
    return f


def plan_from_options(packages: tuple[str, ...], opts: dict[str, Any]) -> Any:
    """api.prepare_install with the command line's options (checked before any board is opened)."""
    from boardkit import api

    return api.prepare_install(
        list(packages),
        index=opts["index"],
        bundle=opts["bundle"],
        lock=None if opts["no_lock"] else opts["lock_file"],
        locked=opts["locked"],
        upgrade=opts["upgrade"],
        mpy=not opts["no_mpy"],
    )


@click.command(epilog=EPILOG)
@click.argument("packages", nargs=-1)
@index_options
@click.option(
    "--kit", "kit_dir", type=click.Path(path_type=Path), metavar="DIR", help="Install into this kit folder's lib/."
)
@click.option("--list", "show_list", is_flag=True, help="List the packages on the board (matched to lock and index).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def install(
    ctx: click.Context, /, packages: tuple[str, ...], kit_dir: Path | None, show_list: bool, as_json: bool, **opts: Any
) -> None:
    """Install library packages (and what they need) onto the board, into /lib.

    PACKAGE is what mip takes: a name from the index (NAME or NAME@VERSION),
    github:org/repo[/path][@ref], a URL, or PATH/TO/package.json. The board's .mpy version is fetched where
    the index has it (source compiled here where it has not). Every file is checked against
    its hash before anything is written; writes are atomic and skip what is already there.
    boardkit.lock records the exact files, so every board gets the same; `boardkit install`
    with no package installs exactly what it lists.
    """
    if show_list:
        if packages or kit_dir:
            raise UsageError("--list takes no packages and no --kit", hint="boardkit install --list")
        _list(ctx, opts, as_json)
        return
    from boardkit import api

    plan = plan_from_options(packages, opts)  # bad names, files and options: said before connecting
    if kit_dir is not None:
        result = api.install_into_kit(kit_dir, plan, target=opts["target"] or "lib", on_note=note)
    else:
        with open_device(ctx) as device, Progress("installing", quiet=as_json) as bar:
            result = api.install(device, plan, target=opts["target"], progress=bar.files, on_note=note)
    if as_json:
        emit_json(result.to_dict())
        return
    for package in result.packages:
        how = " (compiled here)" if package.compiled else ""
        click.echo(f"{package.key} {package.version}: {len(package.files)} file(s), {human_size(package.size)}{how}")
    click.echo(
        f"boardkit: installed {len(result.packages)} package(s) into {result.target}: {result.sent} file(s) "
        f"written, {result.skipped} unchanged ({result.seconds:.2f} s)" + (f"; {result.lock}" if result.lock else ""),
        err=True,
    )


def _list(ctx: click.Context, opts: dict[str, Any], as_json: bool) -> None:
    from boardkit import api

    lock = None if opts["no_lock"] else opts["lock_file"]
    with open_device(ctx) as device:
        found = api.installed(device, target=opts["target"], lock=lock, index=opts["index"], on_note=note)
    if as_json:
        emit_json([p.to_dict() for p in found])
        return
    if not found:
        click.echo("boardkit: no packages on the board", err=True)
        return
    # 20 + 10 + 5 + 9 + 8 + 22 and the spaces between: 80 columns
    click.echo(f"{'NAME':20} {'VERSION':10} {'FILES':>5} {'SIZE':>9} {'STATUS':8} SOURCE")
    for p in found:
        source = p.source.removeprefix("index ").removeprefix("https://").removeprefix("http://")
        click.echo(
            f"{_cut(p.name, 20):20} {_cut(p.version, 10):10} {len(p.files):>5} {human_size(p.bytes):>9} "
            f"{p.status:8} {_cut(source, 22)}".rstrip()
        )


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
