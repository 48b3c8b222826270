"""docs/boards.md: the catalogue as Markdown tables (`boardkit boards --markdown`)."""

from __future__ import annotations

from boardkit.boards.model import Board, version_key


def size_text(n: int | None) -> str:
    """4194304 -> "4 MB", 16384 -> "16 KB" (binary units, as datasheets write them)."""
    if not n:
        return "—"
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            value = n / scale
            return f"{value:g} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{n} B"


def boards_markdown(boards: dict[str, Board]) -> str:
    """The content of docs/boards.md (generated: `boardkit boards --markdown > docs/boards.md`)."""
    out = [
        "# Boards",
        "",
        "<!-- Generated from boards/*.toml by `boardkit boards --markdown`; do not edit by hand. -->",
        "",
        "The boards boardkit knows. Each row is one file under `boards/`; adding a board is adding a file",
        "(see [boards-and-firmware.md](boards-and-firmware.md)).",
        "",
        "| id | name | chip | method | flash | RAM | filesystem | USB VID:PID |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for b in boards.values():
        fs = b.fs.kind
        if b.fs.offset is not None and b.fs.size is not None:
            fs += f" at {b.fs.offset:#x}, {size_text(b.fs.size)}"
        usb = ", ".join(f"{vid:04x}:{pid:04x}" for vid, pid in b.usb) or "—"
        out.append(
            f"| `{b.id}` | {b.name} | {b.chip} | {b.method} | {size_text(b.flash_size)} "
            f"| {size_text(b.ram_size)} | {fs} | {usb} |"
        )
    out += [
        "",
        "## Firmware",
        "",
        "`pinned` is a SHA-256 in the board's file; `on first download` means the hash is recorded in",
        "the lock file the first time the image is fetched (trust on first use).",
        "",
        "| board | flavour | version | format | offset | SHA-256 | source |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for b in boards.values():
        for r in sorted(b.releases, key=lambda r: (r.flavour, version_key(r.version)), reverse=True):
            pin = (
                f"pinned `{r.sha256[:12]}…`"
                if r.sha256
                else ("npm lock" if r.url.startswith("npm:") else "on first download")
            )
            offset = f"{r.offset:#x}" if r.format == "esp-bin" else "—"
            out.append(f"| `{b.id}` | {r.flavour} | {r.version} | {r.format} | {offset} | {pin} | {r.url} |")
    return "\n".join(out) + "\n"
