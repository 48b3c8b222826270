// One MicroPython interpreter in a Web Worker. The page ends a run by terminating this
// worker (nothing inside a `while True: pass` can be asked to stop), so one worker runs
// at most one program and is then thrown away.
//
// page -> worker: {type: "run", code, input: SharedArrayBuffer | null}
// worker -> page: {type: "ready"} | {type: "out", text} | {type: "input"}
//                 | {type: "done", error: null | {type, message}}
// input(): the worker posts {type: "input"} and sleeps in Atomics.wait on the shared
// buffer until the page writes a line into it (needs cross-origin isolation).

const FLUSH_MS = 20; // output is sent in batches: a postMessage per byte would drown the page
let pending = [];
let lastFlush = 0;
const decoder = new TextDecoder();

function flush() {
  if (pending.length) {
    self.postMessage({ type: "out", text: decoder.decode(new Uint8Array(pending), { stream: true }) });
    pending = [];
  }
  lastFlush = performance.now();
}

function onByte(bytes) {
  for (const b of bytes) pending.push(b);
  if (pending.length > 4096 || bytes.includes(10) || performance.now() - lastFlush > FLUSH_MS) flush();
}

let inputBuffer = null;

function readLine(prompt) {
  if (prompt !== undefined && prompt !== null) onByte(new TextEncoder().encode(String(prompt)));
  flush();
  if (!inputBuffer) {
    throw new Error("input() needs a cross-origin isolated page: open the studio through `boardkit studio`");
  }
  const ctrl = new Int32Array(inputBuffer, 0, 2);
  self.postMessage({ type: "input" });
  Atomics.wait(ctrl, 0, 0);
  const length = ctrl[1];
  const line = decoder.decode(new Uint8Array(inputBuffer, 8, length).slice());
  Atomics.store(ctrl, 0, 0);
  return line;
}

const startedAt = performance.timeOrigin + performance.now();
const base = new URL("./", self.location.href).href;
// The runtime asks for its .wasm only once its script has loaded: ask now, in parallel, and
// hand that response to its fetch (the same URL, once; any other fetch goes through).
const wasmUrl = new URL("mpy/micropython.wasm", base).href;
const wasmEarly = fetch(wasmUrl, { credentials: "same-origin" });
const realFetch = self.fetch;
self.fetch = (url, init) => {
  if (String(url) !== wasmUrl) return realFetch(url, init);
  self.fetch = realFetch;
  return wasmEarly;
};
const { loadMicroPython } = await import(base + "mpy/micropython.mjs");
const importedAt = performance.timeOrigin + performance.now();
const mp = await loadMicroPython({ stdout: onByte, stderr: onByte, linebuffer: false, heapsize: 8 * 1024 * 1024 });
mp.registerJsModule("_studio", { input: readLine });
mp.runPython("import builtins, _studio\nbuiltins.input = _studio.input\ndel builtins, _studio\n");

self.onmessage = (event) => {
  const msg = event.data;
  if (msg.type !== "run") return;
  inputBuffer = msg.input || null;
  let error = null;
  try {
    mp.runPython(msg.code);
  } catch (e) {
    error = e && e.name === "PythonError" ? { type: e.type, message: e.message } : { type: "Error", message: String(e) };
  }
  flush();
  self.postMessage({ type: "done", error });
};
self.postMessage({ type: "ready", startedAt, importedAt, loadedAt: performance.timeOrigin + performance.now() });
