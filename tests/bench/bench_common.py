"""What the benchmarks in this folder share: the summary of timed runs, board-side code."""

from __future__ import annotations

import statistics

# Removes a folder tree on the board (MicroPython with folders), e.g. between first-sync runs.
RMTREE = """import os
def _rm(p):
    try:
        names = os.listdir(p)
    except OSError:
        try: os.remove(p)
        except OSError: pass
        return
    for n in names: _rm(p + '/' + n)
    try: os.rmdir(p)
    except OSError: pass
_rm(%r)
"""


def summary(samples: list[float]) -> dict:
    """Median, min and max of timed runs, in seconds."""
    return {
        "median_s": round(statistics.median(samples), 3),
        "min_s": round(min(samples), 3),
        "max_s": round(max(samples), 3),
        "runs": len(samples),
    }
