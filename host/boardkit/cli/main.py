"""The `boardkit` command: a thin click layer over the API.

Subcommands are imported lazily (pip's trick) so `boardkit --help` stays fast.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from boardkit.cli.params import SECONDS
from boardkit.errors import BoardkitError

# command name -> (module under boardkit.cli, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "devices": ("devices_cmd", "devices", "List boards: serial ports and running virtual boards."),
    "info": ("session_cmds", "info", "Show what the board is: implementation, version, memory, filesystem."),
    "repl": ("repl_cmd", "repl", "Open an interactive REPL on the board (Ctrl-] leaves)."),
    "exec": ("session_cmds", "exec_", "Run a line of Python on the board."),
    "run": ("session_cmds", "run", "Run a local .py file on the board, streaming its output."),
    "mount": ("mount_cmd", "mount", "Mount a local folder on the board (/remote): import and open without copying."),
    "reset": ("session_cmds", "reset", "Soft-reset the board (or --hard)."),
    "ls": ("fs_cmds", "ls", "List files on the board."),
    "cat": ("fs_cmds", "cat", "Print a file from the board."),
    "put": ("fs_cmds", "put", "Copy a local file to the board."),
    "get": ("fs_cmds", "get", "Copy a file from the board to the computer."),
    "cp": ("fs_cmds", "cp", "Copy one file either way, the board side marked ':' (as mpremote writes it)."),
    "rm": ("fs_cmds", "rm", "Remove files on the board (-r: folders and all they hold)."),
    "mkdir": ("fs_cmds", "mkdir", "Make a folder on the board."),
    "install": ("install_cmd", "install", "Install library packages (mip index, github:, bundles) onto the board."),
    "push": ("sync_cmds", "push", "Copy files to the board (only what changed; atomic, verified)."),
    "sync": ("sync_cmds", "sync_", "Make a board folder match a local folder (or --pull the other way)."),
    "watch": ("watch_cmd", "watch", "Sync a folder on every save and re-run its program, streaming the output."),
    "test": ("test_cmd", "test", "Run the conformance suite on CPython, the WebAssembly build, the browser, boards."),
    "check": ("check_cmd", "check", "List what a program uses that a target lacks (f-strings on a micro:bit, ...)."),
    "boards": ("boards_cmd", "boards", "List the boards boardkit knows (boards/*.toml)."),
    "firmware": ("firmware_cmds", "firmware", "Firmware images: list, fetch and add (pinned, checked by SHA-256)."),
    "flash": ("flash_cmd", "flash", "Flash MicroPython (or a kit) onto a board: ESP32, micro:bit, RP2040, virtual."),
    "kit": ("kit_cmds", "kit", "Build classroom kit images: firmware + libraries + lesson files in one flash."),
    "fleet": ("fleet_cmds", "fleet", "Drive a classroom of boards at once: flash, sync, run, collect, status."),
    "virtual": ("virtual_cmds", "virtual", "Start, list and stop virtual boards (real MicroPython, no hardware)."),
    "studio": ("studio_cmd", "studio", "The browser classroom: Python in the page, real boards, the teacher's view."),
    "doctor": ("doctor_cmd", "doctor", "Show what boardkit needs on this computer, what is missing, how to fix it."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(f"boardkit.cli.{module}"), attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Show help lines without importing every command module.
        rows = [(name, short) for name, (_, _, short) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


EPILOG = """\b
Examples:
  boardkit virtual start wasm        start a virtual board
  boardkit devices                   list boards
  boardkit exec "print(1 + 1)"       run a line on the only board
  boardkit -p /dev/ttyACM0 run blink.py
  boardkit -p socket://lab-pc:4000 ls
  boardkit -p ws://192.168.4.1:8266 --password-env WEBREPL_PW ls
  boardkit --coordinator lab-pc:20408 -p labgrid://pupil3 ls
"""


@click.group(cls=LazyGroup, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-p",
    "--port",
    metavar="URL",
    envvar="BOARDKIT_PORT",
    help="Board to use: /dev/ttyACM0, COM3, socket://host:port, rfc2217://host:port, "
    "ws://host:8266 (WebREPL), labgrid://PLACE, or a virtual board's name. Default: the only board present.",
)
@click.option(
    "--password-env",
    metavar="VAR",
    help="Name of an environment variable holding the WebREPL password (ws:// ports). "
    "Default: $BOARDKIT_WEBREPL_PASSWORD, then boardkit's config.toml, then a prompt.",
)
@click.option(
    "--timeout", type=SECONDS, default=10.0, show_default=True, help="Seconds to wait for the board to answer."
)
@click.option(
    "--coordinator",
    metavar="HOST:PORT",
    help="The labgrid coordinator for labgrid://PLACE ports (default: $LG_COORDINATOR, as labgrid-client).",
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="boardkit")
@click.pass_context
def cli(
    ctx: click.Context, port: str | None, timeout: float, password_env: str | None, debug: bool, coordinator: str | None
) -> None:
    """boardkit — work with MicroPython and CircuitPython boards."""
    ctx.obj = {"port": port, "timeout": timeout, "debug": debug, "password_env": password_env}
    if coordinator:
        # labgrid:// links read it from there, as labgrid's own client does
        os.environ["LG_COORDINATOR"] = coordinator
        ctx.obj["coordinator"] = coordinator


# boardkit's own options, which go before the command (`boardkit -p PORT ls`, not `ls -p PORT`).
GLOBAL_OPTIONS = ("-p", "--port", "--password-env", "--timeout", "--debug", "--coordinator")


def main(argv: list[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # standalone_mode=False returns ctx.exit()'s status instead of raising SystemExit
        status = cli.main(args=argv, prog_name="boardkit", standalone_mode=False)
        return status if isinstance(status, int) else 0
    except BoardkitError as exc:
        if debug:
            raise
        _explain(exc)
        return exc.exit_code
    except click.exceptions.Abort:
        click.echo("boardkit: interrupted", err=True)
        return 130
    except click.UsageError as exc:  # a mistyped option or argument: one line, pointing at --help
        where = exc.ctx.command_path if exc.ctx is not None else "boardkit"
        hint = f"see `{where} --help`"
        if isinstance(exc, click.NoSuchOption) and exc.option_name in GLOBAL_OPTIONS and where != "boardkit":
            command = where.removeprefix("boardkit ")
            hint = f"{exc.option_name} goes before the command: `boardkit {exc.option_name} ... {command} ...`"
        click.echo(f"boardkit: {_one_line(exc.format_message())} — {hint}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"boardkit: {_one_line(exc.format_message())}", err=True)
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("boardkit: interrupted", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug in boardkit: still one line, unless --debug
        if debug:
            raise
        click.echo(
            f"boardkit: internal error: {type(exc).__name__}: {exc} — please report it; --debug shows the traceback",
            err=True,
        )
        return 70


def _one_line(message: str) -> str:
    """A message on one line (click wraps some, and lists choices over several lines)."""
    return " ".join(message.split()).rstrip(".")


def _explain(exc: BoardkitError) -> None:
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    line = f"boardkit: {message}"
    if exc.hint:
        line += f" — {exc.hint}"
    click.echo(line, err=True)


if __name__ == "__main__":
    sys.exit(main())
