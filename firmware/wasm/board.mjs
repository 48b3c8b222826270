// boardkit's WebAssembly virtual board: MicroPython's wasm build behind a UART-like byte stream.
//
//   node board.mjs --fs DIR [--heap BYTES] [--flash-size BYTES] [--runtime PATH/TO/micropython.mjs]
//
// --runtime: where boardkit installed the npm runtime (default: ./node_modules beside this file)
// --flash-size: the size of the board's filesystem (default 2 MiB, an ESP32's "vfs" partition)
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
//  - Ctrl-C while a program runs, and a program's stdin (input(), sys.stdin): see
//    board_uart_in.mjs;
//  - flash: the board's "/" is a MEMFS folder (/flash) loaded from DIR at boot and written
//    back (diffed, temp file + rename) when the REPL goes idle, on soft reset and on SIGTERM;
//    Emscripten's own folders (/dev, /proc) are out of reach, paths cannot climb out of it;
//  - a board's filesystem (board_fs.mjs): MicroPython's errno numbers instead of WASI's,
//    a size (statvfs, ENOSPC when full), names of at most 255 bytes;
//  - board_py/: os.ilistdir with sizes, os.uname, a `machine` module (resets, unique_id, freq);
//  - a crash of the WebAssembly interpreter (a trap such as "memory access out of bounds")
//    reboots it, files kept, with a line saying so, as a real board reboots after a fault.
// Idle costs nothing: input arrives through node's event loop.

import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { pathToFileURL } from "node:url";
import { BoardFs, FLASH_ROOT } from "./board_fs.mjs";
import { UartInput } from "./board_uart_in.mjs";

function parseArgs(argv) {
  const opts = { fs: null, heap: 256 * 1024, runtime: null, flashSize: 2 * 1024 * 1024 };
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === "--fs") opts.fs = argv[++i];
    else if (argv[i] === "--heap") opts.heap = parseInt(argv[++i], 10);
    else if (argv[i] === "--flash-size") opts.flashSize = parseInt(argv[++i], 10);
    else if (argv[i] === "--runtime") opts.runtime = argv[++i];
  }
  return opts;
}
const opts = parseArgs(process.argv);

const RUNTIME = opts.runtime
  ? pathToFileURL(opts.runtime)
  : new URL("./node_modules/@micropython/micropython-webassembly-pyscript/micropython.mjs", import.meta.url);
const BOARD_PY = new URL("./board_py/", import.meta.url);
const BOARD_PY_DIR = "/boardkit-py"; // where board_py/ is imported from at boot, outside the flash

// Reset causes, numbered as machine.reset_cause() numbers them on an ESP32.
const PWRON_RESET = 1;
const HARD_RESET = 2;
const WDT_RESET = 3;
const SOFT_RESET = 5;

// ---------------------------------------------------------------- wasm import hooks
const boardFs = new BoardFs(opts.flashSize);
let compiled = null;
let memory = null;
let rtcOffsetMs = 0; // machine.RTC().datetime(...) set the clock: kept until power-off
let running = false; // true while the interpreter is executing a REPL byte
let stdinFirst = false; // a read of fd 0 has begun: its first byte is waited for
const realInstantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async (bin, imports) => {
  const env = imports.env;
  for (const name of ["mp_js_ticks_ms", "mp_js_time_ms"]) {
    const orig = env[name];
    const offset = name === "mp_js_time_ms"; // the wall clock is the board's RTC
    env[name] = (...a) => {
      if (running) uart.pollDuringRun();
      return offset ? orig(...a) + rtcOffsetMs : orig(...a);
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
      uart.pollDuringRun();
    }
    return r;
  };
  const fdRead = wasi.fd_read;
  wasi.fd_read = (fd, ...a) => {
    stdinFirst = fd === 0;
    return fdRead(fd, ...a);
  };
  const poll = env.__syscall_poll;
  env.__syscall_poll = (fds, nfds, timeout) => pollWithStdin(poll, fds, nfds, timeout);
  boardFs.wrapImports(imports);
  if (!compiled) compiled = await WebAssembly.compile(bin);
  const instance = await realInstantiate(compiled, imports);
  memory = instance.exports.memory;
  return { instance, module: compiled };
};
const { loadMicroPython } = await import(RUNTIME);

