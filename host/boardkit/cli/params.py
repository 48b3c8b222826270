"""Option types the commands share: durations that must be a positive, finite number."""

from __future__ import annotations

import math

import click


class Seconds(click.ParamType):  # type: ignore[type-arg]
    """A positive, finite number of seconds (0, negative numbers, nan and inf are refused:
    each would mean "no bound" or "fail at once" where the user meant a time)."""

    name = "seconds"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        if isinstance(value, float | int) and not isinstance(value, bool):
            seconds = float(value)
        else:
            try:
                seconds = float(str(value))
            except ValueError:
                self.fail(f"{value!r} is not a valid float", param, ctx)
        if not math.isfinite(seconds) or seconds <= 0:
            self.fail(f"{value!r} is not a number of seconds above 0", param, ctx)
        return seconds


SECONDS = Seconds()
