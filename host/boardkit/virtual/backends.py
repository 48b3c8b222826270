"""What actually runs a virtual board: a node process (wasm) or a QEMU process (micro:bit).

A backend is mostly data: the command line, the bytes that mean "REPL ready", and how to
press its reset button. The daemon (daemon.py) owns the process and bridges its serial
port (the process's stdin/stdout) to a pty.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from pathlib import Path

from boardkit import paths, system_packages, wasm_runtime
from boardkit.errors import VirtualBoardError
from boardkit.system_packages import MICROBIT_FIRMWARE

READY_MARKER = b">>> "


@dataclass(frozen=True)
class Backend:
    kind: str
    description: str
    has_fs: bool              # keeps a host folder as the board's flash
    restart_on_reset: bool    # hard reset = restart the process (else: ask the emulator)
    strip_boot_nul: bool      # QEMU's UART emits one \x00 before the banner
    # Fastest rate the emulated chip can take input at. QEMU's nRF51 UART ignores the baud
    # rate, so unpaced input overruns the firmware's small receive buffer (bytes are lost,
    # seen as SyntaxErrors in raw mode); a real micro:bit's 115200-baud UART never sends faster.
    input_baud: int | None = None
    # The fd number on which the backend reads copies of Ctrl-C (see board.mjs), or 0.
    interrupt_fd: int = 0

    def check(self) -> None:
        """Raise VirtualBoardError (with a hint) if what this backend needs is missing."""
        raise NotImplementedError

    def command(self, state: Path, fs_dir: Path | None, monitor: str, image: Path | None = None) -> list[str]:
        """The backend's command line; image: what this run boots instead of the default
        (micro:bit: a .hex; the wasm board's image is its fs folder, filled by the daemon)."""
        raise NotImplementedError

    def hard_reset_via_monitor(self, monitor: str) -> None:
        raise NotImplementedError


class WasmBackend(Backend):
    def runner(self) -> Path:
        return paths.wasm_bridge()

    def check(self) -> None:
        wasm_runtime.node_path()
        wasm_runtime.ensure()  # installed on first use (npm ci from the shipped lock file)

    def command(self, state, fs_dir, monitor, image=None):
        # 256 KB heap: board-like (an ESP32 has ~100-160 KB free, an RP2040 ~190 KB).
        return ["node", str(self.runner()), "--fs", str(fs_dir), "--heap", str(256 * 1024),
                "--runtime", str(wasm_runtime.ensure().module)]


class MicrobitBackend(Backend):
    def check(self) -> None:
        system_packages.require(system_packages.VIRTUAL_MICROBIT, "the virtual micro:bit")

    def command(self, state, fs_dir, monitor, image=None):
        return [
            "qemu-system-arm", "-M", "microbit",
            "-device", "loader,file=" + str(image or MICROBIT_FIRMWARE).replace(",", ",,"),
            "-display", "none", "-nodefaults",
            "-chardev", "stdio,id=uart0,signal=off", "-serial", "chardev:uart0",
            "-monitor", f"unix:{monitor},server=on,wait=off",
        ]

    def hard_reset_via_monitor(self, monitor: str) -> None:
        deadline = time.monotonic() + 5
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(5)
            sock.connect(monitor)
            sock.recv(4096)  # "QEMU 7.2 monitor - type 'help' ..."
            sock.sendall(b"system_reset\n")
            buf = b""
            while b"system_reset" not in buf and time.monotonic() < deadline:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                buf += chunk


BACKENDS: dict[str, Backend] = {
    "wasm": WasmBackend("wasm", "MicroPython WebAssembly build on node",
                        has_fs=True, restart_on_reset=True, strip_boot_nul=False, interrupt_fd=3),
    "microbit": MicrobitBackend("microbit", "BBC micro:bit v1 MicroPython in QEMU",
                                has_fs=False, restart_on_reset=False, strip_boot_nul=True,
                                input_baud=115200),
}


def backend(kind: str) -> Backend:
    try:
        return BACKENDS[kind]
    except KeyError:
        raise VirtualBoardError(f"unknown virtual board kind {kind!r}",
                                hint="choose one of: " + ", ".join(BACKENDS)) from None
