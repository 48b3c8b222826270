"""websockets' client connection, with WebREPL's binary frames taken aside as they arrive.

websockets hands a reader messages without saying whether they came as text or binary
when asked for raw bytes; WebREPL needs to know (text is the REPL, binary the file
transfer). This subclass sends binary frames (and their continuations) to `binary_sink`
and leaves everything else to websockets.
"""

from __future__ import annotations

from collections.abc import Callable

from websockets.frames import Frame, Opcode
from websockets.sync.client import ClientConnection


class WebReplConnection(ClientConnection):
    """A ClientConnection whose binary frames go to binary_sink (once it is set)."""

    binary_sink: Callable[[bytes], None] | None = None
    _in_binary = False  # the frames being received continue a binary message

    def process_event(self, event: object) -> None:
        sink = self.binary_sink
        if sink is not None and self.response is not None and isinstance(event, Frame):
            binary = event.opcode is Opcode.BINARY or (event.opcode is Opcode.CONT and self._in_binary)
            if event.opcode in (Opcode.BINARY, Opcode.TEXT):
                self._in_binary = event.opcode is Opcode.BINARY and not event.fin
            elif binary:
                self._in_binary = not event.fin
            if binary:
                sink(bytes(event.data))
                return
        super().process_event(event)  # type: ignore[arg-type]
