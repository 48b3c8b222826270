"""`boardkit fleet`: one command for a whole classroom of boards (see docs/classroom.md)."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from boardkit.cli.common import emit_json, options
from boardkit.cli.fleet_view import FleetView, print_outputs, print_summary
from boardkit.cli.install_cmd import index_options, plan_from_options
from boardkit.cli.params import SECONDS
from boardkit.errors import UsageError

if TYPE_CHECKING:
    from boardkit.fleet import Roster, Seat
    from boardkit.fleet.ops import Task

EPILOG = """\b
Examples:
  boardkit fleet scan                        # classroom.toml from the boards attached
  boardkit --coordinator lab-pc fleet scan --labgrid --match 'room4-*'   # labgrid places
  boardkit fleet flash --kit kits/lesson3/   # firmware + kit on every board
  boardkit fleet sync lesson1/               # the lesson onto every board
  boardkit fleet install aioble              # a library onto every board
  boardkit fleet run hello.py --only alice,bob
  boardkit fleet status
  boardkit fleet collect --out work/         # work/SEAT/ for each pupil
  boardkit fleet sync lesson1/ --retry-failed
"""


@click.group(epilog=EPILOG)
def fleet() -> None:
    """Drive a classroom of boards at once: every seat in classroom.toml (or --only some),
    concurrently; one failed board never stops the others; exit 1 if any failed."""


def _roster_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--roster",
        type=click.Path(dir_okay=False, path_type=Path),
        default="classroom.toml",
        envvar="BOARDKIT_ROSTER",
        show_default=True,
        help="The classroom roster.",
    )(f)


@dataclass(frozen=True)
class SeatChoice:
    """Which seats a fleet command works on, and how to report: the options every such command takes."""

    roster: Path
    only: tuple[str, ...]
    retry_failed: bool
    workers: int | None
    as_json: bool


def seat_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options every fleet command that works on seats takes."""

    @_roster_option
    @click.option("--only", multiple=True, metavar="SEAT[,SEAT...]", help="Only these seats (repeatable).")
    @click.option("--retry-failed", is_flag=True, help="Only the seats this command failed on last time.")
    @click.option("--workers", type=click.IntRange(1, 256), metavar="N", help="At most N boards at once.")
    @click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
    @functools.wraps(f)
    def wrapper(
        *args: Any,
        roster: Path,
        only: tuple[str, ...],
        retry_failed: bool,
        workers: int | None,
        as_json: bool,
        **kwargs: Any,
    ) -> Any:
        return f(*args, seats=SeatChoice(roster, only, retry_failed, workers, as_json), **kwargs)

    return wrapper


def _run(
    ctx: click.Context,
    command: str,
    task_factory: Callable[[list[Seat]], Task],
    choice: SeatChoice,
    show_output: bool = False,
) -> None:
    """Choose the seats, run the task on them under a live view, print the summary, save the state."""
    from boardkit.fleet.runner import failed_last_time, run_fleet, save_state

    book = _load(choice.roster)
    names = [n.strip() for item in choice.only for n in item.split(",") if n.strip()]
    seats = book.select(names)
    if choice.retry_failed:
        failed, when = failed_last_time(book.state_path, command)
        seats = [s for s in seats if s.name in failed]
        if not seats:
            message = (
                f"nothing to retry: `fleet {command}` has not been run here"
                if when is None
                else f"nothing to retry: no seat failed in the last `fleet {command}` ({when})"
            )
            if choice.as_json:
                emit_json({"command": command, "seconds": 0, "ok": True, "failed": [], "seats": []})
            click.echo(f"boardkit: {message}", err=True)
            return
    task = task_factory(seats)
    with FleetView(f"fleet {command}", [s.name for s in seats], quiet=choice.as_json) as view:
        report = run_fleet(
            seats,
            task,
            command=command,
            timeout=options(ctx).get("timeout", 10.0),
            workers=choice.workers,
            on_event=view.update,
        )
    save_state(book.state_path, report, [s.name for s in seats])
    if choice.as_json:
        emit_json(report.to_dict())
    else:
        if show_output:
            print_outputs(report)
        print_summary(report)
    if report.failed:
        ctx.exit(1)


def _load(roster: Path) -> Roster:
    from boardkit.fleet import RosterError, load_roster

    try:
        return load_roster(roster)
    except RosterError as exc:
        for problem in exc.problems:
            click.echo(f"boardkit: {problem}", err=True)
        raise click.exceptions.Exit(2) from None


