"""boardkit studio: a page that runs MicroPython in the browser and reaches real boards.

    from boardkit import studio
    server = studio.StudioServer(studio.StudioConfig(roster=Path("classroom.toml")))
    server.start()                 # a background thread; server.url, server.links
    ...
    server.stop()
    studio.build_static(Path("site"))   # the page alone, for static hosting

assets.py     the built page (shipped in the package), the wasm runtime, the feature data
auth.py       tokens (teacher, classroom, one per seat), Host and Origin checks, headers
bridge.py     a WebSocket <-> board byte relay (any URL boardkit reaches, or a seat's board)
classroom.py  the teacher's actions over boardkit.fleet, as events for the page's tiles
server.py     HTTP + WebSocket on one port (the websockets library)
"""

from __future__ import annotations

from boardkit.studio.assets import build_static
from boardkit.studio.server import StudioConfig, StudioServer

__all__ = ["StudioConfig", "StudioServer", "build_static"]
