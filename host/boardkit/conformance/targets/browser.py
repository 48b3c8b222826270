"""The `browser` target: the same npm WebAssembly build in headless Chromium, driven by Playwright.

The page loads micropython.mjs from a small local HTTP server (browsers will not load wasm
from file://) into a Web Worker and exposes runTest(code, ms) -> {out, error, traceback,
crashed}. Tests run one after another in one interpreter, each with fresh globals and a
gc.collect() after it; a test that times out or crashes the interpreter gets a new worker.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from boardkit import wasm_runtime
from boardkit.conformance.targets.base import Outcome, Target
from boardkit.errors import BoardkitError, InvalidInput

# The interpreter runs in a module Web Worker, so a test that never ends, or one that crashes
# the WebAssembly instance, costs that worker only: the page terminates it (timeout) or sees
# it fail and starts a fresh one, and the next test runs as usual.
WORKER = """import { loadMicroPython } from "./micropython.mjs";
let out = [];
const decoder = new TextDecoder();
const mp = await loadMicroPython({ stdout: (b) => { for (const x of b) out.push(x); }, linebuffer: false });
const RESET = "def _bk_reset(g=globals()):\\n for k in [k for k in g if not k.startswith('__')]:\\n  del g[k]\\n"
  + " import gc\\n gc.collect()\\n_bk_reset()\\n";
onmessage = (event) => {
  out = [];
  let error = null, traceback = "", crashed = false;
  try {
    mp.runPython(event.data.code);
  } catch (e) {
    const text = String(e.message || e).trim();
    const lines = text.split("\\n");
    if (e.name === "PythonError") { error = lines[lines.length - 1]; traceback = text; }
    else { error = "the interpreter crashed: " + (e.name || "Error") + ": " + text; crashed = true; }
  }
  const text = decoder.decode(new Uint8Array(out));
  if (!crashed) { try { mp.runPython(RESET); } catch (e) { /* the next test shows it */ } }
  postMessage({ out: text, error, traceback, crashed });
};
out = [];
mp.runPython("import sys\\nprint('.'.join(str(v) for v in sys.implementation.version[:3])"
  + " + ' on ' + sys.implementation._machine)");
postMessage({ ready: true, version: decoder.decode(new Uint8Array(out)).trim() });
"""

PAGE = """<!doctype html><meta charset="utf-8"><title>boardkit conformance</title>
<script type="module">
let worker = null;
let ready = null;
function start() {
  worker = new Worker("./boardkit-worker.mjs", { type: "module" });
  ready = new Promise((resolve, reject) => {
    worker.onmessage = (e) => { if (e.data.ready) { window.version = e.data.version; resolve(); } };
    worker.onerror = (e) => reject(new Error("the worker did not start: " + e.message));
  });
  return ready;
}
window.runTest = async (code, timeoutMs) => {
  await ready;
  return await new Promise((resolve) => {
    const restart = (reply) => { worker.terminate(); start(); resolve(reply); };
    const timer = setTimeout(() => restart({ out: "", error: "timeout", traceback: "", crashed: false }), timeoutMs);
    worker.onmessage = (e) => {
      clearTimeout(timer);
      if (e.data.crashed) { restart(e.data); } else { resolve(e.data); }
    };
    worker.onerror = (e) => {
      clearTimeout(timer);
      restart({ out: "", error: "the interpreter crashed: " + e.message, traceback: "", crashed: true });
    };
    worker.postMessage({ code });
  });
};
start().then(() => { window.boardkitReady = true; });
</script>
"""  # noqa: E501 - the page's JavaScript, one statement a line


def runtime_dir() -> Path:
    return wasm_runtime.ensure().package


def chromium_path() -> str:
    found = os.environ.get("BOARDKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise InvalidInput(
            "the browser target needs Chromium", hint="apt-get install chromium (or `make setup` as root)"
        )
    return found


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
    }

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        served = {
            "/": (PAGE, "text/html"),
            "/index.html": (PAGE, "text/html"),
            "/boardkit-worker.mjs": (WORKER, "text/javascript"),
        }
        if self.path in served:
            text, kind = served[self.path]
            body = text.encode()
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


class BrowserTarget(Target):
    """One headless Chromium page running MicroPython's WebAssembly build."""

    name = "browser"

    @classmethod
    def prepare(cls, on_note: Callable[[str], None] | None = None) -> None:
        """The npm runtime the page loads, installed on first use (on_note hears when)."""
        wasm_runtime.ensure(on_note)

    def __init__(self) -> None:
        runtime = runtime_dir()
        if not (runtime / "micropython.mjs").is_file():
            raise InvalidInput("the WebAssembly runtime is not installed", hint="run `boardkit doctor --install`")
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise InvalidInput("the browser target needs Playwright", hint="pip install playwright") from None
        self._error = PlaywrightError
        self._server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(_Handler, directory=str(runtime))
        )
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self._pw = sync_playwright().start()
        try:
            # --no-sandbox: Chromium's sandbox refuses to run as root (CI machines).
            self._browser = self._pw.chromium.launch(
                executable_path=chromium_path(), headless=True, args=["--no-sandbox"]
            )
            self._page = self._browser.new_page()
            self._page.goto(f"http://127.0.0.1:{self._server.server_address[1]}/")
            self._page.wait_for_function("window.boardkitReady === true", timeout=30_000)
            version = self._page.evaluate("window.version")
        except Exception:
            self.close()
            raise
        self.description = (
            f"MicroPython {version.split(' on ')[0]} (WebAssembly, Chromium {self._browser.version.split('.')[0]})"
        )

    def run(self, code: str, timeout: float = 10.0) -> Outcome:
        """One test in the page's worker; a timeout or a crash ends that worker (the page
        starts a fresh one for the next test)."""
        try:
            reply = self._page.evaluate("([code, ms]) => window.runTest(code, ms)", [code, int(timeout * 1000)])
        except self._error as exc:
            return Outcome("", f"browser: {str(exc).splitlines()[0]}", broken=True)
        return Outcome(reply["out"], reply["error"], broken=bool(reply["crashed"]), traceback=reply["traceback"])

    def recover(self) -> bool:
        """The page has started a fresh worker already; wait until it answers."""
        try:
            self._page.evaluate("window.runTest('pass', 30000)")
        except self._error as exc:
            raise BoardkitError(f"the browser page stopped responding: {str(exc).splitlines()[0]}") from None
        return True

    def close(self) -> None:
        steps: tuple[Callable[[], object], ...] = (self._browser.close, self._pw.stop, self._server.shutdown)
        for step in steps:
            try:
                step()
            except Exception:  # noqa: BLE001 - closing down: nothing more to do about it
                pass
