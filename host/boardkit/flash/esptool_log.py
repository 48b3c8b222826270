"""esptool's log, captured: while one flash_esp call runs, esptool's messages and progress
go to that call's sink (never to the terminal); outside a call they go where they went.

esptool logs through one process-wide logger object (esp_pylib's EspLog); a context
variable says which sink the current call uses, so threads flashing several boards at
once (fleet) each get their own.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Iterator
from typing import Any

from boardkit.flash.base import Progress

_current_sink: contextvars.ContextVar[EsptoolSink | None] = contextvars.ContextVar(
    "boardkit_esptool_sink", default=None
)
_install_lock = threading.Lock()
_installed: bool | None = None


class EsptoolSink:
    """Where esptool's messages and progress go while one flash_esp call runs."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.lines: list[str] = []
        self.writing = False

    @contextlib.contextmanager
    def active(self) -> Iterator[EsptoolSink]:
        _install_logger()
        token = _current_sink.set(self)
        try:
            yield self
        finally:
            _current_sink.reset(token)

    def on_progress(self, current: int, total: int) -> None:
        if self.progress is not None and self.writing and total > 0:
            self.progress(min(self.total, round(current * self.total / total)), self.total)


def _install_logger() -> None:
    """Route esptool's log through a logger that hands each call's output to its sink.

    Installed once per process; outside flash_esp it forwards to the logger esptool had.
    """
    global _installed
    with _install_lock:
        if _installed is not None:
            return
        from esp_pylib.logger import EspLog, EspLogBase

        previous = EspLog.instance

        class BoardkitEsptoolLog(EspLogBase):
            def _sink(self) -> EsptoolSink | None:
                return _current_sink.get()

            def _text(self, *args: Any, **kwargs: Any) -> bool:
                sink = self._sink()
                if sink is None:
                    return False
                sink.lines.append(" ".join(str(a) for a in args))
                return True

            def print(self, *args: Any, **kwargs: Any) -> None:
                if not self._text(*args) and previous is not None:
                    previous.print(*args, **kwargs)

            def err(self, *args: Any, suggestion: Any = None) -> None:
                if not self._text(*args) and previous is not None:
                    previous.err(*args, suggestion=suggestion)

            def warn(self, *args: Any, suggestion: Any = None) -> None:
                if not self._text(*args) and previous is not None:
                    previous.warn(*args, suggestion=suggestion)

            def note(self, *args: Any) -> None:
                if not self._text(*args) and previous is not None:
                    previous.note(*args)

            def hint(self, *args: Any) -> None:
                if not self._text(*args) and previous is not None:
                    previous.hint(*args)

            def debug(self, *args: Any) -> None:
                if not self._text(*args) and previous is not None:
                    previous.debug(*args)

            def stage(self, finish: bool = False) -> None:
                if self._sink() is None and previous is not None:
                    previous.stage(finish)

            def set_verbosity(self, mode: Any) -> None:
                if previous is not None:
                    previous.set_verbosity(mode)

            def progress_bar(
                self, cur_iter: int, total_iters: int, prefix: str = "", suffix: str = "", bar_length: int = 30
            ) -> None:
                sink = self._sink()
                if sink is not None:
                    sink.on_progress(cur_iter, total_iters)
                elif previous is not None:
                    previous.progress_bar(cur_iter, total_iters, prefix, suffix, bar_length)

        EspLog.set_logger(BoardkitEsptoolLog())
        _installed = True
