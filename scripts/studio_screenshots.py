"""Take docs/studio.md's screenshots from the real page in headless Chromium.

    BOARDKIT_HOME=$(mktemp -d) .venv/bin/python scripts/studio_screenshots.py
Starts three wasm virtual boards (stopped at the end) and a studio with a roster of them.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from boardkit import virtual  # noqa: E402
from studio_helpers import chromium, open_page, run_in_page, studio_server, wait  # noqa: E402

IMG = ROOT / "docs" / "img"
PROGRAM = 'import json\nname = input("Your name? ")\nprint(f"Hello, {name}!")\nprint(10 / 0)\n'


def main() -> None:
    seats = {"ada": "shot-wasm1", "ben": "shot-wasm2", "cleo": "shot-wasm3"}
    for board in seats.values():
        virtual.start("wasm", name=board)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            roster = Path(tmp) / "classroom.toml"
            roster.write_text(
                '[class]\nname = "7C"\n\n'
                + "".join(f'[seats.{s}]\nboard = "virtual_wasm"\nvirtual = "{b}"\n\n' for s, b in seats.items())
            )
            with studio_server(roster) as server, chromium() as browser:
                page = open_page(browser, server.base_url)
                page.set_viewport_size({"width": 1100, "height": 560})
                page.select_option("#target", "microbit")
                page.evaluate("code => studio.setCode(code)", PROGRAM)
                page.click("#run")
                wait(page, "studio.waitingInput")
                page.keyboard.type("Ada")
                page.keyboard.press("Enter")
                wait(page, "studio.runs >= 1")
                page.wait_for_timeout(500)
                page.screenshot(path=str(IMG / "studio-pupil.png"))
                teacher = open_page(browser, server.links().teacher)
                teacher.set_viewport_size({"width": 1100, "height": 640})
                wait(
                    teacher,
                    "Object.values(studio.seats || {}).length === 3 && "
                    "Object.values(studio.seats).every(s => s.reachable)",
                    60,
                )
                run_in_page(teacher, 'print("hello from the teacher")')
                teacher.click("#t-run")
                wait(teacher, "studio.teacherOps.some(m => m.op === 'run')", 60)
                teacher.wait_for_timeout(300)
                teacher.screenshot(path=str(IMG / "studio-teacher.png"))
    finally:
        for board in seats.values():
            if virtual.find(board):
                virtual.stop(board)


if __name__ == "__main__":
    main()
