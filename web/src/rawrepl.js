// One raw-REPL client for every board the page reaches, over any byte transport
// (Web Serial or the studio server's WebSocket bridge): {write(bytes), onData, onClose, close()}.
//
// Raw REPL: Ctrl-A enters it ("raw REPL; CTRL-B to exit\r\n>"); code then Ctrl-D runs it and
// the board answers "OK", the output, \x04, the error output, \x04, ">". Raw-paste (Ctrl-E A
// Ctrl-A, answered "R\x01" + a 16-bit window) adds flow control: the board grants a window
// of bytes at a time with \x01. Boards too old for raw-paste (micro:bit v1) echo nothing
// useful to it and are driven in plain raw mode, in small slices.

const enc = new TextEncoder();
const dec = new TextDecoder();
const RAW_BANNER = enc.encode("raw REPL; CTRL-B to exit\r\n>");

export class BoardGone extends Error {
  constructor(message) { super(message); this.name = "BoardGone"; }
}

function indexOf(hay, needle, start = 0) {
  outer: for (let i = start; i <= hay.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

export class RawRepl {
  constructor(transport, { onTerminal, onGone }) {
    this.t = transport;
    this.onTerminal = onTerminal; // bytes the board prints while no command is waiting for them
    this.onGone = onGone;
    this.buf = new Uint8Array(0);
    this.wake = null;
    this.busy = false;
    this.gone = null;
    this.rawPaste = true;
    transport.onData = (bytes) => this._push(bytes);
    transport.onClose = (why) => {
      this.gone = why || "the board went away";
      if (this.wake) this.wake();
      this.onGone(this.gone);
    };
  }

  _push(bytes) {
    if (!this.busy) { this.onTerminal(bytes); return; }
    const joined = new Uint8Array(this.buf.length + bytes.length);
    joined.set(this.buf); joined.set(bytes, this.buf.length);
    this.buf = joined;
    if (this.wake) this.wake();
  }

  async write(data) {
    if (this.gone) throw new BoardGone(this.gone);
    await this.t.write(typeof data === "string" ? enc.encode(data) : data);
  }

  /** Terminal keystrokes (interactive REPL) go straight through while no command runs. */
  async type(text) { if (!this.busy) await this.write(text); }

  async _wait(ms) {
    if (this.gone) throw new BoardGone(this.gone);
    await new Promise((resolve) => {
      const timer = setTimeout(() => { this.wake = null; resolve(); }, ms);
      this.wake = () => { clearTimeout(timer); this.wake = null; resolve(); };
    });
    if (this.gone) throw new BoardGone(this.gone);
  }

  /** Bytes up to and including `marker`; onChunk sees them as they come (marker excluded). */
  async readUntil(marker, timeoutMs = 5000, onChunk = null) {
    const m = typeof marker === "string" ? enc.encode(marker) : marker;
    const deadline = performance.now() + timeoutMs;
    let shown = 0;
    for (;;) {
      const at = indexOf(this.buf, m);
      const upto = at >= 0 ? at : Math.max(shown, this.buf.length - m.length + 1);
      if (onChunk && upto > shown) { onChunk(this.buf.slice(shown, upto)); shown = upto; }
      if (at >= 0) {
        const got = this.buf.slice(0, at + m.length);
        this.buf = this.buf.slice(at + m.length);
        return got;
      }
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the board did not answer in ${Math.round(timeoutMs / 1000)} s`);
      await this._wait(Math.min(left, 1000));
    }
  }

  async _read(n, timeoutMs = 3000) {
    const deadline = performance.now() + timeoutMs;
    while (this.buf.length < n) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error("the board did not answer");
      await this._wait(left);
    }
    const got = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return got;
  }

  async _session(fn) {
    if (this.busy) throw new Error("the board is busy");
    this.busy = true;
    this.buf = new Uint8Array(0);
    try {
      return await fn();
    } finally {
      this.busy = false;
      if (this.buf.length && !this.gone) this.onTerminal(this.buf);
      this.buf = new Uint8Array(0);
    }
  }

  async _enterRaw() {
    await this.write("\r\x03\x03");
    await new Promise((r) => setTimeout(r, 150));
    this.buf = new Uint8Array(0);
    await this.write("\x01");
    await this.readUntil(RAW_BANNER, 3000);
  }

  async _send(code) {
    const bytes = enc.encode(code);
    if (this.rawPaste) {
      await this.write("\x05A\x01");
      const head = await this._read(2);
      if (head[0] === 0x52 && head[1] === 1) return this._pasteWindowed(bytes);
      this.rawPaste = false;
      if (!(head[0] === 0x52 && head[1] === 0)) await this.readUntil("w REPL; CTRL-B to exit\r\n>", 3000);
    }
    for (let i = 0; i < bytes.length; i += 128) {
      await this.write(bytes.slice(i, i + 128));
      await new Promise((r) => setTimeout(r, 10)); // no flow control here: let a slow UART keep up
    }
    await this.write("\x04");
    const ok = await this._read(2);
    if (ok[0] !== 0x4f || ok[1] !== 0x4b) throw new Error("the board refused the program");
  }

  async _pasteWindowed(bytes) {
    const size = (await this._read(2)).reduce((a, b, i) => a + (b << (8 * i)), 0);
    let room = size;
    let i = 0;
    while (i < bytes.length) {
      while (room === 0 || this.buf.length) {
        const [b] = await this._read(1, 10000);
        if (b === 1) room += size;
        else if (b === 4) { await this.write("\x04"); return; }
        else throw new Error("unexpected reply from the board during raw paste");
      }
      const piece = bytes.slice(i, i + room);
      await this.write(piece);
      room -= piece.length;
      i += piece.length;
    }
    await this.write("\x04");
    await this.readUntil("\x04", 5000);
  }

  /** Run code on the board with streamed output; resolves {out, err} when it ends. */
  async run(code, { onOut = null, timeoutMs = 24 * 3600e3 } = {}) {
    return this._session(async () => {
      await this._enterRaw();
      await this._send(code);
      const out = await this.readUntil("\x04", timeoutMs, onOut);
      const err = await this.readUntil("\x04", 5000, onOut);
      await this.readUntil(">", 2000).catch(() => null);
      await this.write("\x02"); // back to the friendly REPL
      return { out: dec.decode(out.slice(0, -1)), err: dec.decode(err.slice(0, -1)) };
    });
  }

  /** Stop what runs: Ctrl-C (twice: a program catching one KeyboardInterrupt still stops). */
  async interrupt() { await this.t.write(enc.encode("\x03")); await new Promise((r) => setTimeout(r, 30)); await this.t.write(enc.encode("\x03")); }

  async _eval(code) {
    const r = await this.run(code, { timeoutMs: 20000 });
    if (r.err) throw new Error(r.err.trim().split("\n").pop());
    return r.out;
  }

  /** The board's files at the top level: [{name, size}] (size -1: a folder). */
  async listFiles() {
    const out = await this._eval(
      "import os\nfor _n in sorted(os.listdir()):\n try:\n  _s=os.stat(_n);print(_n,-1 if _s[0]&0x4000 else _s[6])\n" +
      " except (AttributeError, OSError):\n  print(_n, os.size(_n))\n");
    return out.trim().split(/\r?\n/).filter(Boolean).map((l) => { const i = l.lastIndexOf(" "); return { name: l.slice(0, i), size: Number(l.slice(i + 1)) }; });
  }

  async readFile(path) {
    const out = await this._eval(`with open(${JSON.stringify(path)},'rb') as _f:\n print(repr(_f.read()))\n`);
    return pyBytes(out.trim());
  }

  /**
   * Save a file as `boardkit put` does: written to PATH.bktmp in checked slices (length, sum,
   * offset), hashed on the board where it has hashlib, then renamed over PATH (copied on the
   * board where it cannot rename); the old file is never half-replaced.
   */
  async saveFile(path, text) {
    const data = enc.encode(text);
    const tmp = path + ".bktmp";
    const q = JSON.stringify;
    await this._eval(`_bk_f=open(${q(tmp)},'wb')\n_bk_n=0\n`);
    try {
      for (let o = 0; o < data.length; o += 192) {
        const piece = data.slice(o, o + 192);
        const sum = piece.reduce((a, b) => a + b, 0) & 0xffff;
        await this._eval(
          `_b=${bytesLiteral(piece)}\nif len(_b)!=${piece.length} or sum(_b)&0xFFFF!=${sum}: raise ValueError('bk: garbled')\n` +
          `if _bk_n==${o}:\n if _bk_f.write(_b)!=${piece.length}: raise OSError('bk: full')\n _bk_n+=${piece.length}\n`);
      }
      const digest = await sha256hex(data);
      await this._eval(
        `_bk_f.close()\nimport os\ntry:\n import hashlib as _h\nexcept ImportError:\n _h=None\n` +
        `if _h and hasattr(_h,'sha256') and ${digest ? "True" : "False"}:\n _d=_h.sha256()\n with open(${q(tmp)},'rb') as _f:\n  _d.update(_f.read())\n` +
        ` if ''.join('%02x'%b for b in _d.digest())!=${q(digest)}:\n  os.remove(${q(tmp)});raise ValueError('bk: hash')\n` +
        `if hasattr(os,'rename'):\n try:\n  os.remove(${q(path)})\n except OSError:\n  pass\n os.rename(${q(tmp)},${q(path)})\n` +
        `else:\n with open(${q(tmp)},'rb') as _s, open(${q(path)},'wb') as _o:\n  _o.write(_s.read())\n os.remove(${q(tmp)})\n`);
    } catch (e) {
      await this._eval(`try:\n _bk_f.close()\nexcept Exception:\n pass\nimport os\ntry:\n os.remove(${q(tmp)})\nexcept OSError:\n pass\n`).catch(() => null);
      throw e;
    }
    return data.length;
  }

  /** Soft reset (Ctrl-D at the friendly REPL): a fresh interpreter; main.py runs. */
  async softReset() {
    await this._session(async () => {
      await this.write("\r\x03\x03\x02");
      await new Promise((r) => setTimeout(r, 100));
      await this.write("\x04");
      await this.readUntil("soft reboot", 5000).catch(() => null);
    });
  }
}

function bytesLiteral(bytes) {
  let s = "b'";
  for (const b of bytes) {
    if (b === 0x5c) s += "\\\\";
    else if (b === 0x27) s += "\\'";
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\x" + b.toString(16).padStart(2, "0");
  }
  return s + "'";
}

/** Decode Python's repr() of bytes (b'...' with \xNN, \n, \r, \t, \\, \' escapes). */
export function pyBytes(repr) {
  const body = repr.replace(/^b(['"])/, "").slice(0, -1);
  const out = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== "\\") { out.push(...enc.encode(c)); continue; }
    const n = body[++i];
    if (n === "x") { out.push(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
    else out.push({ n: 10, r: 13, t: 9, "\\": 92, "'": 39, '"': 34 }[n] ?? n.charCodeAt(0));
  }
  return new Uint8Array(out);
}

async function sha256hex(bytes) {
  if (!self.crypto || !crypto.subtle) return null; // not a secure context: the slice checks still hold
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}
