"""The suite on disk: tests/conformance/AREA/NAME.py, with `# requires:` headers and .exp files."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

from boardkit import paths
from boardkit.errors import InvalidInput

REQUIRES = re.compile(r"^#\s*requires:\s*(?P<features>.*)$")
HEADER_LINES = 5  # a header lives in the first lines of a test


@dataclass(frozen=True)
class ConformanceTest:
    id: str  # "strings/split" (area/name)
    path: Path
    source: str
    requires: tuple[str, ...] = ()
    expected: str | None = None  # from NAME.exp; None: CPython's output is expected
    style: str = "script"  # "script": compared by what it prints; "unittest": by its TestCases
    file: str = ""  # how a user's test is named in reports (its path as given); "" for the suite

    @property
    def area(self) -> str:
        return self.id.split("/", 1)[0]


def suite_root() -> Path:
    return paths.conformance_dir()


def parse_requires(source: str) -> tuple[str, ...]:
    needs: list[str] = []
    for line in source.splitlines()[:HEADER_LINES]:
        match = REQUIRES.match(line.strip())
        if match:
            needs += match["features"].split()
    return tuple(needs)


def load_test(path: Path, root: Path) -> ConformanceTest:
    source = path.read_text(encoding="utf-8")
    exp = path.with_suffix(".exp")
    return ConformanceTest(
        id=path.relative_to(root).with_suffix("").as_posix(),
        path=path,
        source=source,
        requires=parse_requires(source),
        expected=exp.read_text(encoding="utf-8") if exp.is_file() else None,
    )


def load_suite(root: Path | None = None, patterns: list[str] | tuple[str, ...] = ()) -> list[ConformanceTest]:
    """Every test under root (sorted by id); with patterns, those whose id matches one.

    A pattern is a glob ("strings/*", "*json*") or a plain substring ("json").
    """
    root = root or suite_root()
    if not root.is_dir():
        raise InvalidInput(f"no conformance suite at {root}", hint="run from a boardkit checkout")
    tests = [load_test(p, root) for p in sorted(root.glob("*/*.py"))]
    if patterns:
        tests = [t for t in tests if any(_matches(t.id, p) for p in patterns)]
        if not tests:
            raise InvalidInput(
                f"no test matches {' '.join(patterns)!r}", hint="ids look like strings/split; try -k strings"
            )
    return tests


def _matches(test_id: str, pattern: str) -> bool:
    if any(c in pattern for c in "*?["):
        return fnmatch.fnmatchcase(test_id, pattern)
    return pattern in test_id