// Emscripten says a device is always readable; stdin is readable when the host sent bytes
// (select.poll on sys.stdin, as mpremote's mount protocol uses it).
function pollWithStdin(poll, fds, nfds, timeout) {
  const r = poll(fds, nfds, timeout);
  if (r < 0) return r;
  const view = new DataView(memory.buffer);
  let ready = 0;
  const stdinAt = [];
  for (let i = 0; i < nfds; i++) {
    const p = fds + 8 * i;
    if (view.getInt32(p, true) === 0) stdinAt.push(p);
    else if (view.getInt16(p + 6, true)) ready++;
  }
  if (!stdinAt.length) return r;
  const readable = uart.readable(ready ? 0 : timeout);
  for (const p of stdinAt) {
    const events = view.getInt16(p + 4, true);
    let revents = view.getInt16(p + 6, true);
    revents = readable ? revents | (events & 1) : revents & ~1;
    view.setInt16(p + 6, revents, true);
    if (revents) ready++;
  }
  return ready;
}

function readStdin() {
  const wait = stdinFirst;
  stdinFirst = false;
  return uart.stdinByte(wait);
}

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
let mp = null;
let M = null;
const uart = new UartInput({
  interruptChar: () => M._mp_hal_get_interrupt_char(),
  scheduleInterrupt: () => M._mp_sched_keyboard_interrupt(),
  flush: () => { if (outLen) flushOut(); },
  waiting: () => safeSync(),
});

// ---------------------------------------------------------------- flash (MEMFS <-> host dir)
const TMP_PREFIX = ".boardkit-tmp-";
let known = new Map(); // device path -> Buffer last synced
let knownDirs = new Set();
let tmpCount = 0;
const syncFailed = new Set(); // device paths whose failure was already logged

function loadFlash() {
  const FS = mp.FS;
  for (const d of ["/home/web_user", "/home", "/tmp"]) {
    try { FS.rmdir(d); } catch (e) { /* not there */ }
  }
  FS.mkdir(FLASH_ROOT);
  known = new Map();
  knownDirs = new Set();
  if (!opts.fs) return;
  fs.mkdirSync(opts.fs, { recursive: true });
  const walk = (hostDir, devDir) => {
    for (const ent of fs.readdirSync(hostDir, { withFileTypes: true })) {
      const hp = path.join(hostDir, ent.name);
      if (ent.name.startsWith(TMP_PREFIX)) {
        fs.rmSync(hp, { force: true }); // left by a write-back that was cut short
        continue;
      }
      const dp = (devDir === "/" ? "" : devDir) + "/" + ent.name;
      if (ent.isDirectory()) {
        FS.mkdir(FLASH_ROOT + dp);
        knownDirs.add(dp);
        walk(hp, dp);
      } else if (ent.isFile()) {
        const data = fs.readFileSync(hp);
        FS.writeFile(FLASH_ROOT + dp, data);
        known.set(dp, data);
      }
    }
  };
  walk(opts.fs, "/");
}

function syncFailure(dp, e) {
  if (syncFailed.has(dp)) return;
  syncFailed.add(dp);
  process.stderr.write(`board.mjs: cannot save ${dp} to the host: ${e}\n`);
}

