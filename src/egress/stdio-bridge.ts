import { connect, type Socket } from "node:net";
import { FRAME, FrameReader, encodeFrame } from "./frames.js";

/**
 * The app's end of the forwarder's channel: each connection the forwarder opens inside the
 * sandbox becomes a connection to the egress proxy's unix socket, and bytes flow both ways as
 * frames. Returns a function that cuts every connection.
 */
export function bridgeToProxy(channel: { stdout: NodeJS.ReadableStream; stdin: NodeJS.WritableStream }, socketPath: string): () => void {
  const sockets = new Map<number, Socket>();
  let ended = false;
  const send = (type: (typeof FRAME)[keyof typeof FRAME], id: number, payload?: Buffer) => {
    if (!ended) channel.stdin.write(encodeFrame(type, id, payload));
  };
  const reader = new FrameReader((type, id, payload) => {
    if (type === FRAME.open) {
      const socket = connect(socketPath);
      sockets.set(id, socket);
      socket.on("data", (d: Buffer) => send(FRAME.data, id, d));
      socket.on("end", () => send(FRAME.end, id));
      socket.on("error", () => undefined);
      socket.on("close", () => {
        if (sockets.delete(id)) send(FRAME.close, id);
      });
      return;
    }
    const socket = sockets.get(id);
    if (!socket) return;
    if (type === FRAME.data) socket.write(payload);
    else if (type === FRAME.end) socket.end();
    else if (type === FRAME.close) {
      sockets.delete(id);
      socket.destroy();
    }
  });
  const onData = (chunk: Buffer) => {
    try {
      reader.push(chunk);
    } catch {
      cut();
    }
  };
  channel.stdout.on("data", onData);
  channel.stdin.on("error", () => undefined);
  function cut(): void {
    channel.stdout.removeListener("data", onData);
    for (const socket of sockets.values()) socket.destroy();
    sockets.clear();
    if (!ended) channel.stdin.end();
    ended = true;
  }
  return cut;
}
