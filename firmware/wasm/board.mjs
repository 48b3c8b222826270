// boardkit's WebAssembly virtual board: MicroPython's wasm build behind a UART-like byte stream.
//
//   node board.mjs --fs DIR [--heap BYTES] [--runtime PATH/TO/micropython.mjs]
//
// --runtime: where boardkit installed the npm runtime (default: ./node_modules beside this file)
//
// stdin  = bytes from the host (what a UART would receive), one byte at a time into the REPL
// stdout = bytes the board prints (cooked: "\n" becomes "\r\n" like a real board's UART)
//
// What this adds on top of the npm runtime, so the REPL behaves like a real board's:
//  - soft reset (Ctrl-D): "MPY: soft reboot", a fresh interpreter (fresh heap, files kept),
//    and back into raw REPL if the board was in raw REPL;
//  - raw-paste mode (Ctrl-A, then "\x05A\x01"): the wasm port cannot read stdin from inside
//    pyexec, so the flow-controlled protocol is spoken here and the code is then run through
//    the raw REPL;
//  - Ctrl-C while a program runs: node is blocked inside the interpreter, so whenever the
//    program calls out to JS (ticks/time: time.sleep, print, ...) a side pipe (fd 3) that
//    the daemon copies every Ctrl-C onto is polled, and the interrupt character schedules a
//    KeyboardInterrupt (stdin itself is never read there: that could reorder input);
//  - flash: the board's "/" is a MEMFS loaded from DIR at boot and written back (diffed,
//    temp file + rename) when the REPL goes idle, on soft reset and on SIGTERM.
// Idle costs nothing: input arrives through node's event loop.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

function parseArgs(argv) {
  const opts = { fs: null, heap: 256 * 1024, runtime: null };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === "--fs") opts.fs = argv[++i];
    else if (argv[i] === "--heap") opts.heap = parseInt(argv[++i], 10);
    else if (argv[i] === "--runtime") opts.runtime = argv[++i];
  }
  return opts;
}
const opts = parseArgs(process.argv);

const RUNTIME = opts.runtime
  ? pathToFileURL(opts.runtime)
  : new URL("./node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs", import.meta.url);

// ---------------------------------------------------------------- wasm import hooks
let compiled = null;
let running = false; // true while the interpreter is executing a REPL byte
let lastPoll = 0;
const realInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (bin, imports) => {
  const env = imports.env;
  for (const name of ["mp_js_ticks_ms", "mp_js_time_ms"]) {
    const orig = env[name];
    env[name] = (...a) => {
      if (running) pollDuringRun();
      return orig(...a);
    };
  }
  // Every string the board prints is one fd_write: pass it on at once while a program
  // runs (a loop with no other calls out must not hold back what it printed before).
  const wasi = imports.wasi_snapshot_preview1;
  const fdWrite = wasi.fd_write;
  wasi.fd_write = (...a) => {
    const r = fdWrite(...a);
    if (running) {
      if (outLen) flushOut();
      pollDuringRun();
    }
    return r;
  };
  if (!compiled) compiled = await WebAssembly.compile(bin);
  const instance = await realInstantiate(compiled, imports);
  return { instance, module: compiled };
};
const { loadMicroPython } = await import(RUNTIME);

// ---------------------------------------------------------------- output (board -> host)
const OUT = Buffer.allocUnsafe(1 << 16);
let outLen = 0;
let lastOut = 0;
let mute = false;
let skipOut = 0;
const RAW_BANNER = Buffer.from("raw REPL; CTRL-B to exit\r\n");
let rawMatch = 0;
let rawMode = false;
let rawLineLen = 0;

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function flushOut() {
  let off = 0;
  while (off < outLen) {
    try {
      off += fs.writeSync(1, OUT, off, outLen - off);
    } catch (e) {
      if (e.code === "EAGAIN") { sleepMs(1); continue; }
      if (e.code === "EPIPE") process.exit(0);
      throw e;
    }
  }
  outLen = 0;
}

function pushOut(c) {
  if (outLen === OUT.length) flushOut();
  OUT[outLen++] = c;
}

function emitByte(c) {
  if (mute) return;
  if (skipOut > 0) { skipOut--; return; }
  if (c === 10 && lastOut !== 13) pushOut(13);
  pushOut(c);
  lastOut = c;
  // Entering the raw REPL is announced by this exact line; track it from the output.
  if (c === RAW_BANNER[rawMatch]) {
    rawMatch++;
    if (rawMatch === RAW_BANNER.length) { rawMode = true; rawLineLen = 0; rawMatch = 0; }
  } else {
    rawMatch = c === RAW_BANNER[0] ? 1 : 0;
  }
}

function emit(s) {
  for (const c of Buffer.from(s, "latin1")) emitByte(c);
}

function onStdout(data) {
  for (let i = 0; i < data.length; i++) emitByte(data[i]);
}

