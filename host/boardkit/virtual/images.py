"""What a virtual board boots: its image, staged by start() and installed by the daemon.

Each kind says what its image is (kinds/): the micro:bit's is a .hex with its files inside
(as on a real board, where the hex is the whole flash); the wasm board's is its filesystem,
a .zip or a folder of files that replaces its host folder (fs/) wholesale.

start() stages the image as one file beside the board's state (`.image-XXXX.hex|.zip`) and
passes it to the daemon, which installs it only once it holds the board's name lock.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from boardkit.virtual.image_files import (
    Files,
    as_files,
    files_from_folder,
    files_from_zip,
    replace_folder,
    zip_files,
)

__all__ = ["as_files", "files_from_folder", "files_from_zip", "install", "replace_folder", "stage", "zip_files"]


def stage(kind: str, board_dir: Path, image: Path | None, files: Files) -> Path | None:
    """Build what the daemon installs; None when the board boots as it is."""
    from boardkit.virtual.kinds import (
        backend,  # reading installed kinds costs time: only when staging
    )

    if image is None and files is None:
        return None
    data, suffix = backend(kind).build_image(image, files)
    board_dir.mkdir(parents=True, exist_ok=True)
    fd, staged = tempfile.mkstemp(prefix=".image-", suffix=suffix, dir=board_dir)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(staged)


def install(kind: str, staged: Path, board_dir: Path, fs_dir: Path | None) -> Path | None:
    """Put a staged image in place; return what the backend should boot (e.g. the .hex), or None."""
    from boardkit.virtual.kinds import backend

    return backend(kind).install_image(Path(staged), board_dir, fs_dir)