function syncFlash() {
  if (!opts.fs || !mp) return;
  const FS = mp.FS;
  const files = new Map();
  const dirs = new Set();
  const walk = (devDir) => {
    for (const name of FS.readdir(FLASH_ROOT + devDir)) {
      if (name === "." || name === "..") continue;
      const dp = (devDir === "/" ? "" : devDir) + "/" + name;
      const node = FS.lookupNode(FS.lookupPath(FLASH_ROOT + devDir).node, name);
      if (FS.isDir(node.mode)) { dirs.add(dp); walk(dp); }
      else if (FS.isFile(node.mode)) files.set(dp, FS.readFile(FLASH_ROOT + dp));
    }
  };
  walk("/");
  const host = (dp) => path.join(opts.fs, dp);
  // One file the host cannot take must not stop the others from being saved.
  for (const d of [...dirs].sort()) {
    if (knownDirs.has(d)) continue;
    try { fs.mkdirSync(host(d), { recursive: true }); } catch (e) { syncFailure(d, e); dirs.delete(d); }
  }
  for (const [dp, data] of files) {
    const old = known.get(dp);
    if (old && Buffer.compare(old, data) === 0) continue;
    const target = host(dp);
    const tmp = path.join(path.dirname(target), `${TMP_PREFIX}${process.pid}-${tmpCount++}`);
    try {
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, target);
      known.set(dp, Buffer.from(data));
      syncFailed.delete(dp);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      syncFailure(dp, e);
    }
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
let resetCause = PWRON_RESET;
let pendingReset = null; // "hard" | "soft": asked for by machine.reset()/soft_reset()
const uniqueId = crypto.createHash("sha256").update(path.resolve(opts.fs || "wasm")).digest("hex").slice(0, 12);

// What board_py/ sees as `js.boardkitBoard`.
globalThis.boardkitBoard = {
  flashRoot: FLASH_ROOT,
  uniqueId,
  get resetCause() { return resetCause; },
  setTime(seconds) {
    rtcOffsetMs = Number(seconds) * 1000 - Date.now();
  },
  requestReset(kind) {
    pendingReset = String(kind);
    if (pendingReset === "hard") mute = true; // a board that resets prints nothing more
  },
};

const BOOT_CODE = `
def _bk_boot():
    import sys
    sys.path.insert(0, ${JSON.stringify(BOARD_PY_DIR)})
    try:
        import _boardkit_boot
    finally:
        sys.path.pop(0)
        sys.modules.pop("_boardkit_boot", None)
_bk_boot()
del _bk_boot
`;

function installBoardPy() {
  const FS = mp.FS;
  FS.mkdir(BOARD_PY_DIR);
  for (const name of fs.readdirSync(BOARD_PY)) {
    if (name.endsWith(".py")) FS.writeFile(`${BOARD_PY_DIR}/${name}`, fs.readFileSync(new URL(name, BOARD_PY)));
  }
}

async function boot(intoRaw, cause) {
  mp = await loadMicroPython({ stdout: onStdout, stdin: readStdin, linebuffer: false, heapsize: opts.heap });
  M = mp._module;
  boardFs.attach(mp.FS);
  resetCause = cause;
  pendingReset = null;
  mute = false;
  installBoardPy();
  loadFlash();
  try {
    mp.runPython(BOOT_CODE);
  } catch (e) {
    process.stderr.write(`board.mjs: board_py did not install: ${e}\n`);
  }
  boardFs.confined = true;
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
  mute = false;
  emit("MPY: soft reboot\r\n");
  await boot(wasRaw, SOFT_RESET);
}

// machine.reset(), or a crash: the files are saved, then a fresh interpreter boots into the
// friendly REPL with its banner, as a board does after its reset button.
async function hardReboot(cause) {
  safeSync();
  await boot(false, cause);
}

// A trap in the WebAssembly code (an upstream bug such as "memory access out of bounds")
// leaves this interpreter unusable; a real board would fault and reboot, keeping its port.
async function crashReboot(e) {
  running = false;
  paste = null;
  held = [];
  skipOut = 0;
  mute = false;
  const what = `${e && e.name ? e.name : "Error"}: ${e && e.message ? e.message : e}`;
  process.stderr.write(`board.mjs: the interpreter crashed: ${e && e.stack ? e.stack : what}\n`);
  emit(`\r\nFATAL: MicroPython crashed (${what}); the board reboots, files kept\r\n`);
  flushOut();
  await hardReboot(WDT_RESET);
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
    while (uart.hasInput()) {
      const b = uart.nextByte();
      if (b === 3 && uart.inbandCtrlC()) continue;
      let softAsked;
      try {
        softAsked = feedByte(b);
      } catch (e) {
        await crashReboot(e);
        continue;
      }
      const asked = pendingReset;
      pendingReset = null;
      if (asked === "hard") await hardReboot(HARD_RESET);
      else if (softAsked || asked === "soft") await softReboot();
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

// An error this file could not recover from: save the files, then exit with the status the
// daemon takes as a crash (it starts the board again behind the same port).
const CRASH_EXIT = 70;
function fatal(e) {
  process.stderr.write(`board.mjs: fatal: ${e && e.stack ? e.stack : e}\n`);
  safeSync();
  try { flushOut(); } catch (err) { /* host gone */ }
  process.exit(CRASH_EXIT);
}
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

await boot(false, PWRON_RESET);
process.stdin.on("data", (data) => {
  uart.push(data);
  pump();
});
process.stdin.on("end", () => {
  uart.ended = true;
  shutdown();
});
