"""Helpers for the studio's tests: a studio server, headless Chromium (Debian's), polling.

The page's Content-Security-Policy forbids eval, which Playwright's wait_for_function uses;
`wait(page, expr)` polls page.evaluate instead (the DevTools protocol is not bound by the CSP).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from boardkit.conformance.targets.browser import chromium_path
from boardkit.studio import StudioConfig, StudioServer

# Chromium's own traffic (updates, safe browsing, ...) off: the network log then holds only
# what the page asks for.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
    "--disable-domain-reliability",
]


def wait(page, expr: str, timeout: float = 20.0) -> object:
    """Poll a JavaScript expression until it is truthy; its value."""
    end = time.monotonic() + timeout
    while True:
        value = page.evaluate(expr)
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"still false after {timeout} s: {expr}")
        time.sleep(0.02)


@contextlib.contextmanager
def studio_server(roster: Path | None = None, **kw) -> Iterator[StudioServer]:
    server = StudioServer(StudioConfig(port=0, roster=roster, **kw))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_page(browser, url: str, init_script: str | None = None):
    """A fresh context (empty storage) with the studio page loaded and ready."""
    context = browser.new_context()
    page = context.new_page()
    page.requests = []  # every URL the page asked for
    page.on("request", lambda r: page.requests.append(r.url))
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    if init_script:
        page.add_init_script(script=init_script)
    page.goto(url)
    wait(page, "window.studio && window.studio.ready")
    return page


def run_in_page(page, code: str) -> str:
    """Put code in the editor, press Run, wait for the end; the terminal's text."""
    runs = page.evaluate("studio.runs || 0")
    page.evaluate("code => studio.setCode(code)", code)
    page.click("#run")
    wait(page, f"(studio.runs || 0) > {runs}")
    return str(page.evaluate("studio.terminalText()"))