# -- commands -----------------------------------------------------------------------------------


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet scan                      # classroom.toml from the boards attached
  boardkit fleet scan --board microbit_v1 --prefix pupil
  boardkit --coordinator lab-pc fleet scan --labgrid --match 'room4-*'
"""
)
@_roster_option
@click.option("--prefix", default="seat", show_default=True, help="New seats are PREFIX-01, PREFIX-02, ...")
@click.option("--board", "board_id", metavar="ID", help="The board type of USB boards found (default: from USB ids).")
@click.option("--no-label", is_flag=True, help="Do not write the seat name onto new boards.")
@click.option("--virtual-only", is_flag=True, help="Only virtual boards (ignore USB serial ports).")
@click.option(
    "--labgrid",
    is_flag=True,
    help="The labgrid coordinator's places instead of the boards attached (boardkit --coordinator HOST:PORT, "
    "or $LG_COORDINATOR).",
)
@click.option("--match", metavar="PATTERN", help="With --labgrid: only places named like PATTERN (lab1-*, or a part).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report.")
@click.pass_context
def scan(
    ctx: click.Context,
    roster: Path,
    prefix: str,
    board_id: str | None,
    no_label: bool,
    virtual_only: bool,
    labgrid: bool,
    match: str | None,
    as_json: bool,
) -> None:
    """Add the boards attached (USB and virtual) to the roster, and label each new one.

    Boards already in the roster are left alone; a board carrying a seat label keeps its
    seat name. Seats are appended to the file: your edits and comments stay.
    """
    from boardkit.fleet import RosterError, load_roster
    from boardkit.fleet.roster import seat_name_problem
    from boardkit.fleet.scan import scan as do_scan

    if board_id is not None:
        from boardkit.api.flashing import resolve_board

        resolve_board(board_id)  # an unknown id is said before any board is touched
    bad_prefix = seat_name_problem(f"{prefix}-01")
    if bad_prefix:
        raise UsageError(f"--prefix {prefix!r}: {bad_prefix}", hint="e.g. --prefix seat or --prefix table")
    if roster.exists():
        _load(roster)  # mistakes first, with their lines
    if match and not labgrid:
        raise UsageError("--match goes with --labgrid")
    found: list[Any] | None = None
    portless: list[str] = []
    if labgrid:
        from boardkit.fleet.labgrid_places import places_to_seat

        found, portless = places_to_seat(options(ctx).get("coordinator"), match, board_id)
        for name in portless:
            click.echo(f"boardkit: note: labgrid place {name!r} has no serial port: not added", err=True)
    with FleetView("fleet scan", [], quiet=as_json) as view:
        result = do_scan(
            roster,
            prefix=prefix,
            write_labels=not no_label,
            include_serial=not virtual_only,
            default_board=board_id,
            timeout=options(ctx).get("timeout", 10.0),
            on_event=view.update,
            found=found,
        )
    failed_labels = result.report.failed if result.report else []
    if as_json:
        emit_json(
            {
                "roster": str(roster),
                "known": result.known,
                "failed_labels": failed_labels,
                "label_errors": {
                    r.seat: r.error + (f" — {r.hint}" if r.hint else "")
                    for r in (result.report.results if result.report else [])
                    if not r.ok
                },
                "added": [{"seat": s.name, "board": s.board, s.finder: s.value} for s in result.added],
                "unknown_type": result.unknown_type,
                "labelled_known": [{"seat": seat, "found_at": url} for seat, url in result.labelled_known],
                **({"labgrid_without_serial": portless} if labgrid else {}),
            }
        )
    else:
        for seat in result.added:
            click.echo(f"added {seat.name:12} {seat.board:18} {seat.describe()}")
        click.echo(f"boardkit: {len(result.added)} new seat(s) in {roster}; {result.known} already there", err=True)
        for name, url in result.labelled_known:
            click.echo(
                f"boardkit: note: the board at {url} is labelled {name!r}, already a seat here "
                f"(not added again; if it moved, update that seat's entry)",
                err=True,
            )
        errors = {r.seat: r.error for r in (result.report.results if result.report else []) if not r.ok}
        for name in failed_labels:
            click.echo(
                f"boardkit: could not label {name}'s board: {errors.get(name, '?')} (run `boardkit fleet label` later)",
                err=True,
            )
        if result.unknown_type:
            click.echo(
                f"boardkit: set the board type of {', '.join(result.unknown_type)} in {roster} (see `boardkit boards`)",
                err=True,
            )
    try:
        load_roster(roster)
    except RosterError:
        ctx.exit(1)  # the roster needs the teacher's hand before the fleet commands will take it


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet status
  boardkit fleet status --only alice,bob --json
"""
)
@seat_options
@click.pass_context
def status(
    ctx: click.Context,
    seats: SeatChoice,
) -> None:
    """Each board: reachable or not, firmware and version, free memory and space, its label,
    and the kit and lesson on it."""
    from boardkit.fleet import ops

    _run(ctx, "status", lambda _chosen: ops.status(), seats)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet label                     # each board shows its seat name
  boardkit fleet label --only alice
