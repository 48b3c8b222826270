// TEST DOUBLE: a fake navigator.serial for the studio's tests. Chromium's Web Serial cannot
// see a pty, so this stands in for the browser's serial port: requestPort() gives a port
// whose readable/writable streams carry bytes over the studio server's bridge
// (/ws/bridge?target=__BOARD__) to a virtual board. The page's own code is unchanged.
(() => {
  class FakePort {
    constructor() { this.readable = null; this.writable = null; }
    async open() {
      const ws = new WebSocket(`ws://${location.host}/ws/bridge?target=__BOARD__`);
      ws.binaryType = "arraybuffer";
      let push;
      this.readable = new ReadableStream({ start(c) { push = c; } });
      await new Promise((resolve, reject) => {
        ws.onmessage = (e) => {
          if (typeof e.data === "string") { if (JSON.parse(e.data).event === "open") resolve(); return; }
          push.enqueue(new Uint8Array(e.data));
        };
        ws.onclose = () => { try { push.error(new Error("the device has been lost")); } catch {} reject(new Error("closed")); };
      });
      this.writable = new WritableStream({ write(chunk) { ws.send(chunk); } });
      this.ws = ws;
    }
    async close() { this.ws.close(); }
    getInfo() { return { usbVendorId: 0x0d28, usbProductId: 0x0204 }; }
  }
  const serial = new EventTarget();
  serial.requestPort = async () => new FakePort();
  serial.getPorts = async () => [];
  Object.defineProperty(navigator, "serial", { value: serial });
})();
