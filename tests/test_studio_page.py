"""The studio page in Chromium, Python in the page: run, stop, input(), the traceback's line
link, the micro:bit check, autosave, the static build, and the page's network log."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest

from cli_helpers import boardkit
from studio_helpers import chromium, open_page, run_in_page, studio_server, wait

pytestmark = pytest.mark.studio


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server():
    with studio_server() as s:
        yield s


@pytest.fixture
def page(browser, server):
    page = open_page(browser, server.base_url)
    yield page
    page.context.close()


def test_print_streams_to_the_terminal(page):
    text = run_in_page(page, 'for i in range(3):\n    print("line", i)\n')
    assert "line 0\nline 1\nline 2" in text
    assert page.evaluate("crossOriginIsolated") is True


def test_a_traceback_links_to_its_line_in_the_editor(page):
    run_in_page(page, "def f():\n    return 1 / 0\n\nprint('start')\nf()\n")
    link = page.locator("#error-line")
    assert link.inner_text() == "line 2"
    assert "ZeroDivisionError" in page.inner_text("#error")
    assert page.evaluate("studio.cursorLine()") == 1
    link.click()
    assert page.evaluate("studio.cursorLine()") == 2
    # the traceback's lines in the terminal are links as well
    row = page.locator(".xterm-rows > div", has_text='File "<stdin>", line 5, in <module>')
    box = row.bounding_box()
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + 40, box["y"] + box["height"] / 2)
    wait(page, "studio.cursorLine() === 5")


def test_stop_ends_a_busy_loop_and_the_next_run_works(page):
    page.evaluate("studio.setCode('print(\"looping\")\\nwhile True:\\n    pass\\n')")
    page.click("#run")
    wait(page, "studio.terminalText().includes('looping')")
    page.click("#stop")
    # xterm parses a write on a later tick: runs counts up before "[stopped]" is in its buffer
    wait(page, "studio.runs >= 1 && studio.terminalText().includes('[stopped]')")
    assert "after the stop" in run_in_page(page, 'print("after the stop")')


def test_input_reads_a_line_typed_in_the_terminal(page):
    page.evaluate('studio.setCode(\'name = input("name? ")\\nprint("hello", name.upper())\\n\')')
    page.click("#run")
    wait(page, "studio.waitingInput")
    page.keyboard.type("ada")
    page.keyboard.press("Enter")
    wait(page, "studio.runs >= 1")
    text = page.evaluate("studio.terminalText()")
    assert "name? ada\nhello ADA" in text


def _saved(code: str) -> str:
    """An init script that puts code in the editor's autosave slot before the page starts."""
    return f"localStorage.setItem('boardkit-studio:code', {code!r})"


def test_a_run_link_runs_the_saved_program_before_the_editor_and_hands_it_over(browser, server):
    # boot.js runs it into a plain <pre>; app.js then moves it into the terminal, input() and all
    code = 'print("early")\nname = input("name? ")\nprint("hi", name)\n'
    page = open_page(browser, server.base_url + "#run", _saved(code))
    wait(page, "studio.waitingInput")
    marks = page.evaluate("({...studio.marks, first: studio.firstOutputAt})")
    assert "adopted" in marks and "first" in marks, marks
    assert page.locator("#early-output").count() == 0
    page.keyboard.type("ada")
    page.keyboard.press("Enter")
    wait(page, "studio.runs >= 1")
    assert "early\nname? ada\nhi ada" in page.evaluate("studio.terminalText()")
    assert "again" in run_in_page(page, 'print("again")')
    page.context.close()


def test_stop_ends_a_busy_loop_started_by_a_run_link(browser, server):
    page = open_page(browser, server.base_url + "#run", _saved('print("looping")\nwhile True:\n    pass\n'))
    wait(page, "studio.terminalText().includes('looping')")
    page.click("#stop")
    wait(page, "studio.runs >= 1 && studio.terminalText().includes('[stopped]')")
    assert "after the stop" in run_in_page(page, 'print("after the stop")')
    page.context.close()


def test_the_check_marks_what_the_microbit_lacks(page):
    page.select_option("#target", "microbit")
    page.evaluate('studio.setCode(\'import json\\nname = "x"\\nprint(f"hi {name}")\\n\')')
    problems = wait(page, "studio.problems.length >= 2 && studio.problems")
    assert {(p["line"], p["feature"]) for p in problems} == {(1, "module:json"), (3, "fstring")}
    assert page.locator(".cm-lintRange-error").count() >= 2
    page.select_option("#target", "browser")  # the wasm build has both
    wait(page, "studio.problems.length === 0")


def test_the_editor_autosaves_across_a_reload(page):
    page.evaluate("studio.setCode('print(\"kept\")  # autosaved\\n')")
    page.wait_for_timeout(500)  # the autosave runs 200 ms after the last change
    page.reload()
    wait(page, "window.studio && window.studio.ready")
    assert page.evaluate("studio.code()") == 'print("kept")  # autosaved\n'


def test_the_page_asks_nothing_of_any_other_machine(page, server):
    run_in_page(page, 'print("hi")')
    assert page.requests, "no request seen"
    outside = [u for u in page.requests if not u.startswith(server.base_url) and not u.startswith("data:")]
    assert outside == []
    assert page.errors == []


def test_responses_carry_the_security_headers(page, server):
    response = page.request.get(server.base_url)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp
    assert response.headers["cross-origin-embedder-policy"] == "require-corp"


class _IsolatedHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
    }

    def end_headers(self) -> None:
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_studio_build_writes_a_page_that_runs_without_the_server(browser, tmp_path):
    out = tmp_path / "site"
    result = boardkit("studio", "build", str(out))
    assert result.returncode == 0, result.stderr.decode()
    assert {p.name for p in out.rglob("*")} >= {
        "index.html",
        "app.js",
        "worker.js",
        "micropython.wasm",
        "features.json",
    }
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_IsolatedHandler, directory=str(out)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = open_page(browser, f"http://127.0.0.1:{httpd.server_address[1]}/index.html")
        assert page.evaluate("studio.session.role") == "static"
        assert "static 42" in run_in_page(page, 'print("static", 6 * 7)')
        page.context.close()
    finally:
        httpd.shutdown()
