"""ast.parse and ast.literal_eval, one thread at a time.

CPython 3.11 keeps the AST constructor's recursion depth per interpreter, not per thread
(cpython gh-106905): two threads building trees at once fail with "SystemError: AST
constructor recursion depth mismatch". A fleet's seats are threads, and each parses its
board's answers, so every parse in boardkit goes through this lock (seen in CI's fleet scan).
"""

from __future__ import annotations

import ast
import threading
from typing import Any

LOCK = threading.RLock()


def literal(text: str) -> Any:
    """ast.literal_eval(text), safe beside other threads."""
    with LOCK:
        return ast.literal_eval(text)


def parse(text: str, filename: str = "<unknown>") -> ast.Module:
    """ast.parse(text), safe beside other threads."""
    with LOCK:
        return ast.parse(text, filename)
