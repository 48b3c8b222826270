"""The `wasm` target: MicroPython's WebAssembly build under node, as a virtual board."""

from __future__ import annotations

from boardkit.conformance.targets.virtual import VirtualTarget


class WasmTarget(VirtualTarget):
    name = "wasm"
    aliases = ("webassembly",)
    kind = "wasm"
    runtime = "WebAssembly, node"
