"""The studio page against Pyodide, in the same headless Chromium run.

Both pages are served from this machine with the same compression (brotli where the browser
asks for it; Pyodide's files over 1 MB at quality 9, not 11) and measured the same way:
  bytes     - bytes on the wire for the first load (compressed bodies + headers), the whole
              page: editor, terminal and interpreter for the studio; a minimal page for Pyodide
  cold_ms   - navigation to the first line printed by print("hi"), empty browser cache
  warm_ms   - the same with the browser's cache filled by a first visit (a reload)
  warm_painted_ms - studio: warm, to the start of the frame that paints that line
  stop_to_run_ms - studio: Stop during `while True: pass` to the next program's first output
              (the worker is ended, the spare one runs); Pyodide runs on the page's thread and
              cannot be stopped: a fresh loadPyodide() is what a restart would cost (shown)
Goals: studio bytes <= 400 KB, warm <= 150 ms, stop-to-run <= 100 ms.

Pyodide comes from npm (tests/bench/pyodide/package.json, pinned), installed here with
`npm ci` on first use.

    .venv/bin/python tests/bench/bench_studio.py [--runs 5]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import statistics
import subprocess
import sys
import threading
from pathlib import Path

import brotli

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # tests/ (studio_helpers)

from studio_helpers import chromium, studio_server, wait  # noqa: E402

PYODIDE = HERE / "pyodide"
PYODIDE_PAGE = """<!doctype html><meta charset="utf-8"><title>pyodide</title>
<script type="module">
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";
window.bench = {};
const py = await loadPyodide({ stdout: (line) => { if (bench.firstOutputAt === undefined) bench.firstOutputAt = performance.now(); } });
py.runPython('print("hi")');
window.bench.restart = async () => { const t = performance.now(); const p2 = await loadPyodide({ stdout: () => {} }); p2.runPython('print("hi")'); return performance.now() - t; };
window.bench.ready = true;
</script>
"""  # noqa: E501


def install_pyodide() -> None:
    if not (PYODIDE / "node_modules" / "pyodide" / "pyodide.mjs").is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PYODIDE, check=True)


class _Compressing(http.server.SimpleHTTPRequestHandler):
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".mjs": "text/javascript",
        ".zip": "application/zip",
        ".json": "application/json",
    }
    cache: dict[str, tuple[bytes, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        path = self.path.split("?")[0]
        if path in ("/", "/index.html"):
            body = PYODIDE_PAGE.encode()
        else:
            file = Path(self.translate_path(path))
            if not file.is_file():
                self.send_error(404)
                return
            body = file.read_bytes()
        if path not in self.cache:
            # quality 11 as the studio's server uses; 9 above 1 MB (11 takes a minute on the 9 MB wasm)
            quality = 11 if len(body) < 1 << 20 else 9
            self.cache[path] = (brotli.compress(body, quality=quality), gzip.compress(body, 9))
        accepted = self.headers.get("Accept-Encoding", "")
        etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path) if path not in ("/", "/index.html") else "text/html")
        self.send_header("ETag", etag)
        self.send_header("Cache-Control", "no-cache")
        if "br" in accepted:
            body = self.cache[path][0]
            self.send_header("Content-Encoding", "br")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def load(context, url: str, ready: str, first: str) -> tuple[float, int, float | None]:
    """Navigate; (ms from navigation to the first output, bytes on the wire, ms to the frame
    that paints it where the page marks that)."""
    page = context.new_page()
    sizes: list[int] = []

    def finished(request) -> None:
        try:
            s = request.sizes()
            sizes.append(s["responseBodySize"] + s["responseHeadersSize"])
        except Exception:  # noqa: BLE001 - a request that failed has no sizes
            pass

    page.on("requestfinished", finished)
    page.goto(url)
    wait(page, ready, timeout=120)
    value = float(wait(page, f"{first} !== undefined && {first}", timeout=120))
    shown = page.evaluate("window.studio && studio.marks && studio.marks.firstShown")
    page.wait_for_timeout(300)  # late requests (the spare worker) count too
    page.close()
    return value, sum(sizes), float(shown) if shown else None


def studio_stop_to_run(context, url: str) -> float:
    page = context.new_page()
    page.goto(url)
    wait(page, "window.studio && window.studio.ready")
    page.evaluate("() => { studio.setCode('while True:\\n    pass\\n'); studio.run(); }")  # not awaited
    page.wait_for_timeout(300)
    took = page.evaluate(
        """() => new Promise((resolve) => {
            const t = performance.now();
            studio.firstOutputAt = undefined;
            studio.stop();
            studio.setCode('print("hi")');
            studio.run();
            const poll = () =>
                studio.firstOutputAt !== undefined ? resolve(studio.firstOutputAt - t) : setTimeout(poll, 1);
            poll();
        })"""
    )
    page.close()
    return float(took)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    install_pyodide()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Compressing, directory=str(PYODIDE)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    pyodide_url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    out: dict[str, dict[str, object]] = {"studio": {}, "pyodide": {}}
    with studio_server() as server, chromium() as browser:
        studio_url = server.base_url + "#run"
        # the code every load runs, set before the page starts (its autosave slot)
        init = "localStorage.setItem('boardkit-studio:code', 'print(\"hi\")\\n')"
        for name, url, ready, first in (
            ("studio", studio_url, "window.studio && window.studio.ready", "studio.firstOutputAt"),
            ("pyodide", pyodide_url, "window.bench && window.bench.ready", "bench.firstOutputAt"),
        ):
            colds, warms, wire, shown = [], [], 0, []
            warmup = browser.new_context()  # the servers compress each file once, on first request
            warmup.add_init_script(script=init)
            load(warmup, url, ready, first)
            warmup.close()
            print(f"{name}: served once (compressed)", file=sys.stderr)
            for _ in range(args.runs):
                context = browser.new_context()
                context.add_init_script(script=init)
                cold, wire, _ = load(context, url, ready, first)
                warm, _, warm_shown = load(context, url, ready, first)
                if warm_shown is not None:
                    shown.append(warm_shown)
                colds.append(cold)
                warms.append(warm)
                print(f"{name}: cold {cold:.0f} ms, warm {warm:.0f} ms, {wire} bytes", file=sys.stderr)
                context.close()
            out[name] = {
                "bytes": wire,
                "cold_ms": round(statistics.median(colds), 1),
                "warm_ms": round(statistics.median(warms), 1),
            }
            if shown:  # the studio's first output reaching the screen (the frame that paints it)
                out[name]["warm_painted_ms"] = round(statistics.median(shown), 1)
        context = browser.new_context()
        context.add_init_script(script=init)
        out["studio"]["stop_to_run_ms"] = round(
            statistics.median(studio_stop_to_run(context, server.base_url) for _ in range(args.runs)), 1
        )
        page = context.new_page()
        page.goto(pyodide_url)
        wait(page, "window.bench && window.bench.ready", timeout=120)
        out["pyodide"]["stop_to_run_ms"] = None
        out["pyodide"]["restart_ms"] = round(float(page.evaluate("bench.restart()")), 1)
        context.close()
    httpd.shutdown()
    out["goals"] = {"studio_bytes_max": 400 * 1024, "warm_ms_max": 150, "stop_to_run_ms_max": 100}
    out["runs"] = args.runs
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
