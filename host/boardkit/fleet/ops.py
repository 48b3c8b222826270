"""The fleet operations, one function each. Each takes what the command was given, does the
shared work once (scan the lesson folder, build the kit image, ...) and returns the task
that `run_fleet` runs for every seat: task(ctx) -> {"summary": one line, ...details}.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from boardkit import api
from boardkit.device import Device
from boardkit.errors import BoardkitError, InvalidInput, RemoteError
from boardkit.fleet import labels
from boardkit.fleet.collect import collect_seat
from boardkit.fleet.runner import SeatContext
from boardkit.sync import LocalFile, SyncProgress

if TYPE_CHECKING:
    from boardkit.boards import Board

Task = Callable[[SeatContext], dict[str, Any]]


def _size(n: int | None) -> str:
    if n is None or n < 0:
        return "?"
    return f"{n} B" if n < 1024 else f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1048576:.1f} MB"


# -- status ------------------------------------------------------------------------------------


def status() -> Task:
    """Reachable? firmware and version, free memory and space, the seat label, kit and lesson."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        def ask(device: Device) -> api.BoardInfo:
            ctx.update("asking")
            return api.info(device)

        found = ctx.session(ask)
        caps, label, marker = found.capabilities, found.seat, found.marker
        data = {
            "reachable": True,
            "url": ctx.url,
            "implementation": caps.implementation,
            "version": caps.version_text,
            "machine": caps.machine,
            "mem_free": caps.mem_free,
            "fs_free": caps.fs_space[0] if caps.fs_space else None,
            "fs_total": caps.fs_space[1] if caps.fs_space else None,
            "label": label,
            "kit": marker.get("kit"),
            "lesson": marker.get("lesson"),
        }
        parts = [f"{caps.implementation} {caps.version_text}", f"mem {_size(caps.mem_free)}"]
        if caps.fs_space:
            parts.append(f"disk {_size(caps.fs_space[0])}")
        for key in ("kit", "lesson"):
            if labels.describe(marker, key):
                parts.append(f"{key} {labels.describe(marker, key)}")
        if label is None:
            parts.append("no label")
        elif label != ctx.seat.name:
            parts.append(f"LABELLED {label!r}: wrong seat?")
        data["summary"] = ", ".join(parts)
        return data

    return task


# -- label --------------------------------------------------------------------------------------


def label() -> Task:
    """Write each seat's name to its board (boardkit_seat.txt), where it is not there already."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        def work(device: Device) -> str | None:
            had = labels.read_markers(device)[0]
            if had != ctx.seat.name:
                ctx.update("labelling")
                labels.write_label(device, ctx.seat.name)
            return had

        had = ctx.session(work)
        return {
            "summary": "already labelled" if had == ctx.seat.name else f"labelled (was {had!r})" if had else "labelled",
            "label": ctx.seat.name,
        }

    return task


# -- sync and push --------------------------------------------------------------------------------


def _is_marker(rel: str, is_dir: bool = False) -> bool:
    return rel.lstrip("/") in labels.MARKER_FILES


def sync(
    lesson_dir: Path, remote_dir: str = "/", delete: bool = False, excludes: Sequence[str] = (), compile: bool = False
) -> Task:
    """Make each board's folder match lesson_dir (boardkit.api.sync, so a CircuitPython board
    with its drive mounted is written through the drive); record the lesson in the kit marker.
    compile: modules go as .mpy for each board's version (compiled once, cached)."""
    from boardkit.sync import scan_local

    files = [f for f in scan_local(lesson_dir, list(excludes)) if not _is_marker(f.rel)]
    lesson = labels.entry(lesson_dir.resolve().name, {f.rel: f.path.read_bytes() for f in files})

    def task(ctx: SeatContext) -> dict[str, Any]:
        def work(device: Device) -> api.TransferResult:
            ctx.update("planning")
            done = api.sync(
                device,
                lesson_dir,
                remote_dir,
                delete=delete,
                excludes=list(excludes),
                leave_alone=_is_marker,
                compile=compile,
                progress=_file_progress(ctx, "sending"),
                on_note=ctx.update,
            )
            _record(device, ctx, "lesson", lesson)
            return done

        result = ctx.session(work)
        return {"summary": _sent(result), **result.to_dict(), "lesson": lesson["version"]}

    return task