// ---------------------------------------------------------------- input (host -> board)
const chunks = []; // queue of Buffers not yet fed to the REPL
let chunkPos = 0;
const RBUF = Buffer.allocUnsafe(1 << 16);
let mp = null;
let M = null;

function hasInput() {
  return chunks.length > 0;
}

function nextByte() {
  const b = chunks[0][chunkPos++];
  if (chunkPos >= chunks[0].length) { chunks.shift(); chunkPos = 0; }
  return b;
}

// Ctrl-C while a program runs. The daemon copies every Ctrl-C from the host onto a side
// pipe (fd 3). While the interpreter runs, node cannot service its ordinary stdin, so the
// wasm imports it calls (ticks/time/print) peek at the side pipe only -- reading stdin
// itself there would reorder input against what node has already buffered. A Ctrl-C
// taken as an interrupt swallows its in-band twin later, as a UART ISR would.
const INTERRUPT_FD = 3;
const IBUF = Buffer.allocUnsafe(256);
let sidePipe = true;
let dropInband = 0;     // in-band Ctrl-Cs whose twin already interrupted a program
let twinsTaken = 0;     // side-pipe copies read while interrupts were off (twin stays data)

function readSide(max) {
  if (!sidePipe) return 0;
  try {
    return fs.readSync(INTERRUPT_FD, IBUF, 0, max, null);
  } catch (e) {
    if (e.code === "EAGAIN") return 0;
    sidePipe = false; // run without the daemon: no side pipe, no interrupts while running
    return 0;
  }
}

function pollDuringRun() {
  const now = performance.now();
  if (now - lastPoll < 3) return;
  lastPoll = now;
  if (outLen) flushOut();
  for (;;) {
    const n = readSide(IBUF.length);
    if (n === 0) return;
    for (let i = 0; i < n; i++) {
      if (M._mp_hal_get_interrupt_char() === 3) {
        M._mp_sched_keyboard_interrupt();
        dropInband++;
      } else {
        twinsTaken++;
      }
    }
  }
}

// For an in-band Ctrl-C: true if it already acted as an interrupt (drop it).
function inbandCtrlC() {
  if (dropInband > 0) { dropInband--; return true; }
  if (twinsTaken > 0) { twinsTaken--; return false; }
  readSide(1); // consume its side-pipe twin so it cannot interrupt a later program
  return false;
}

// ---------------------------------------------------------------- flash (MEMFS <-> host dir)
const SYSTEM_DIRS = new Set(["/dev", "/proc"]);
let known = new Map(); // path -> Buffer last synced
let knownDirs = new Set();

function loadFlash() {
  const FS = mp.FS;
  for (const d of ["/home/web_user", "/home", "/tmp"]) {
    try { FS.rmdir(d); } catch (e) { /* not there */ }
  }
  known = new Map();
  knownDirs = new Set();
  if (!opts.fs) return;
  fs.mkdirSync(opts.fs, { recursive: true });
  const walk = (hostDir, devDir) => {
    for (const ent of fs.readdirSync(hostDir, { withFileTypes: true })) {
      if (ent.name.startsWith(".boardkit-tmp-")) continue;
      const hp = path.join(hostDir, ent.name);
      const dp = (devDir === "/" ? "" : devDir) + "/" + ent.name;
      if (SYSTEM_DIRS.has(dp)) continue;
      if (ent.isDirectory()) {
        FS.mkdir(dp);
        knownDirs.add(dp);
        walk(hp, dp);
      } else if (ent.isFile()) {
        const data = fs.readFileSync(hp);
        FS.writeFile(dp, data);
        known.set(dp, data);
      }
    }
  };
  walk(opts.fs, "/");
}

function syncFlash() {
  if (!opts.fs || !mp) return;
  const FS = mp.FS;
  const files = new Map();
  const dirs = new Set();
  const walk = (devDir) => {
    for (const name of FS.readdir(devDir)) {
      if (name === "." || name === "..") continue;
      const dp = (devDir === "/" ? "" : devDir) + "/" + name;
      if (SYSTEM_DIRS.has(dp)) continue;
      const st = FS.stat(dp);
      if (FS.isDir(st.mode)) { dirs.add(dp); walk(dp); }
      else if (FS.isFile(st.mode)) files.set(dp, FS.readFile(dp));
    }
  };
  walk("/");
  const host = (dp) => path.join(opts.fs, dp);
  for (const d of [...dirs].sort()) if (!knownDirs.has(d)) fs.mkdirSync(host(d), { recursive: true });
  for (const [dp, data] of files) {
    const old = known.get(dp);
    if (old && Buffer.compare(old, data) === 0) continue;
    const target = host(dp);
    const tmp = path.join(path.dirname(target), `.boardkit-tmp-${process.pid}-${path.basename(target)}`);
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
    known.set(dp, Buffer.from(data));
  }
  for (const dp of [...known.keys()]) {
    if (!files.has(dp)) { fs.rmSync(host(dp), { force: true }); known.delete(dp); }
  }
  for (const d of [...knownDirs].sort().reverse()) {
    if (!dirs.has(d)) { fs.rmSync(host(d), { recursive: true, force: true }); }
  }
  knownDirs = dirs;
}

