"""The page's raw-REPL client on real MicroPython: virtual boards reached through the studio
server's bridge, and through Web Serial (a fake navigator.serial, tests/studio_fake_serial.js,
forwarding the bytes to the same board); main.py saved from the page and read back with the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import boardkit
from studio_helpers import chromium, open_page, studio_server, wait

pytestmark = pytest.mark.studio
FAKE_SERIAL = (Path(__file__).parent / "studio_fake_serial.js").read_text()


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server():
    with studio_server() as s:
        yield s


def connect_via_server(page, board_name: str) -> None:
    wait(page, f"[...document.querySelectorAll('#server-board option')].some(o => o.value === '{board_name}')")
    page.select_option("#server-board", board_name)
    page.click("#connect-server")
    wait(page, "(studio.boardStatus || '').startsWith('connected')")


def exercise_board(page, board_name: str, tag: str) -> None:
    """Run with streamed output, save main.py, list files; main.py read back with the CLI."""
    program = f'for i in range(3):\n    print("{tag}", i * 7)\n'
    page.evaluate("code => studio.setCode(code)", program)
    page.click("#board-run")
    wait(page, "studio.boardStatus === 'program ended'", timeout=30)
    assert f"{tag} 14" in page.evaluate("studio.terminalText()")
    page.click("#board-save")
    wait(page, "(studio.boardStatus || '').startsWith('saved main.py')", timeout=60)
    page.click("#board-files")
    files = wait(page, "studio.boardFiles", timeout=30)
    assert "main.py" in [f["name"] for f in files]
    assert "main.py.bktmp" not in [f["name"] for f in files]
    page.click("#board-disconnect")
    result = boardkit("-p", board_name, "cat", "main.py", timeout=60)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().replace("\r\n", "\n") == program


def test_a_wasm_board_through_the_server(browser, server, wasm_board):
    page = open_page(browser, server.base_url)
    connect_via_server(page, wasm_board.name)
    exercise_board(page, wasm_board.name, "wasm-bridge")
    page.context.close()


def test_a_program_on_the_board_is_stopped_and_its_traceback_linked(browser, server, wasm_board):
    page = open_page(browser, server.base_url)
    connect_via_server(page, wasm_board.name)
    page.evaluate("studio.setCode('import time\\nprint(\"spinning\")\\nwhile True:\\n    time.sleep(0.01)\\n')")
    page.click("#board-run")
    wait(page, "studio.terminalText().includes('spinning')", timeout=30)
    page.click("#board-stop")
    wait(page, "(studio.boardStatus || '').startsWith('error: KeyboardInterrupt')", timeout=30)
    assert page.locator("#error-line").inner_text() == "line 4"
    page.context.close()


@pytest.mark.microbit
def test_a_microbit_through_the_server(browser, server, microbit_board):
    page = open_page(browser, server.base_url)
    connect_via_server(page, microbit_board.name)
    exercise_board(page, microbit_board.name, "microbit-bridge")
    page.context.close()


def test_web_serial_drives_a_board_with_the_same_client(browser, server, wasm_board):
    # The fake navigator.serial (a test double) carries bytes over the server's bridge to the
    # board; everything from requestPort() up is the page's own code.
    page = open_page(browser, server.base_url, init_script=FAKE_SERIAL.replace("__BOARD__", wasm_board.name))
    page.click("#connect-usb")
    wait(page, "studio.boardStatus === 'connected: USB serial'")
    exercise_board(page, wasm_board.name, "web-serial")
    page.context.close()


def test_a_board_that_goes_away_is_named_and_found_again(browser, server):
    from boardkit import virtual

    board = virtual.start("wasm", name="studio-away")
    try:
        page = open_page(browser, server.base_url)
        connect_via_server(page, board.name)
        page.evaluate(
            "studio.setCode('import time\\nfor i in range(100):\\n    print(\"tick\", i)\\n    time.sleep(0.05)\\n')"
        )
        page.click("#board-run")
        wait(page, "studio.terminalText().includes('tick 2')", timeout=30)
        virtual.stop(board.name)
        status = wait(page, "(studio.boardStatus || '').includes('board lost') && studio.boardStatus", timeout=30)
        assert "went away" in status or "lost" in status
        assert page.locator("#board-bar").is_hidden()
        virtual.start("wasm", name="studio-away")
        wait(page, "(studio.boardStatus || '').startsWith('connected')", timeout=60)
        page.evaluate("studio.setCode('print(\"back\", 6 * 7)')")
        page.click("#board-run")
        wait(page, "studio.boardStatus === 'program ended'", timeout=30)
        assert "back 42" in page.evaluate("studio.terminalText()")
        page.context.close()
    finally:
        if virtual.find("studio-away"):
            virtual.stop("studio-away")


def test_the_terminal_is_the_boards_repl_and_reset_restarts_it(browser, server, wasm_board):
    page = open_page(browser, server.base_url)
    connect_via_server(page, wasm_board.name)
    page.click("#terminal")
    page.keyboard.type("\r")
    page.keyboard.type("x = 6 * 7\r")
    page.keyboard.type("print('answer', x)\r")
    wait(page, "studio.terminalText().includes('answer 42')", timeout=30)
    page.click("#board-reset")
    wait(page, "studio.boardStatus === 'reset'", timeout=30)
    page.click("#terminal")
    page.keyboard.type("print('x' in globals())\r")
    wait(page, "studio.terminalText().trimEnd().split('\\n').slice(-3).join('\\n').includes('False')", timeout=30)
    page.context.close()