"""
)
@seat_options
@click.pass_context
def label(
    ctx: click.Context,
    seats: SeatChoice,
) -> None:
    """Write each seat's name onto its board (boardkit_seat.txt; `boardkit info` shows it)."""
    from boardkit.fleet import ops

    _run(ctx, "label", lambda _chosen: ops.label(), seats)


@fleet.command(
    "sync",
    epilog="""\b
Examples:
  boardkit fleet sync lesson1/             # the lesson onto every board
  boardkit fleet sync lesson1/ --retry-failed
  boardkit fleet sync lesson1/ --compile   # modules as .mpy for each board
""",
)
@click.argument("lesson", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("remote_dir", default="/")
@click.option("--delete", is_flag=True, help="Remove files the lesson folder does not have (labels are kept).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Also ignore these (gitignore syntax).")
@click.option("--compile", "compile_", is_flag=True, help="Send modules as .mpy compiled for each board (see sync).")
@seat_options
@click.pass_context
def sync_(
    ctx: click.Context,
    lesson: Path,
    remote_dir: str,
    delete: bool,
    exclude: tuple[str, ...],
    compile_: bool,
    seats: SeatChoice,
) -> None:
    """Make every board's REMOTE_DIR (default /) match the LESSON folder: only what differs
    is sent, atomically and verified; the lesson's name and version are recorded on the board."""
    from boardkit.fleet import ops

    _run(ctx, "sync", lambda _chosen: ops.sync(lesson, remote_dir, delete, list(exclude), compile_), seats)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet push helpers.py           # one file onto every board
  boardkit fleet push a.py b.py /lib --only alice
"""
)
@click.argument("paths", nargs=-1, required=True)
@seat_options
@click.pass_context
def push(
    ctx: click.Context,
    paths: tuple[str, ...],
    seats: SeatChoice,
) -> None:
    """Copy FILE... to every board, into REMOTE_DIR (a last argument that is not a local file)."""
    from boardkit.fleet import ops
    from boardkit.sync import push_arguments

    files, remote_dir = push_arguments(list(paths), sync_command="boardkit fleet sync")
    _run(ctx, "push", lambda _chosen: ops.push(files, remote_dir), seats)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet install aioble              # onto every board, into /lib
  boardkit fleet install --locked            # exactly what boardkit.lock lists
  boardkit fleet install ssd1306 --only alice,bob
""",
)
@click.argument("packages", nargs=-1)
@index_options
@seat_options
@click.pass_context
def install(ctx: click.Context, /, packages: tuple[str, ...], seats: SeatChoice, **opts: Any) -> None:
    """Install library packages onto every board (as `boardkit install` does): resolved and
    fetched once, checked by hash, written where a board lacks them; boardkit.lock makes
    every board get exactly the same files."""
    from boardkit.fleet import ops

    plan = plan_from_options(packages, opts)  # mistakes said before any board is touched
    _run(ctx, "install", lambda _chosen: ops.install(plan, opts["target"]), seats)


# A classroom never waits for ever on one stuck board: programs are stopped after this long
# unless --max-time (or $BOARDKIT_FLEET_MAX_TIME) says otherwise.
DEFAULT_FLEET_MAX_TIME = 60.0

MAX_TIME = click.option(
    "--max-time",
    type=SECONDS,
    metavar="SECONDS",
    default=DEFAULT_FLEET_MAX_TIME,
    envvar="BOARDKIT_FLEET_MAX_TIME",
    show_default=True,
    help="Stop the program (Ctrl-C) on a board where it runs longer than this "
    "(also $BOARDKIT_FLEET_MAX_TIME); the other boards carry on.",
)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet run hello.py
  boardkit fleet run game.py --max-time 30 --only alice,bob
"""
)
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@MAX_TIME
@seat_options
@click.pass_context
def run(
    ctx: click.Context,
    file: Path,
    max_time: float | None,
    seats: SeatChoice,
) -> None:
    """Run a local Python FILE on every board; show each board's output."""
    from boardkit import api
    from boardkit.fleet import ops

    code = api.read_program(file)  # regular files only: a FIFO would wait for ever
    _run(ctx, "run", lambda _chosen: ops.run_code(code, max_time), seats, show_output=True)


