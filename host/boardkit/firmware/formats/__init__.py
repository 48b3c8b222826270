"""Image formats, one module each, found by name in IMAGE_FORMATS.

An image format knows how to recognise its files (`matches`), check one whole
(`check_data`: truncated, corrupt, built for another chip?), what chip it declares, and
how to put a kit's files into a firmware image of its kind (`build_kit`). Board files name
a release's format; boards/schema.py accepts the names registered here.

    fmt = image_format("uf2")
    info = fmt.check(Path("RPI_PICO.uf2"), uf2_family=0xE48BFF56)

A new format is one module with an ImageFormat subclass, registered under
"boardkit.image_formats" (an entry point) or with IMAGE_FORMATS.register(name, cls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from boardkit.errors import FirmwareError, InvalidInput
from boardkit.registry import Registry

if TYPE_CHECKING:
    from boardkit.boards import Board


@dataclass
class ImageInfo:
    """What a check found: the format, the size, the chip the image is for, and details."""

    format: str
    size: int
    chip: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


class ImageFormat:
    """One firmware image format. Subclasses set the class data and override the methods."""

    name: ClassVar[str] = ""
    suffix: ClassVar[str] = ""  # the file name suffix of its images (".hex")
    kit_suffix: ClassVar[str | None] = None  # of its kit images, when not `suffix`
    title: ClassVar[str] = "an image"  # for messages: "X is <title>"
    needs_file: ClassVar[bool] = True  # False: the image need not be a file (a runtime folder)

    def matches(self, data: bytes) -> bool:
        """Do these bytes look like this format (a quick look at the start, not a check)?"""
        return False

    def declared_chip(self, data: bytes) -> str | None:
        """The chip the image says it is built for, when the format records one."""
        return None

    def check_data(
        self, name: str, data: bytes, *, chip: str | None = None, uf2_family: int | None = None
    ) -> ImageInfo:
        """Check a whole image; FirmwareError (message names `name`, with a hint) if it is
        truncated, corrupt or built for another chip than `chip`."""
        return ImageInfo(format=self.name, size=len(data), chip=chip)

    def check(self, path: Path, *, chip: str | None = None, uf2_family: int | None = None) -> ImageInfo:
        """Read the image at `path` and check it (see check_data)."""
        path = Path(path)
        if not self.needs_file:
            return ImageInfo(format=self.name, size=path.stat().st_size if path.is_file() else 0, chip=chip)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise FirmwareError(f"cannot read {path}: {exc.strerror or exc}", hint="check the path") from None
        if not data:
            raise FirmwareError(f"{path.name} is empty", hint="download or copy it again")
        return self.check_data(path.name, data, chip=chip, uf2_family=uf2_family)

    def check_whole(self, name: str, info: ImageInfo, offset: int) -> None:
        """Refuse an image that checks out but is not what a release of this format is
        (e.g. a lone ESP app where a merged image belongs). Nothing to refuse by default."""

    def build_kit(self, firmware: Path, files: dict[str, bytes], board: Board) -> bytes:
        """The firmware image with `files` inside the board's filesystem."""
        raise InvalidInput(f"kits for {board.name} are not supported yet ({self.name} images)")

    @classmethod
    def kit_file_suffix(cls) -> str:
        return cls.kit_suffix if cls.kit_suffix is not None else cls.suffix


IMAGE_FORMATS: Registry[type[ImageFormat]] = Registry(
    "image format",
    "boardkit.image_formats",
    {
        "esp-bin": "boardkit.firmware.formats.esp:EspBinFormat",
        "hex": "boardkit.firmware.formats.hex:HexFormat",
        "uf2": "boardkit.firmware.formats.uf2:Uf2Format",
        "virtual": "boardkit.firmware.formats.virtual:VirtualFormat",
    },
)


def image_format(name: str) -> ImageFormat:
    """The format registered as `name` (InvalidInput naming the known ones if none)."""
    return IMAGE_FORMATS.get(name)()


def format_for_suffix(suffix: str) -> ImageFormat | None:
    """The format whose image files end in `suffix` (".uf2"), or None."""
    for name in IMAGE_FORMATS.names():
        fmt = image_format(name)
        if fmt.suffix and fmt.suffix == suffix.lower():
            return fmt
    return None


def identify(data: bytes) -> ImageFormat | None:
    """The registered format these bytes look like, or None."""
    for name in IMAGE_FORMATS.names():
        fmt = image_format(name)
        if fmt.matches(data):
            return fmt
    return None


def check_image(path: Path, fmt: str, chip: str | None = None, uf2_family: int | None = None) -> ImageInfo:
    """Check the image at `path` as format `fmt`; FirmwareError if it is truncated, corrupt or
    for another chip."""
    return image_format(fmt).check(Path(path), chip=chip, uf2_family=uf2_family)
