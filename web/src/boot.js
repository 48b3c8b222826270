// Runs before the page's main script: starts the interpreter's worker at once, so MicroPython
// loads while the (much larger) editor and terminal code is still being parsed.
const worker = new Worker(new URL("worker.js", document.baseURI), { type: "module" });
window.__bkBoot = {
  worker,
  ready: new Promise((resolve, reject) => {
    worker.onmessage = (e) => { if (e.data.type === "ready") resolve(e.data); };
    worker.onerror = (e) => reject(new Error(e.message || "the MicroPython worker did not start"));
  }),
};