@fleet.command(
    "exec",
    epilog="""\b
Examples:
  boardkit fleet exec "import gc; print(gc.mem_free())"
  boardkit fleet exec "import os; print(os.listdir())" --json
""",
)
@click.argument("code")
@MAX_TIME
@seat_options
@click.pass_context
def exec_(
    ctx: click.Context,
    code: str,
    max_time: float | None,
    seats: SeatChoice,
) -> None:
    """Run CODE (a line of Python) on every board; show each board's output."""
    from boardkit.fleet import ops

    _run(ctx, "exec", lambda _chosen: ops.run_code(code, max_time), seats, show_output=True)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet collect --out work/        # work/SEAT/ for each pupil
  boardkit fleet collect /lesson --out work/ --only alice
"""
)
@click.argument("remote_dir", default="/")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default="collected",
    show_default=True,
    help="Each seat's files go to OUT/SEAT/.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into OUT/SEAT/ even if an earlier collection is there "
    "(default: a new OUT/SEAT-YYYYmmdd-HHMMSS/ beside it).",
)
@seat_options
@click.pass_context
def collect(
    ctx: click.Context,
    remote_dir: str,
    out_dir: Path,
    force: bool,
    seats: SeatChoice,
) -> None:
    """Bring each pupil's work home: every board's files (under REMOTE_DIR) into OUT/SEAT/.

    Nothing is ever written outside OUT/SEAT/: a file name that would land elsewhere is refused
    (and named in the summary); an earlier collection is never overwritten without --force.
    """
    from boardkit.fleet import ops

    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a folder")

    def task(_chosen: list[Seat]) -> Task:
        # made once the roster has been read: a roster with mistakes leaves no empty folder behind
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot make {out_dir}: {exc.strerror or exc}") from None
        return ops.collect(out_dir, remote_dir, force)

    _run(ctx, "collect", task, seats)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet reset                     # soft reset: a fresh heap everywhere
  boardkit fleet reset --hard --retry-failed
"""
)
@click.option("--hard", is_flag=True, help="Reset the whole chip (virtual boards: restart the emulator).")
@seat_options
@click.pass_context
def reset(
    ctx: click.Context,
    hard: bool,
    seats: SeatChoice,
) -> None:
    """Soft-reset every board (a fresh Python heap), or --hard reset it."""
    from boardkit.fleet import ops

    _run(ctx, "reset", lambda _chosen: ops.reset(hard), seats)


@fleet.command(
    epilog="""\b
Examples:
  boardkit fleet flash --kit kits/lesson3/  # firmware + kit on every board
  boardkit fleet flash --kit kits/lesson3/ --freeze   # lib/ frozen into the micro:bit firmware
"""
)
@click.option(
    "--kit",
    "kit_dir",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    metavar="KIT_DIR",
    help="Build a kit image (firmware + libraries + lesson files) per board type and flash it.",
)
@click.option("--version", metavar="V", help="A pinned firmware version (default: the newest).")
@click.option(
    "--image",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A local firmware image instead of the pinned release (checked first).",
)
@click.option("--offline", is_flag=True, help="Use only the firmware cache; never download.")
@click.option("--freeze", is_flag=True, help="With --kit: freeze its lib/ modules into firmware built from source.")
@seat_options
@click.pass_context
def flash(
    ctx: click.Context,
    kit_dir: Path | None,
    version: str | None,
    image: Path | None,
    offline: bool,
    freeze: bool,
    seats: SeatChoice,
) -> None:
    """Flash MicroPython (or a kit) onto every board; each board gets its seat label back.

    The image is fetched, checked and (with --kit) built once per board type."""
    from boardkit.fleet import ops

    workdir = ops.flash_workdir()
    with workdir as tmp:

        def factory(chosen: list[Seat]) -> Task:
            if not seats.as_json and sys.stderr.isatty():
                click.echo("boardkit: preparing the firmware" + (" and kit" if kit_dir else ""), err=True)
            plans = ops.prepare_flash(
                [s.board for s in chosen], Path(tmp), kit_dir, version, image, offline, freeze=freeze
            )
            if not seats.as_json:
                for note in sorted({p.note for p in plans.values() if isinstance(p, ops.FlashPlan) and p.note}):
                    click.echo(f"boardkit: note: {note}", err=True)
            return ops.flash(plans)

        _run(ctx, "flash", factory, seats)
