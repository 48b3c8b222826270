// Runs the editor's program in the page: one MicroPython per Web Worker, a spare one always
// loading, so Stop (terminate the worker) and the next Run need not wait for a fresh start.

const INPUT_BYTES = 4096;

export class PageRunner {
  constructor({ onOutput, onInput, onDone }) {
    this.onOutput = onOutput;
    this.onInput = onInput;
    this.onDone = onDone;
    this.current = null;
    const boot = self.__bkBoot; // started by boot.js before this script
    self.__bkBoot = null;
    this.boot = boot;
    this.inputBuffer = boot ? boot.inputBuffer : self.crossOriginIsolated ? new SharedArrayBuffer(8 + INPUT_BYTES) : null;
    // boot.js's worker is the spare, unless boot.js already runs a program in it (adopt())
    this.spare = boot && !boot.run ? { worker: boot.worker, ready: boot.ready.then((m) => this._loaded(m, boot.worker)) } : this._spawn();
  }

  /** Take over the program boot.js started before this code loaded: its output so far, a
   *  pending input(), its end. Resolves like run(); null when boot.js started none. */
  async adopt() {
    const early = this.boot && this.boot.run;
    if (!early) return null;
    const { worker } = this.boot;
    const result = this._track(worker); // Stop works from now on
    const failed = await early.posted.then(() => null, (e) => e); // boot.js's handler until then
    if (!this.current || this.current.worker !== worker) return result; // stopped meanwhile
    if (failed) { this._finish(worker, { stopped: false, error: { type: "Error", message: failed.message } }); return result; }
    worker.onmessage = this._handler(worker);
    if (early.output) this.onOutput(early.output);
    if (early.done) this._finish(worker, early.done);
    else if (early.waitingInput) this.onInput();
    return result;
  }

  _loaded(message, worker) {
    const at = (t) => t - performance.timeOrigin; // the page's clock
    this.lastLoad = { started: at(message.startedAt), imported: at(message.importedAt), loaded: at(message.loadedAt) };
    return worker;
  }

  _spawn() {
    const worker = new Worker(new URL(__WORKER_JS__, document.baseURI), { type: "module" });
    const ready = new Promise((resolve, reject) => {
      worker.onmessage = (e) => { if (e.data.type === "ready") resolve(this._loaded(e.data, worker)); };
      worker.onerror = (e) => reject(new Error(e.message || "the MicroPython worker did not start"));
    });
    return { worker, ready };
  }

  get running() { return this.current !== null; }

  /** Run code in a ready interpreter; resolves when the program ends or is stopped. */
  async run(code) {
    if (this.current) this.stop();
    const { worker, ready } = this.spare;
    this.spare = null;
    await ready;
    this.spare = this._spawn();
    const result = this._track(worker);
    worker.onmessage = this._handler(worker);
    worker.postMessage({ type: "run", code, input: this.inputBuffer });
    return result;
  }

  _track(worker) {
    return new Promise((resolve) => { this.current = { worker, resolve }; });
  }

  _handler(worker) {
    return (e) => {
      const msg = e.data;
      if (msg.type === "out") this.onOutput(msg.text);
      else if (msg.type === "input") this.onInput();
      else if (msg.type === "done") this._finish(worker, { stopped: false, error: msg.error });
    };
  }

  _finish(worker, result) {
    if (!this.current || this.current.worker !== worker) return;
    const { resolve } = this.current;
    this.current = null;
    worker.terminate();
    this.onDone(result);
    resolve(result);
  }

  /** End the running program at once: its worker goes, the spare takes over. */
  stop() {
    if (!this.current) return false;
    this._finish(this.current.worker, { stopped: true, error: null });
    if (!this.spare) this.spare = this._spawn();
    return true;
  }

  /** Answer the program's input() with one line. */
  sendInput(line) {
    if (!this.inputBuffer) return;
    const ctrl = new Int32Array(this.inputBuffer, 0, 2);
    const bytes = new TextEncoder().encode(line).slice(0, INPUT_BYTES);
    new Uint8Array(this.inputBuffer, 8, bytes.length).set(bytes);
    Atomics.store(ctrl, 1, bytes.length);
    Atomics.store(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
  }
}

/** The editor line a MicroPython traceback points at (the innermost frame in the program). */
export function tracebackLine(message) {
  let line = null;
  for (const m of String(message).matchAll(/File "(<stdin>|main\.py|<string>)", line (\d+)/g)) line = Number(m[2]);
  return line;
}
