// Byte transports for the raw-REPL client: {write(bytes), onData, onClose, close()}.

/** A board on this computer's USB port, through Web Serial (Chrome, ChromeOS). */
export class SerialTransport {
  static available() { return "serial" in navigator; }

  /** Ask the person to pick a port (must follow a click), then open it. */
  static async request() {
    const port = await navigator.serial.requestPort({});
    const t = new SerialTransport(port);
    await t.open();
    return t;
  }

  constructor(port) {
    this.port = port;
    this.onData = () => {};
    this.onClose = () => {};
    this.label = "USB serial";
  }

  async open() {
    await this.port.open({ baudRate: 115200 });
    this.writer = this.port.writable.getWriter();
    this.closed = false;
    this._pump();
  }

  async _pump() {
    let why = "the board was unplugged";
    try {
      while (this.port.readable && !this.closed) {
        this.reader = this.port.readable.getReader();
        try {
          for (;;) {
            const { value, done } = await this.reader.read();
            if (done) break;
            if (value && value.length) this.onData(value);
          }
        } finally {
          this.reader.releaseLock();
        }
      }
    } catch (e) {
      why = `the board went away (${e.message})`;
    }
    if (!this.closed) { this.closed = true; this.onClose(why); }
  }

  async write(bytes) { await this.writer.write(bytes); }

  async close() {
    this.closed = true;
    try { await this.reader?.cancel(); } catch { /* already gone */ }
    try { this.writer.releaseLock(); await this.port.close(); } catch { /* already gone */ }
  }
}

/** A board the studio server reaches (virtual board, /dev/ttyACM0, rfc2217://, ws://). */
export class BridgeTransport {
  static async open(wsUrl) {
    const t = new BridgeTransport(wsUrl);
    await t.ready;
    return t;
  }

  constructor(wsUrl) {
    this.onData = () => {};
    this.onClose = () => {};
    this.label = "server";
    this.ws = new WebSocket(wsUrl);
    this.ws.binaryType = "arraybuffer";
    this.ready = new Promise((resolve, reject) => {
      this.ws.onmessage = (e) => {
        if (typeof e.data === "string") {
          const msg = JSON.parse(e.data);
          if (msg.event === "open") { this.label = msg.url; resolve(this); }
          else if (msg.event === "error") { reject(new Error(msg.message)); this._closed(msg.message); }
          return;
        }
        this.onData(new Uint8Array(e.data));
      };
      this.ws.onclose = (e) => { reject(new Error(e.reason || "the server closed the connection")); this._closed(e.reason || "the connection to the board was lost"); };
    });
  }

  _closed(why) { if (!this.done) { this.done = true; this.onClose(why); } }

  async write(bytes) {
    if (this.ws.readyState !== WebSocket.OPEN) throw new Error("the connection to the board is closed");
    this.ws.send(bytes);
  }

  async close() { this.done = true; this.ws.close(); }
}
