// The wasm virtual board's filesystem as a real board's, below the Python level.
//
// MicroPython's WebAssembly build keeps its files in Emscripten's MEMFS and reports the C
// library's errors, which are numbered as WASI numbers them ("OSError: 44" for ENOENT),
// while MicroPython's own errno module and every client (mpremote, ampy, ...) use the
// numbers real boards report (Linux's: ENOENT is 2). It also sees Emscripten's /dev and
// /proc, has no size (statvfs says 4 GB, nothing is ever full) and takes any name length.
// This module:
//  - renumbers every errno the runtime's syscalls return (WASI -> MicroPython/Linux);
//  - confines paths to FLASH_ROOT once the board has booted (".." stops at its top, as at
//    "/" on a board), so Emscripten's folders and node's special files are out of reach;
//  - refuses names longer than 255 bytes (ENAMETOOLONG), as littlefs and FAT do;
//  - gives the flash a size in 4 KB blocks (statvfs) and refuses writes past it (ENOSPC).

export const FLASH_ROOT = "/flash";
export const BLOCK_SIZE = 4096;
const NAME_MAX = 255;
const ROOT_BLOCKS = 2; // littlefs keeps the root directory in a pair of blocks
const DIR_BLOCKS = 2; // and each directory in a pair of its own
const MIN_BLOCKS = 8;

// WASI errno -> the numbers MicroPython boards report. EFBIG becomes ENOSPC: its Linux number
// (27) is WASI's EINTR, which the build's C code would retry for ever.
const WASI_TO_BOARD = new Map([
  [1, 7], [2, 13], [3, 98], [4, 99], [5, 97], [6, 11], [7, 114], [8, 9], [9, 74], [10, 16],
  [11, 125], [12, 10], [13, 103], [14, 111], [15, 104], [16, 35], [17, 89], [18, 33], [19, 122],
  [20, 17], [21, 14], [22, 28], [23, 113], [24, 43], [25, 84], [26, 115], [27, 4], [28, 22],
  [29, 5], [30, 106], [31, 21], [32, 40], [33, 24], [34, 31], [35, 90], [36, 72], [37, 36],
  [38, 100], [39, 102], [40, 101], [41, 23], [42, 105], [43, 19], [44, 2], [45, 8], [46, 37],
  [47, 67], [48, 12], [49, 42], [50, 92], [51, 28], [52, 38], [53, 107], [54, 20], [55, 39],
  [56, 131], [57, 88], [58, 95], [59, 25], [60, 6], [61, 75], [62, 130], [63, 1], [64, 32],
  [65, 71], [66, 93], [67, 91], [68, 34], [69, 30], [70, 29], [71, 3], [72, 116], [73, 110],
  [74, 26], [75, 18], [138, 95],
]);

export function boardErrno(wasi) {
  return WASI_TO_BOARD.get(wasi) ?? 5; // anything else: EIO
}

const WASI_FD_CALLS = ["fd_close", "fd_read", "fd_seek", "fd_sync", "fd_write"];

function blocksFor(size) {
  return Math.ceil(size / BLOCK_SIZE);
}

function utf8Length(s) {
  return Buffer.byteLength(s, "utf8");
}

export class BoardFs {
  constructor(flashSize) {
    this.totalBlocks = Math.max(MIN_BLOCKS, Math.floor(flashSize / BLOCK_SIZE));
    this.FS = null;
    this.confined = false; // paths are confined (and the size enforced) once booted
  }

  // Renumber errors on the way back into the interpreter: Emscripten's syscalls return
  // -errno, WASI's fd_* calls return errno.
  wrapImports(imports) {
    const env = imports.env;
    for (const name of Object.keys(env)) {
      if (!name.startsWith("__syscall_")) continue;
      const call = env[name];
      env[name] = (...a) => {
        const r = call(...a);
        return typeof r === "number" && r < 0 && r > -4096 ? -boardErrno(-r) : r;
      };
    }
    const wasi = imports.wasi_snapshot_preview1;
    for (const name of WASI_FD_CALLS) {
      const call = wasi[name];
      wasi[name] = (...a) => {
        const r = call(...a);
        return r ? boardErrno(r) : r;
      };
    }
  }

