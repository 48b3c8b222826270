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
firmware_build.py  build_firmware (micro:bit V1 with frozen modules), the toolchain
watch.py     watch (sync on every save, re-run, stream the output), Watcher, WatchEvent
packages.py  prepare_install, install (packages onto a board), install_into_kit, installed (--list)
mount.py     mounted, run_mounted (a local folder seen by the board as /remote), check_local_mount
testing.py   run_suite (the conformance suite), run_tests (a user's own tests; junit_xml,
             github_annotations), check (what a program uses that a target lacks)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time names load on first use
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
    from boardkit.api.firmware_build import (
        BuiltImage,
        FrozenModule,
        build_firmware,
        firmware_toolchain_commands,
        firmware_toolchain_missing,
        install_firmware_toolchain,
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
    from boardkit.api.mount import (
        MountedRun,
        MountSession,
        check_local_mount,
        mounted,
        run_mounted,
    )
    from boardkit.api.packages import (
        InstalledPackage,
        InstallPlan,
        InstallResult,
        install,
        install_into_kit,
        installed,
        prepare_install,
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
    from boardkit.api.testing import (
        CheckReport,
        SuiteReport,
        check,
        github_annotations,
        junit_xml,
        run_suite,
        run_tests,
    )
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
    from boardkit.api.watch import Watcher, WatchEvent, WatchSummary, check_local_watch, watch

# name -> the submodule defining it. `boardkit exec` needs session.py alone: importing the
# flashing and conformance code for it doubled the command's start-up time.
_HOME: dict[str, str] = {
    "BoardInfo": "boardkit.api.session",
    "MountedRun": "boardkit.api.mount",
    "MountSession": "boardkit.api.mount",
    "check_local_mount": "boardkit.api.mount",
    "mounted": "boardkit.api.mount",
    "run_mounted": "boardkit.api.mount",
    "BuiltImage": "boardkit.api.firmware_build",
    "FrozenModule": "boardkit.api.firmware_build",
    "build_firmware": "boardkit.api.firmware_build",
    "firmware_toolchain_commands": "boardkit.api.firmware_build",
    "firmware_toolchain_missing": "boardkit.api.firmware_build",
    "install_firmware_toolchain": "boardkit.api.firmware_build",
    "CheckReport": "boardkit.api.testing",
    "InstallPlan": "boardkit.api.packages",
    "InstallResult": "boardkit.api.packages",
    "InstalledPackage": "boardkit.api.packages",
    "install": "boardkit.api.packages",
    "install_into_kit": "boardkit.api.packages",
    "installed": "boardkit.api.packages",
    "prepare_install": "boardkit.api.packages",
    "Copied": "boardkit.api.files",
    "FlashResult": "boardkit.api.flashing",
    "FlashTarget": "boardkit.api.flashing",
    "KitResult": "boardkit.api.flashing",
    "RunResult": "boardkit.api.session",
    "SuiteReport": "boardkit.api.testing",
    "TransferResult": "boardkit.api.transfer",
    "add_firmware": "boardkit.api.flashing",
    "build_kit": "boardkit.api.flashing",
    "cat": "boardkit.api.files",
    "check": "boardkit.api.testing",
    "check_local_cp": "boardkit.api.files",
    "check_local_get": "boardkit.api.files",
    "check_local_pull": "boardkit.api.transfer",
    "check_local_push": "boardkit.api.transfer",
    "check_local_put": "boardkit.api.files",
    "check_local_sync": "boardkit.api.transfer",
    "circuitpy_drive": "boardkit.api.transfer",
    "connect": "boardkit.api.session",
    "cp": "boardkit.api.files",
    "cp_direction": "boardkit.api.files",
    "devices": "boardkit.api.session",
    "entry_dict": "boardkit.api.files",
    "exec_code": "boardkit.api.session",
    "fetch_firmware": "boardkit.api.flashing",
    "flash": "boardkit.api.flashing",
    "flash_target": "boardkit.api.flashing",
    "get": "boardkit.api.files",
    "hard_reset": "boardkit.api.session",
    "info": "boardkit.api.session",
    "list_boards": "boardkit.api.flashing",
    "list_firmware": "boardkit.api.flashing",
    "ls": "boardkit.api.files",
    "mkdir": "boardkit.api.files",
    "prepare_image": "boardkit.api.flashing",
    "pull": "boardkit.api.transfer",
    "push": "boardkit.api.transfer",
    "put": "boardkit.api.files",
    "read_local": "boardkit.api.files",
    "read_program": "boardkit.api.session",
    "reset": "boardkit.api.session",
    "resolve_board": "boardkit.api.flashing",
    "rm": "boardkit.api.files",
    "run": "boardkit.api.session",
    "run_suite": "boardkit.api.testing",
    "run_tests": "boardkit.api.testing",
    "junit_xml": "boardkit.api.testing",
    "github_annotations": "boardkit.api.testing",
    "sync": "boardkit.api.transfer",
    "Watcher": "boardkit.api.watch",
    "WatchEvent": "boardkit.api.watch",
    "WatchSummary": "boardkit.api.watch",
    "check_local_watch": "boardkit.api.watch",
    "watch": "boardkit.api.watch",
}

__all__ = [
    "BoardInfo",
    "MountedRun",
    "MountSession",
    "check_local_mount",
    "mounted",
    "run_mounted",
    "BuiltImage",
    "FrozenModule",
    "build_firmware",
    "firmware_toolchain_commands",
    "firmware_toolchain_missing",
    "install_firmware_toolchain",
    "CheckReport",
    "Copied",
    "InstallPlan",
    "InstallResult",
    "InstalledPackage",
    "install",
    "install_into_kit",
    "installed",
    "prepare_install",
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
    "run_tests",
    "junit_xml",
    "github_annotations",
    "sync",
    "Watcher",
    "WatchEvent",
    "WatchSummary",
    "check_local_watch",
    "watch",
]


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'boardkit.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOME))