def push(files: list[LocalFile], remote_dir: str = "/") -> Task:
    """Copy these files (see sync.push_arguments) to every board (only those that differ)."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        def work(device: Device) -> api.TransferResult:
            ctx.update("planning")
            return api.push(
                device, [f.path for f in files], remote_dir, progress=_file_progress(ctx, "sending"), on_note=ctx.update
            )

        result = ctx.session(work)
        return {"summary": _sent(result), **result.to_dict()}

    return task


def _file_progress(ctx: SeatContext, verb: str) -> SyncProgress:
    def progress(files_done: int, files_total: int, done: int, total: int) -> None:
        ctx.update(f"{verb} {min(files_done + 1, files_total)}/{files_total}", done, total)

    return progress


def _sent(result: api.TransferResult) -> str:
    return f"sent {result.sent} file(s), {result.bytes} bytes; {result.skipped} unchanged" + (
        f"; {result.deleted} deleted" if result.deleted else ""
    )


def _record(device: Device, ctx: SeatContext, key: str, item: dict[str, Any]) -> None:
    """Put item under key in the board's kit marker, unless it says so already.

    A CircuitPython board whose drive is mounted cannot write through its REPL: the marker
    goes through the drive, as the files did.
    """
    _, marker = labels.read_markers(device)
    had = marker.get(key)
    old: dict[str, Any] = had if isinstance(had, dict) else {}
    if (old.get("name"), old.get("version")) != (item["name"], item["version"]):
        ctx.update("recording the " + key)
        drive = api.circuitpy_drive(device)
        if drive is not None:
            (drive / labels.KIT_FILE).write_bytes(labels.marker_bytes({**marker, key: item}))
        else:
            labels.write_kit_marker(device, {**marker, key: item})


# -- install ----------------------------------------------------------------------------------------


def install(plan: api.InstallPlan, target: str | None = None) -> Task:
    """Install the plan's packages onto every board (boardkit.api.install). The plan resolves and
    fetches once per kind of board; each seat writes only what its board lacks."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        def work(device: Device) -> api.InstallResult:
            ctx.update("resolving")
            return api.install(
                device, plan, target=target, progress=_file_progress(ctx, "installing"), on_note=ctx.update
            )

        result = ctx.session(work)
        names = ", ".join(f"{p.key} {p.version}" for p in result.packages if p.requested)
        return {
            "summary": f"{names}: {result.sent} file(s) written, {result.skipped} unchanged",
            **result.to_dict(),
        }

    return task


# -- run and exec -----------------------------------------------------------------------------------


def run_code(code: bytes | str, max_time: float | None = None, sessions: dict[str, Device] | None = None) -> Task:
    """Run code on every board; keep each board's output.

    sessions: while a seat's program runs, its session is kept there under the seat's name
    (the studio's "stop all" sends Ctrl-C through it: a serial port has one owner)."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        out = bytearray()

        def collect(data: bytes) -> None:
            out.extend(data)
            ctx.update("running: " + _last_line(out)[:40])

        with ctx.connect() as device:
            if sessions is not None:
                sessions[ctx.seat.name] = device
            ctx.update("running")
            try:
                api.exec_code(device, code, on_output=collect, max_time=max_time)
            except RemoteError as exc:
                # The seat's result keeps what the program printed before it failed (run_seat reads
                # exc.data); BoardkitError declares no such attribute, hence setattr.
                setattr(exc, "data", {"output": _text(out), "traceback": exc.traceback.replace("\r\n", "\n")})  # noqa: B010
                raise
            finally:
                if sessions is not None:
                    sessions.pop(ctx.seat.name, None)
        return {"summary": _last_line(out)[:60] or "(no output)", "output": _text(out)}

    return task


def _text(data: bytes | bytearray) -> str:
    return bytes(data).decode(errors="replace").replace("\r\n", "\n")


def _last_line(data: bytes | bytearray) -> str:
    lines = [line for line in _text(data).splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


# -- reset ------------------------------------------------------------------------------------------


def reset(hard: bool = False) -> Task:
    """Soft-reset every board (a fresh heap), or hard-reset it (virtual boards: restart)."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        if hard:
            ctx.update("resetting")
            return {"summary": f"hard reset ({api.hard_reset(ctx.url)})"}
        with ctx.connect() as device:
            ctx.update("resetting")
            api.reset(device)
        return {"summary": "soft reset"}

    return task


