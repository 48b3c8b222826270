"""`boardkit check`: what a lesson's code uses that a target lacks, read from its syntax tree.

The feature data comes from a real run of the suite (`boardkit test --matrix` writes it to
feature_data.json), so "not on microbit" means the probe failed on the emulated micro:bit.
"""

from __future__ import annotations

import ast
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from boardkit import paths, safe_ast
from boardkit.conformance.targets import canonical_name
from boardkit.errors import InvalidInput

FEATURE_DATA = paths.feature_data()
BIG = 2**30 - 1  # beyond a small int on 32-bit MicroPython ports


@dataclass(frozen=True)
class Use:
    feature: str
    line: int
    what: str
    certain: bool = True  # False: depends on a type the syntax cannot tell (a warning)


@dataclass(frozen=True)
class Problem:
    path: str
    target: str
    line: int
    feature: str
    what: str
    certain: bool

    def message(self, description: str) -> str:
        """One line for a person: what, where, and which target lacks it."""
        lead = "" if self.certain else "maybe: "
        return f"{lead}{self.what} at line {self.line}: not on {self.target} ({description.split(' (')[0]})"


CALLS = {
    "float": ("float", "float()"),
    "frozenset": ("frozenset", "frozenset()"),
    "bytearray": ("bytearray", "bytearray()"),
    "memoryview": ("memoryview", "memoryview()"),
    "property": ("property", "property"),
    "complex": ("complex", "complex()"),
    "slice": ("slice_builtin", "slice()"),
    "format": ("format_builtin", "format()"),
    "vars": ("vars", "vars()"),
    "ascii": ("ascii", "ascii()"),
    "delattr": ("delattr", "delattr()"),
    "exec": ("exec_eval", "exec()"),
    "eval": ("exec_eval", "eval()"),
}
METHODS = {
    "encode": ("str_encode", "str.encode()"),
    "casefold": ("str_casefold", "str.casefold()"),
    "removeprefix": ("str_removeprefix", "str.removeprefix()"),
    "zfill": ("str_zfill", "str.zfill()"),
    "center": ("str_center", "str.center()"),
    "title": ("str_title", "str.title()"),
    "partition": ("str_partition", "str.partition()"),
    "splitlines": ("str_splitlines", "str.splitlines()"),
    "translate": ("str_translate", "str.translate()"),
    "ljust": ("str_ljust", "str.ljust()"),
    "hex": ("bytes_hex", ".hex()"),
    "to_bytes": ("int_bytes", "int.to_bytes()"),
    "from_bytes": ("int_bytes", "int.from_bytes()"),
    "bit_length": ("int_bit_length", "int.bit_length()"),
    "is_integer": ("float_is_integer", "float.is_integer()"),
}


