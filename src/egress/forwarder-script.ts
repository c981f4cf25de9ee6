import { FRAME_HEADER } from "./frames.js";

/** The line the forwarder prints on stderr once it listens. */
export const FORWARDER_READY = "wave-egress-ready";

/** The loopback port the forwarder listens on inside the setup sandbox (nothing else listens there). */
export const FORWARDER_PORT = 47_300;

/**
 * The forwarder, run with `node -e` in the setup sandbox (the image is not changed): it listens on
 * 127.0.0.1 and carries each accepted connection as frames (see frames.ts) over its own stdin and
 * stdout, which are the docker exec stream to the app. It knows no host and no credential; the
 * app's proxy decides what each connection may reach. When its stdin ends it exits, and with it
 * the only path out of the sandbox. argv[1]: the port.
 */
export const FORWARDER_SCRIPT = `"use strict";
const net = require("net");
const H = ${FRAME_HEADER};
const socks = new Map();
let next = 1;
function frame(t, id, d) {
  const h = Buffer.alloc(H); h[0] = t; h.writeUInt32BE(id, 1); h.writeUInt32BE(d ? d.length : 0, 5);
  process.stdout.write(d && d.length ? Buffer.concat([h, d]) : h);
}
const server = net.createServer((s) => {
  const id = next++;
  socks.set(id, s);
  frame(0, id);
  s.on("data", (d) => { for (let i = 0; i < d.length; i += 65536) frame(1, id, d.subarray(i, i + 65536)); });
  s.on("end", () => frame(2, id));
  s.on("error", () => {});
  s.on("close", () => { if (socks.delete(id)) frame(3, id); });
});
server.listen(Number(process.argv[1]), "127.0.0.1", () => process.stderr.write("${FORWARDER_READY}\\n"));
let buf = Buffer.alloc(0);
process.stdin.on("data", (c) => {
  buf = buf.length ? Buffer.concat([buf, c]) : c;
  while (buf.length >= H) {
    const len = buf.readUInt32BE(5);
    if (buf.length < H + len) break;
    const t = buf[0], id = buf.readUInt32BE(1), d = buf.subarray(H, H + len);
    buf = buf.subarray(H + len);
    const s = socks.get(id);
    if (!s) continue;
    if (t === 1) s.write(d); else if (t === 2) s.end(); else if (t === 3) { socks.delete(id); s.destroy(); }
  }
});
process.stdin.on("end", () => process.exit(0));
`;
