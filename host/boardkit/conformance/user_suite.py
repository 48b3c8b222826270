"""A user's own tests, found in the files and folders they name (`boardkit test PATH...`).

Every .py file under a folder is a test (hidden folders, `__pycache__` and `__init__.py`
aside), the way MicroPython's own test folders are laid out. A test is one of two styles:

- script (MicroPython style): a program that prints. Its expected output is NAME.py.exp or
  NAME.exp beside it, else what CPython prints running it; `print("SKIP")` then
  `raise SystemExit` skips it.
- unittest: a file that imports unittest. Its TestCase classes are run by the target's own
  unittest module (it needs `module:unittest`, so a target without one reports it
  unsupported) and it passes when they all pass.

Both honour the `# requires: FEATURE ...` header of the built-in suite.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable
from pathlib import Path

from boardkit.conformance.suite import ConformanceTest, parse_requires
from boardkit.errors import InvalidInput

UNITTEST_IMPORT = re.compile(r"^\s*(import\s+unittest\b|from\s+unittest\b)", re.MULTILINE)
UNITTEST_NEEDS = "module:unittest"
SKIPPED_DIRS = ("__pycache__", "node_modules")


def test_style(source: str) -> str:
    """The style of a test: "unittest" for a file that imports unittest, else "script"."""
    return "unittest" if UNITTEST_IMPORT.search(source) else "script"


def expected_file(path: Path) -> Path | None:
    """NAME.py.exp, else NAME.exp, beside the test; None when neither exists."""
    for exp in (path.with_name(path.name + ".exp"), path.with_suffix(".exp")):
        if exp.is_file():
            return exp
    return None


def display_name(path: Path) -> str:
    """The test's path as reports show it: relative to the current folder when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_user_test(path: Path) -> ConformanceTest:
    """One user test file, with its style, its `# requires:` header and its .exp file."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", hint="save the test as UTF-8") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}") from None
    style = test_style(source)
    requires = parse_requires(source)
    if style == "unittest" and UNITTEST_NEEDS not in requires:
        requires = (*requires, UNITTEST_NEEDS)
    exp = expected_file(path)
    if exp is not None and style == "unittest":
        exp = None  # a unittest file is judged by its TestCases, never by its output
    name = display_name(path)
    return ConformanceTest(
        id=name,
        path=path,
        source=source,
        requires=requires,
        expected=exp.read_text(encoding="utf-8") if exp is not None else None,
        style=style,
        file=name,
    )


def test_files(path: Path) -> list[Path]:
    """The test files `path` names: itself (a .py file), or every .py file under it (a folder)."""
    if path.is_file():
        if path.suffix != ".py":
            raise InvalidInput(f"{path} is not a Python file", hint="name .py files or folders holding them")
        return [path]
    if not path.is_dir():
        raise InvalidInput(f"no such file or folder: {path}")
    found: list[Path] = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_DIRS)
        found += [Path(folder) / f for f in sorted(files) if f.endswith(".py") and f != "__init__.py"]
    if not found:
        raise InvalidInput(f"no tests in {path}", hint="a test is a .py file that prints, or uses unittest")
    return found


def load_user_tests(paths: Iterable[str | Path], patterns: list[str] | tuple[str, ...] = ()) -> list[ConformanceTest]:
    """The tests in the given files and folders, in the order named (each folder sorted).

    patterns: only tests whose name contains one of them or matches it as a glob.
    Raises InvalidInput for a missing path, a folder with no .py file, a file that is not
    .py or not UTF-8, or patterns that match nothing.
    """
    seen: set[Path] = set()
    tests: list[ConformanceTest] = []
    named = [Path(p) for p in paths]
    if not named:
        raise InvalidInput("no test files or folders named", hint="boardkit test tests/ -t wasm")
    for path in named:
        for file in test_files(path):
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                tests.append(load_user_test(file))
    if patterns:
        tests = [t for t in tests if any(_matches(t.id, p) for p in patterns)]
        if not tests:
            raise InvalidInput(f"no test matches {' '.join(patterns)!r}", hint="-k matches the test's path")
    return tests


def _matches(name: str, pattern: str) -> bool:
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name
