"""Is this file a whole, well-formed firmware image for this chip? One check per format.

The checks live with their formats (boardkit.firmware.formats: esp-bin, uf2, hex, virtual,
and any format a plugin registers); this module keeps the names callers import.
Every problem is a FirmwareError with a one-line message and a hint.
"""

from __future__ import annotations

from boardkit.firmware.formats import IMAGE_FORMATS, ImageInfo, check_image

__all__ = ["IMAGE_FORMATS", "ImageInfo", "check_image"]
