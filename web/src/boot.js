// The page's first and only <script>: small, so it runs at once. It starts the MicroPython
// worker and, for a link ending in #run (or Run pressed early), runs the saved program into a
// plain <pre> while the editor and terminal (app.js, ~20x larger) load. app.js is imported
// only after that first output has been painted: evaluating it holds the main thread for
// hundreds of ms, and the worker's output could not be shown meanwhile. app.js then takes the
// running program over (PageRunner.adopt): output so far, a pending input(), the result.
import { savedCode } from "./saved.js";

const INPUT_BYTES = 4096; // the input() line buffer shared with the worker (runner.js)
const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL(__WORKER_JS__, document.baseURI), { type: "module" });
const boot = (window.__bkBoot = {
  worker,
  marks: { boot: performance.now() },
  inputBuffer: self.crossOriginIsolated ? new SharedArrayBuffer(8 + INPUT_BYTES) : null,
  run: null, // the program started here, until app.js adopts it
  ready: new Promise((resolve, reject) => {
    worker.onmessage = (e) => { if (e.data.type === "ready") { workerMarks(e.data); resolve(e.data); } };
    worker.onerror = (e) => reject(new Error(e.message || "the MicroPython worker did not start"));
  }),
});

// the worker's own clock marks, on the page's clock (for bench_studio.py and the curious)
function workerMarks(m) {
  const at = (t) => t - performance.timeOrigin;
  Object.assign(boot.marks, { workerStarted: at(m.startedAt), workerImported: at(m.importedAt), workerLoaded: at(m.loadedAt), worker: performance.now() });
}

let app = null;
const loadApp = () => { app = app || import(new URL(__APP_JS__, document.baseURI).href); };
// after the next frame is painted: what was just written is on the screen first
const afterPaint = (fn) => requestAnimationFrame(() => setTimeout(fn, 0));

function runEarly() {
  if (boot.run) return;
  const pre = document.createElement("pre");
  pre.id = "early-output";
  $("terminal").append(pre);
  $("run").disabled = true;
  $("stop").disabled = false;
  const run = (boot.run = { code: savedCode(), output: "", waitingInput: false, done: null });
  run.posted = boot.ready.then(() => {
    worker.onmessage = (e) => {
      const msg = e.data;
      if (msg.type === "out") {
        run.output += msg.text;
        pre.textContent = run.output;
        if (boot.firstOutputAt === undefined) {
          boot.firstOutputAt = performance.now();
          // the frame that paints it begins: what a pupil sees, for bench_studio.py
          requestAnimationFrame(() => { boot.marks.firstShown = performance.now(); setTimeout(loadApp, 0); });
        }
      } else if (msg.type === "input") {
        run.waitingInput = true;
        afterPaint(loadApp); // the terminal is where the line is typed
      } else if (msg.type === "done") {
        run.done = { stopped: false, error: msg.error };
        loadApp();
      }
    };
    worker.postMessage({ type: "run", code: run.code, input: boot.inputBuffer });
  });
  run.posted.catch(loadApp); // no interpreter: the page says why once it has loaded
  $("stop").onclick = () => {
    if (run.done) return;
    worker.terminate();
    run.done = { stopped: true, error: null };
    loadApp();
  };
}

$("run").onclick = runEarly; // main.js replaces it
if (location.hash === "#run") {
  runEarly(); // a link that runs at once
  setTimeout(loadApp, 1000); // a slow interpreter must not keep the editor away for long
} else {
  loadApp();
}
