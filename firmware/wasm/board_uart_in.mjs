// The wasm virtual board's receive side: what the host sends, in order, to the REPL or to
// a running program's stdin, and Ctrl-C as an interrupt.
//
// Bytes normally arrive through node's event loop (push) and are fed to the REPL one at a
// time. While a program runs, node is blocked inside the interpreter, so:
//  - Ctrl-C: the daemon copies every Ctrl-C onto a side pipe (fd 3). The wasm imports a
//    program calls (ticks/time/print) peek at that pipe only (pollDuringRun); reading stdin
//    itself there would reorder input against what node has already buffered. A Ctrl-C
//    taken as an interrupt swallows its in-band twin later, as a UART ISR would.
//  - stdin: a program that reads sys.stdin (input(), mpremote's mount protocol) takes bytes
//    from the queue first, then reads fd 0 itself (node is not reading it meanwhile, so the
//    order holds), waiting as a UART read waits. Node cannot take SIGTERM meanwhile, so the
//    files are saved before each wait: a reset then loses nothing.

import fs from "node:fs";

const INTERRUPT_FD = 3;
const POLL_EVERY_MS = 3;

function sleepMs(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export class UartInput {
  // board: {interruptChar(): number, scheduleInterrupt(): void, flush(): void,
  //         waiting(): void -- a program is about to wait for input (save what may be lost)}
  constructor(board) {
    this.board = board;
    this.chunks = []; // Buffers not yet consumed
    this.pos = 0;
    this.ibuf = Buffer.allocUnsafe(256);
    this.rbuf = Buffer.allocUnsafe(4096);
    this.sidePipe = true;
    this.dropInband = 0; // in-band Ctrl-Cs whose twin already interrupted a program
    this.twinsTaken = 0; // side-pipe copies read while interrupts were off (twin stays data)
    this.lastPoll = 0;
    this.ended = false; // the host closed our stdin
  }

  push(data) {
    this.chunks.push(data);
  }

  hasInput() {
    return this.chunks.length > 0;
  }

  nextByte() {
    const b = this.chunks[0][this.pos++];
    if (this.pos >= this.chunks[0].length) { this.chunks.shift(); this.pos = 0; }
    return b;
  }

  clear() {
    this.chunks = [];
    this.pos = 0;
  }

  readSide(max) {
    if (!this.sidePipe) return 0;
    try {
      return fs.readSync(INTERRUPT_FD, this.ibuf, 0, max, null);
    } catch (e) {
      if (e.code === "EAGAIN") return 0;
      this.sidePipe = false; // run without the daemon: no side pipe, no interrupts while running
      return 0;
    }
  }

  // While a program runs (called from the wasm imports it calls out to).
  pollDuringRun() {
    const now = performance.now();
    if (now - this.lastPoll < POLL_EVERY_MS) return;
    this.lastPoll = now;
    this.board.flush();
    for (;;) {
      const n = this.readSide(this.ibuf.length);
      if (n === 0) return;
      for (let i = 0; i < n; i++) {
        if (this.board.interruptChar() === 3) {
          this.board.scheduleInterrupt();
          this.dropInband++;
        } else {
          this.twinsTaken++;
        }
      }
    }
  }

  // For an in-band Ctrl-C: true if it already acted as an interrupt (drop it).
  inbandCtrlC() {
    if (this.dropInband > 0) { this.dropInband--; return true; }
    if (this.twinsTaken > 0) { this.twinsTaken--; return false; }
    this.readSide(1); // consume its side-pipe twin so it cannot interrupt a later program
    return false;
  }

  // Take what fd 0 holds now into the queue, without waiting; false when nothing came.
  fillNow() {
    if (this.ended) return false;
    let n;
    try {
      n = fs.readSync(0, this.rbuf, 0, this.rbuf.length, null);
    } catch (e) {
      if (e.code === "EAGAIN") return false;
      throw e;
    }
    if (n === 0) { this.ended = true; return false; }
    this.push(Buffer.from(this.rbuf.subarray(0, n)));
    return true;
  }

  // Is there a byte for a program's stdin (poll)? Waits up to timeoutMs (<0: for ever).
  readable(timeoutMs) {
    const deadline = timeoutMs < 0 ? Infinity : performance.now() + timeoutMs;
    let idle = 0;
    for (;;) {
      if (this.hasInput() || this.fillNow()) return true;
      if (this.ended || performance.now() >= deadline) return false;
      this.board.flush();
      sleepMs(idle++ < 100 ? 1 : 5);
    }
  }

  // One byte for a program's stdin: waits for it when `wait`; null at end of input,
  // undefined when not waiting and there is none.
  stdinByte(wait) {
    if (!this.hasInput() && !this.fillNow()) {
      if (!wait) return undefined;
      this.board.waiting();
      if (!this.readable(-1)) return null;
    }
    const b = this.nextByte();
    if (b === 3) {
      // A Ctrl-C: an interrupt when interrupts are on (the program gets the byte too, and
      // the KeyboardInterrupt as soon as it runs on), plain data after kbd_intr(-1).
      if (!this.inbandCtrlC() && this.board.interruptChar() === 3) this.board.scheduleInterrupt();
    }
    return b;
  }
}
