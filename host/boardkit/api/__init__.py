"""boardkit's public API: typed functions that do the work; the CLI, fleet and studio call them.

    from boardkit import api
    with api.connect("/dev/ttyACM0") as device:
        api.exec_code(device, "print(1 + 1)", on_output=print)
        api.sync(device, Path("lesson1"), progress=lambda f, nf, b, nb: ...)

session.py   devices, connect, info, exec_code / run, reset, hard_reset
files.py     put, get, cat, ls, rm, mkdir, cp
transfer.py  push, sync, pull (the CIRCUITPY drive routing is inside)
             check_local_*: what put/get/cp/push/sync/pull need of this computer, checked before connecting
flashing.py  resolve_board, prepare_image (kit -> image), build_kit, flash, firmware cache
testing.py   run_suite (the conformance suite), check (what a program uses that a target lacks)
"""

from boardkit.api.files import (
    Copied,
    cat,
    check_local_cp,
    check_local_get,
    check_local_put,
    cp,
    cp_direction,
    entry_dict,
    get,
    ls,
    mkdir,
    put,
    read_local,
    rm,
)
from boardkit.api.flashing import (
    FlashResult,
    FlashTarget,
    KitResult,
    add_firmware,
    build_kit,
    fetch_firmware,
    flash,
    flash_target,
    list_boards,
    list_firmware,
    prepare_image,
    resolve_board,
)
from boardkit.api.session import (
    BoardInfo,
    RunResult,
    connect,
    devices,
    exec_code,
    hard_reset,
    info,
    read_program,
    reset,
    run,
)
from boardkit.api.testing import CheckReport, SuiteReport, check, run_suite
from boardkit.api.transfer import (
    TransferResult,
    check_local_pull,
    check_local_push,
    check_local_sync,
    circuitpy_drive,
    pull,
    push,
    sync,
)

__all__ = [
    "BoardInfo",
    "CheckReport",
    "Copied",
    "FlashResult",
    "FlashTarget",
    "KitResult",
    "RunResult",
    "SuiteReport",
    "TransferResult",
    "add_firmware",
    "build_kit",
    "cat",
    "check",
    "check_local_cp",
    "check_local_get",
    "check_local_pull",
    "check_local_push",
    "check_local_put",
    "check_local_sync",
    "circuitpy_drive",
    "connect",
    "cp",
    "cp_direction",
    "devices",
    "entry_dict",
    "exec_code",
    "fetch_firmware",
    "flash",
    "flash_target",
    "get",
    "hard_reset",
    "info",
    "list_boards",
    "list_firmware",
    "ls",
    "mkdir",
    "prepare_image",
    "pull",
    "push",
    "put",
    "read_local",
    "read_program",
    "reset",
    "resolve_board",
    "rm",
    "run",
    "run_suite",
    "sync",
]