let syncTimer = null;
function scheduleSync() {
  if (syncTimer) clearTimeout(syncTimer);
  syncTimer = setTimeout(() => { syncTimer = null; safeSync(); }, 250);
}
function safeSync() {
  try { syncFlash(); } catch (e) { process.stderr.write(`board.mjs: flash sync failed: ${e}\n`); }
}

// ---------------------------------------------------------------- the board
async function boot(intoRaw) {
  mp = await loadMicroPython({ stdout: onStdout, linebuffer: false, heapsize: opts.heap });
  M = mp._module;
  loadFlash();
  rawMode = false;
  rawLineLen = 0;
  if (intoRaw) {
    mute = true;
    mp.replInit();
    mp.replProcessChar(1);
    mute = false;
    emit("raw REPL; CTRL-B to exit\r\n>");
  } else {
    mp.replInit();
  }
  flushOut();
}

async function softReboot() {
  const wasRaw = rawMode;
  safeSync();
  emit("MPY: soft reboot\r\n");
  await boot(wasRaw);
}

// raw-paste state
const PASTE_WINDOW = 128;
let held = []; // bytes of a possible "\x05A\x01" at the start of a raw REPL line
let paste = null; // {code: number[], sinceAck: number}

function feedRepl(b) {
  running = true;
  let r;
  try {
    r = mp.replProcessChar(b);
  } finally {
    running = false;
  }
  if (rawMode) {
    if (b === 0x02) rawMode = false;
    else if (b === 0x01 || b === 0x03 || b === 0x04) rawLineLen = 0;
    else rawLineLen++;
  }
  return r;
}

// Returns true if the interpreter asked for a soft reset.
function feedByte(b) {
  if (paste) {
    if (b === 0x03) {
      // Ctrl-C aborts a paste, as in MicroPython's own reader: end of data, then the
      // interrupt goes to the raw REPL (which clears its line).
      paste = null;
      emit("\x04");
      flushOut();
      return feedRepl(0x03) !== 0;
    }
    if (b === 0x04) {
      const code = paste.code;
      paste = null;
      emit("\x04");
      flushOut();
      // The code goes through the raw REPL's line reader, where bytes 1-4 are commands; a
      // real board's raw-paste would take them as data. Say so rather than run half of it.
      const cannot = code.some((c) => c >= 0x01 && c <= 0x04);
      // An empty paste runs nothing on a real board, but an empty line's Ctrl-D would be a
      // soft reset in the raw REPL: give it a newline.
      const src = cannot
        ? Array.from("raise SyntaxError('control byte (0x01-0x04) in the code: the virtual board cannot take it; write it as an escape')", (ch) => ch.charCodeAt(0))
        : code.length ? code : [0x0a];
      for (const c of src) feedRepl(c);
      skipOut = 2; // the raw REPL's "OK": raw-paste acknowledges with \x04 instead
      const r = feedRepl(0x04);
      skipOut = 0;
      return r !== 0;
    }
    paste.code.push(b);
    if (++paste.sinceAck >= PASTE_WINDOW) {
      paste.sinceAck = 0;
      emit("\x01");
    }
    return false;
  }
  if (rawMode && rawLineLen === 0 && (held.length || b === 0x05)) {
    held.push(b);
    const seq = [0x05, 0x41, 0x01];
    if (held.every((c, i) => c === seq[i])) {
      if (held.length === 3) {
        held = [];
        paste = { code: [], sinceAck: 0 };
        emit("R\x01");
        emit(String.fromCharCode(PASTE_WINDOW & 0xff, PASTE_WINDOW >> 8));
      }
      return false;
    }
    const bytes = held;
    held = [];
    let reset = false;
    for (const c of bytes) reset = feedRepl(c) !== 0 || reset;
    return reset;
  }
  return feedRepl(b) !== 0;
}

let pumping = false;
async function pump() {
  if (pumping) return;
  pumping = true;
  try {
    while (hasInput()) {
      const b = nextByte();
      if (b === 3 && inbandCtrlC()) continue;
      if (feedByte(b)) await softReboot();
    }
    flushOut();
  } finally {
    pumping = false;
  }
  scheduleSync();
}

function shutdown() {
  if (syncTimer) clearTimeout(syncTimer);
  safeSync();
  try { flushOut(); } catch (e) { /* host gone */ }
  process.exit(0);
}

process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);

await boot(false);
process.stdin.on("data", (data) => {
  chunks.push(data);
  pump();
});
process.stdin.on("end", shutdown);