# -- collect -----------------------------------------------------------------------------------------


def collect(out_root: Path, remote_dir: str = "/", force: bool = False) -> Task:
    """Each board's files into out_root/SEAT/ (a timestamped folder beside an earlier collection)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")

    def task(ctx: SeatContext) -> dict[str, Any]:
        return collect_seat(ctx, out_root, remote_dir, force, stamp)

    return task


# -- flash -------------------------------------------------------------------------------------------


@dataclass
class FlashPlan:
    board: Board
    image: Path
    files: dict[str, bytes] | None  # unused: a kit image holds its files (kept for callers)
    kit: dict[str, Any] | None  # the marker entry, when a kit was built
    note: str = ""


def prepare_flash(
    board_ids: list[str],
    workdir: Path,
    kit_dir: Path | None = None,
    version: str | None = None,
    image: Path | None = None,
    offline: bool = False,
    freeze: bool = False,
) -> dict[str, FlashPlan | BoardkitError]:
    """Per board type, once: the checked firmware image, with the kit built into it
    (freeze: its lib/ modules frozen into firmware built from source, see api.build_kit).

    A board type whose image cannot be had maps to its error (its seats fail with it).
    """
    from boardkit.api.flashing import build_kit, prepare_image, resolve_board

    plans: dict[str, FlashPlan | BoardkitError] = {}
    item = None
    if kit_dir is not None:  # the kit's version: its source files, the same for every board type
        from boardkit.sync import scan_local

        item = labels.entry(kit_dir.resolve().name, {f.rel: f.path.read_bytes() for f in scan_local(kit_dir)})
    for board_id in dict.fromkeys(board_ids):
        try:
            board = resolve_board(board_id)
            if kit_dir is None:
                plans[board_id] = FlashPlan(
                    board, prepare_image(board, version=version, image=image, offline=offline), None, None
                )
                continue
            built = build_kit(
                kit_dir,
                board,
                workdir / f"{board_id}-kit",
                version=version,
                firmware=image,
                offline=offline,
                extra_files={labels.KIT_FILE: labels.marker_bytes({"kit": item})},
                freeze=freeze,
            )
            plans[board_id] = FlashPlan(board, built.image, None, item, built.note)
        except BoardkitError as exc:
            plans[board_id] = exc
    return plans


def flash(plans: dict[str, FlashPlan | BoardkitError]) -> Task:
    """Flash each seat's board with its type's image, then put its seat label back."""

    def task(ctx: SeatContext) -> dict[str, Any]:
        from boardkit.api.flashing import FlashTarget
        from boardkit.api.flashing import flash as flash_image
        from boardkit.flash import get_flasher

        plan = plans[ctx.seat.board]
        if isinstance(plan, BoardkitError):
            raise plan
        board = plan.board
        by_name = get_flasher(board.method).needs == "virtual"
        name = ctx.virtual_name if by_name else None
        if by_name and name is None:
            raise InvalidInput(
                f"{ctx.url} is a virtual board on another computer: it can only be flashed there",
                hint="run `boardkit fleet flash` on that computer, or `fleet sync` from here",
            )
        ctx.update("flashing")
        result = flash_image(
            board,
            plan.image,
            FlashTarget(port=ctx.url, virtual_name=name),
            progress=lambda done, total: ctx.update("flashing", done, total),
        )
        url = ctx.url
        if name is not None:  # a virtual board restarts on its image: its port may be new
            from boardkit import virtual

            found = virtual.find(name)
            url = found.port if found else url
        ctx.update("labelling")
        with api.connect(url, timeout=ctx.timeout) as device:
            labels.write_label(device, ctx.seat.name)
        what = f"kit {plan.kit['name']} ({plan.kit['version']})" if plan.kit else "firmware"
        return {
            "summary": f"flashed {what}",
            "board": board.id,
            "kit": plan.kit,
            **{k: v for k, v in result.to_dict().items() if k not in ("summary", "kit", "board")},
        }

    return task


def flash_workdir() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for the kit images of one `fleet flash` (use it in a with block)."""
    return tempfile.TemporaryDirectory(prefix="bk-fleet-")
