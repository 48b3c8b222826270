"""Features are data: tests/conformance/features.toml names each one with a probe program.

A target has a feature when the probe prints exactly the expected text. Two kinds are
built in: `module:NAME` (`import NAME` works) and `heap>=NNk` (the heap holds at least NN KB).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from boardkit.errors import InvalidInput

# Modules a classroom reaches for: probed for every target so `boardkit check` knows them.
CLASSROOM_MODULES = (
    "array",
    "asyncio",
    "binascii",
    "collections",
    "errno",
    "gc",
    "hashlib",
    "io",
    "json",
    "machine",
    "math",
    "micropython",
    "microbit",
    "music",
    "neopixel",
    "os",
    "radio",
    "random",
    "re",
    "select",
    "socket",
    "struct",
    "sys",
    "time",
    "ujson",
    "urandom",
    "ure",
    "ustruct",
    "utime",
    "network",
    "requests",
    "framebuf",
    "bluetooth",
)
HEAP = re.compile(r"^heap>=(\d+)k$")
HEAP_PROBE = "import gc\ngc.collect()\nprint(gc.mem_free() + gc.mem_alloc())"


@dataclass(frozen=True)
class Feature:
    name: str
    description: str
    probe: str
    expect: str


def load_features(path: Path) -> dict[str, Feature]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InvalidInput(f"cannot read {path}: {exc}") from None
    features = {}
    for name, spec in data.get("features", {}).items():
        features[name] = Feature(name, spec.get("description", name), spec["probe"], str(spec["expect"]).strip())
    return features


class FeatureProbe:
    """What one target has, asked lazily and remembered.

    run(code) -> (stdout, error or None) runs a program on the target.
    """

    def __init__(self, features: dict[str, Feature], run: Callable[[str], tuple[str, str | None]]) -> None:
        self.features = features
        self._run = run
        self.known: dict[str, bool] = {}
        self.heap: int | None = None  # bytes; None until asked; -1: no limit reported (CPython)

    def has(self, name: str) -> bool:
        if name not in self.known:
            self.known[name] = self._ask(name)
        return self.known[name]

    def missing(self, requires: tuple[str, ...]) -> list[str]:
        return [name for name in requires if not self.has(name)]

    def _ask(self, name: str) -> bool:
        heap = HEAP.match(name)
        if heap:
            return self.heap_bytes() < 0 or self.heap_bytes() >= int(heap[1]) * 1024
        if name.startswith("module:"):
            module = name.split(":", 1)[1]
            out, error = self._run(f"import {module}\nprint('ok')")
            return error is None and out.strip() == "ok"
        feature = self.features.get(name)
        if feature is None:
            raise InvalidInput(f"unknown feature {name!r}", hint="define it in tests/conformance/features.toml")
        out, error = self._run(feature.probe)
        return error is None and out.strip() == feature.expect

    def heap_bytes(self) -> int:
        if self.heap is None:
            out, error = self._run(HEAP_PROBE)
            try:
                self.heap = int(out.strip()) if error is None else -1
            except ValueError:
                self.heap = -1
        return self.heap

    def probe_all(self) -> dict[str, bool]:
        for name in self.features:
            self.has(name)
        return dict(self.known)