  // Hook this interpreter's FS (each boot is a fresh Emscripten module with its own FS).
  attach(FS) {
    this.FS = FS;
    this.confined = false;
    const lookupPath = FS.lookupPath;
    FS.lookupPath = (path, opts = {}) => lookupPath(this.confined ? this.confine(path) : path, opts);
    const write = FS.write;
    FS.write = (stream, buffer, offset, length, position, canOwn) => {
      if (this.confined) this.checkWrite(stream, length, position);
      return write(stream, buffer, offset, length, position, canOwn);
    };
    const mkdir = FS.mkdir;
    FS.mkdir = (path, mode) => {
      if (this.confined) this.checkMkdir(path);
      return mkdir(path, mode);
    };
    const statfsNode = FS.statfsNode;
    FS.statfsNode = (node) => (this.confined ? this.statfs() : statfsNode(node));
  }

  inFlash(path) {
    return typeof path === "string" && (path === FLASH_ROOT || path.startsWith(FLASH_ROOT + "/"));
  }

  // A path inside the flash with "." and ".." resolved, ".." stopping at the flash's top.
  confine(path) {
    if (typeof path !== "string") return path;
    if (!path.startsWith("/")) {
      const cwd = this.FS.cwd();
      if (!this.inFlash(cwd)) return path;
      path = cwd + "/" + path;
    }
    if (!this.inFlash(path)) return path;
    const parts = [];
    for (const seg of path.slice(FLASH_ROOT.length).split("/")) {
      if (seg === "" || seg === ".") continue;
      if (seg === "..") { parts.pop(); continue; }
      if (utf8Length(seg) > NAME_MAX) throw new this.FS.ErrnoError(37); // ENAMETOOLONG
      parts.push(seg);
    }
    return parts.length ? FLASH_ROOT + "/" + parts.join("/") : FLASH_ROOT;
  }

  usedBlocks() {
    const FS = this.FS;
    let used = ROOT_BLOCKS;
    const walk = (dir) => {
      for (const child of Object.values(dir.contents || {})) {
        if (FS.isDir(child.mode)) { used += DIR_BLOCKS; walk(child); }
        else if (FS.isFile(child.mode)) used += blocksFor(child.usedBytes || 0);
      }
    };
    walk(FS.lookupPath(FLASH_ROOT).node);
    return used;
  }

  freeBlocks() {
    return Math.max(0, this.totalBlocks - this.usedBlocks());
  }

  checkWrite(stream, length, position) {
    const node = stream.node;
    if (!length || !node || !this.FS.isFile(node.mode) || !this.inFlash(stream.path)) return;
    const size = node.usedBytes || 0;
    let at = position === undefined ? stream.position : position;
    if (stream.flags & 1024) at = size; // O_APPEND
    const grow = blocksFor(Math.max(size, at + length)) - blocksFor(size);
    if (grow > 0 && grow > this.freeBlocks()) throw new this.FS.ErrnoError(51); // ENOSPC
  }

  checkMkdir(path) {
    const FS = this.FS;
    try {
      FS.lookupPath(path);
      return; // already there: mkdir says EEXIST itself
    } catch (e) { /* not there: it needs room */ }
    if (this.inFlash(this.confine(path)) && this.freeBlocks() < DIR_BLOCKS) throw new FS.ErrnoError(51);
  }

  // What statvfs reports: littlefs's shape (no inode counts, flags 0, 255-byte names).
  statfs() {
    const free = this.freeBlocks();
    return {
      bsize: BLOCK_SIZE, frsize: BLOCK_SIZE, blocks: this.totalBlocks, bfree: free, bavail: free,
      files: 0, ffree: 0, fsid: 0, flags: 0, namelen: NAME_MAX,
    };
  }
}