class _Finder(ast.NodeVisitor):
    def __init__(self) -> None:
        self.uses: list[Use] = []

    def add(self, node: ast.AST, feature: str, what: str, certain: bool = True) -> None:
        self.uses.append(Use(feature, getattr(node, "lineno", 0), what, certain))

    def generic_visit(self, node: ast.AST) -> None:
        if isinstance(node, ast.JoinedStr):
            self.add(node, "fstring", "f-string")
        elif isinstance(node, ast.NamedExpr):
            self.add(node, "walrus", "walrus operator :=")
        elif isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncFor | ast.AsyncWith):
            self.add(node, "async", "async/await")
        elif isinstance(node, ast.Match):
            self.add(node, "match_stmt", "match statement")
        elif isinstance(node, ast.Set | ast.SetComp):
            self.add(node, "set", "set")
        elif isinstance(node, ast.AnnAssign):
            self.add(node, "var_annotations", "variable annotation")
        elif isinstance(node, ast.Raise) and node.cause is not None:
            self.add(node, "exc_chaining", "raise ... from ...")
        elif isinstance(node, ast.Dict) and any(k is None for k in node.keys):
            self.add(node, "dict_unpack", "{**mapping} in a dict display")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            self.add(node, "float", "true division / (gives a float)")
        elif isinstance(node, ast.Constant):
            self._constant(node)
        elif isinstance(node, ast.FunctionDef | ast.Lambda):
            if node.args.kwonlyargs:
                self.add(node, "kwonly_args", "keyword-only parameters")
            if node.args.posonlyargs:
                self.add(node, "posonly_args", "positional-only parameters")
        elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice) and node.slice.step is not None:
            self.add(node, "seq_slice_step", "slice with a step (on str, bytes or tuple)", certain=False)
        elif isinstance(node, ast.Call):
            self._call(node)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                if name and not getattr(node, "level", 0):
                    self.add(node, f"module:{name.split('.')[0]}", f"import {name.split('.')[0]}")
        super().generic_visit(node)

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, bool):
            return
        if isinstance(value, float):
            self.add(node, "float", "float literal")
        elif isinstance(value, complex):
            self.add(node, "complex", "complex literal")
        elif isinstance(value, int) and abs(value) > BIG:
            self.add(node, "bigint", f"big integer {value}")

    def _call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            if func.id in CALLS:
                self.add(node, *CALLS[func.id])
            elif func.id == "next" and len(node.args) == 2:
                self.add(node, "next_default", "next() with a default")
            elif func.id == "pow" and len(node.args) == 3:
                self.add(node, "pow3", "pow() with a modulus")
            elif (
                func.id == "open"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
                and "a" in str(node.args[1].value)
            ):
                self.add(node, "file_append", "open() for appending")
        elif isinstance(func, ast.Attribute) and func.attr in METHODS:
            self.add(node, *METHODS[func.attr], certain=False)


def uses_in(source: str, filename: str = "<code>") -> list[Use]:
    """The features `source` uses, from its syntax tree, in line order."""
    try:
        tree = safe_ast.parse(source, filename)
    except SyntaxError as exc:
        raise InvalidInput(
            f"{filename}: syntax error at line {exc.lineno}: {exc.msg}", hint="check needs code that CPython can parse"
        ) from None
    finder = _Finder()
    finder.visit(tree)
    for node in ast.walk(tree):  # decorators such as @property are Names, not Calls
        for deco in getattr(node, "decorator_list", []):
            if isinstance(deco, ast.Name) and deco.id == "property":
                finder.add(deco, "property", "@property")
    return sorted(set(finder.uses), key=lambda u: (u.line, u.feature))


def load_feature_data(path: Path | None = None) -> dict[str, Any]:
    """target name -> {"description", "heap", "features": {feature: bool}}, from a matrix run."""
    path = path or FEATURE_DATA
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        raise InvalidInput(
            f"no feature data at {path}", hint="run `boardkit test --matrix` once to measure the targets"
        ) from None


def resolve_targets(names: list[str], data: dict[str, Any]) -> list[str]:
    """The feature data's names for `names` (aliases such as microbit_v1 resolved)."""
    resolved = []
    for name in names:
        key = canonical_name(name)
        if key not in data:
            raise InvalidInput(f"no feature data for target {name!r}", hint=f"known targets: {', '.join(sorted(data))}")
        resolved.append(key)
    return resolved


def check_files(paths: list[Path], targets: list[str], data: dict[str, Any]) -> list[Problem]:
    """Every use in `paths` of a feature one of `targets` lacks (per the feature data)."""
    problems = []
    for path in paths:
        from boardkit.local_files import read_regular  # refuses FIFOs and devices: never waits

        try:
            source = read_regular(path).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput(f"cannot read {path}: {exc}") from None
        for use in uses_in(source, str(path)):
            for target in targets:
                has = data[target]["features"].get(use.feature)
                if has is False:  # None: not measured on that target, so not claimed either way
                    problems.append(Problem(str(path), target, use.line, use.feature, use.what, use.certain))
    return problems


def python_files(path: Path) -> list[Path]:
    """`path` itself, or the .py files under the folder `path`."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.py") if "__pycache__" not in p.parts)
        if not files:
            raise InvalidInput(f"no .py files in {path}")
        return files
    if not path.exists():
        raise InvalidInput(f"{path}: no such file or folder")
    return [path]


def problem_dict(problem: Problem) -> dict[str, Any]:
    return asdict(problem)
