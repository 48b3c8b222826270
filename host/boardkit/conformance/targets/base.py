"""What every conformance target is: something that runs a test program and says what it printed.

A target module defines one `Target` subclass and its `open` classmethod; the table in
boardkit.conformance.targets names it. Tests share one interpreter start per target; each
test gets a fresh heap (fresh globals on CPython and in the browser, a soft reset on boards).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Self

# url -> password, for links that ask for one (WebREPL). The caller decides where passwords
# come from (a prompt, an environment variable, a config file); targets only pass it on.
Credentials = Callable[[str], str]

IMPLEMENTATIONS = {"micropython": "MicroPython", "circuitpython": "CircuitPython"}


@dataclass
class Outcome:
    """One test's run on one target."""

    out: str
    error: str | None = None  # last traceback line, "timeout", or a link problem
    broken: bool = False  # the target itself failed (not the test): crashed, hung, link lost
    traceback: str = ""  # the whole traceback when it raised (its frames give the test's line)


class Target:
    """Where the suite runs. Subclasses set `name` (the table's name for them) and `description`.

    `open(spec, credentials=...)` is how boardkit.conformance.targets.open_target makes one:
    spec is what the user typed (-t NAME or a port URL), credentials a provider of WebREPL
    passwords for targets that open a link (others ignore it).
    """

    name: str = "?"
    description: str = "?"
    # Other names `boardkit check -t` and `boardkit test -t` accept for this target.
    aliases: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def prepare(cls, on_note: Callable[[str], None] | None = None) -> None:
        """Before open: install what this target installs on first use (the wasm and browser
        targets: the npm runtime), telling on_note(line) when that starts and ends. Default: nothing."""

    @classmethod
    def open(cls, spec: str, *, credentials: Credentials | None = None) -> Self:
        """Start (or connect to) the target named `spec`; subclasses with arguments override it."""
        return cls()

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        """Run one test program with a fresh heap; what it printed and how it ended."""
        raise NotImplementedError

    def recover(self) -> bool:
        """After a test crashed it, hung it or timed out: get a fresh interpreter again.

        True when the target is ready for the next test; False when it cannot recover (the
        default: the runner gives it up after a few broken tests in a row). Raises
        BoardkitError when it tried and failed.
        """
        return False

    def close(self) -> None:
        """Stop what `open` started; safe to call twice."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
