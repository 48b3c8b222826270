"""Device-side code from lib/, cut into pieces small enough to send to a board.

lib/ files are real Python modules (tested like any code). A micro:bit v1 has about
8 KB of heap: it cannot even parse a whole helper module at once, so the host sends
a module's top-level statements once, then each function the first time it is
needed (with the helper functions it calls).
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass

from boardkit import paths, safe_ast


def _read(name: str) -> str:
    return (paths.device_lib_dir() / f"{name}.py").read_text(encoding="utf-8")


def _shrink(text: str) -> str:
    """The same code in fewer bytes: they cost wire time (3 KB is 0.26 s at 115200 baud) and heap.

    ast.unparse drops comments and blank lines and writes each statement on one line, so
    every leading space left is indentation: one space per level is enough.
    """
    tree = ast.parse(text)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, (ast.FunctionDef, ast.ClassDef))
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]  # a docstring
    lines = []
    for line in ast.unparse(tree).splitlines():
        stripped = line.lstrip(" ")
        if stripped:
            lines.append(" " * ((len(line) - len(stripped)) // 4) + stripped)
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class DeviceModule:
    name: str
    prelude: str  # imports and globals, sent once
    functions: dict[str, str]  # function name -> source
    calls: dict[str, frozenset[str]]  # function name -> helper functions it uses

    def closure(self, wanted: list[str]) -> list[str]:
        """Functions to send (dependencies first) so that `wanted` can run."""
        order: list[str] = []

        def visit(fn: str) -> None:
            if fn in order:
                return
            for dep in sorted(self.calls[fn]):
                visit(dep)
            order.append(fn)

        for fn in wanted:
            if fn not in self.functions:
                raise KeyError(f"lib/{self.name}.py has no function {fn}")
            visit(fn)
        return order


def module(name: str) -> DeviceModule:
    """lib/NAME.py cut into its top-level part and its functions, each shrunk (parsed once)."""
    with safe_ast.LOCK:  # one parse at a time (see safe_ast); the cache makes it once per process
        return _module(name)


@functools.cache
def _module(name: str) -> DeviceModule:
    text = _read(name)
    tree = ast.parse(text)
    prelude, functions = [], {}
    for node in tree.body:
        segment = ast.get_source_segment(text, node) or ""
        if isinstance(node, ast.FunctionDef):
            functions[node.name] = _shrink(segment)
        else:
            prelude.append(segment)
    calls = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
            calls[node.name] = frozenset(used & set(functions) - {node.name})
    return DeviceModule(name, _shrink("\n".join(prelude)), functions, calls)


def source(name: str) -> str:
    """A whole lib/ file, shrunk (for small scripts such as the probe)."""
    with safe_ast.LOCK:
        return _source(name)


@functools.cache
def _source(name: str) -> str:
    return _shrink(_read(name))
