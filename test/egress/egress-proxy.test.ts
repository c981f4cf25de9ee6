import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEgressProxy, type EgressProxy } from "../../src/egress/egress-proxy.js";

/** Two loopback upstreams: the registry and a host that is not one. */
let registry: Server;
let other: Server;
let proxy: EgressProxy;
const seen: { host: string; headers: IncomingHttpHeaders; url: string }[] = [];
const listen = async (name: string) => {
  const server = createServer((req, res) => {
    seen.push({ host: name, headers: req.headers, url: req.url ?? "" });
    res.writeHead(200, { "content-type": "text/plain", connection: "close" });
    res.end(`${name}:${req.url ?? ""}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return server;
};
const hostOf = (s: Server) => `127.0.0.1:${(s.address() as { port: number }).port}`;

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ socketPath: proxy.socketPath, path, headers }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

function connectTo(target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.socketPath, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`));
    let answer = "";
    socket.on("data", (c: Buffer) => {
      answer += c.toString();
      if (answer.includes("\r\n\r\n")) {
        socket.destroy();
        resolve(answer.split("\r\n")[0] ?? "");
      }
    });
    socket.on("error", reject);
  });
}

beforeAll(async () => {
  registry = await listen("registry");
  other = await listen("other");
  proxy = await startEgressProxy({
    registries: { npm: `http://${hostOf(registry)}/base` },
    auth: { [hostOf(registry)]: "Bearer registry-secret", [hostOf(other)]: "Bearer other-secret" },
  });
});
afterAll(async () => {
  await proxy.close();
  registry.close();
  other.close();
});

describe("the egress proxy", () => {
  it("sends a registry route to its registry, under the registry's path, adding the operator's token", async () => {
    const res = await get("/r/npm/wave-fx-pad/-/wave-fx-pad-1.0.0.tgz?x=1", { authorization: "Bearer from-the-sandbox" });
    expect(res).toEqual({ status: 200, body: "registry:/base/wave-fx-pad/-/wave-fx-pad-1.0.0.tgz?x=1" });
    expect(seen.at(-1)?.headers.authorization).toBe("Bearer registry-secret");
    expect(proxy.log.at(-1)).toMatchObject({
      mode: "registry",
      host: hostOf(registry),
      allowed: true,
      authenticated: true,
      status: 200,
      path: "/base/wave-fx-pad/-/wave-fx-pad-1.0.0.tgz",
    });
  });

  it("lets an absolute-URI request through only to a registry's host, and never hands another host's token out", async () => {
    expect((await get(`http://${hostOf(registry)}/abs`)).status).toBe(200);
    const before = seen.length;
    const refused = await get(`http://${hostOf(other)}/steal`);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("not an allowed registry");
    expect(seen.length).toBe(before); // the other host was never contacted
    expect(proxy.log.at(-1)).toMatchObject({ mode: "forward", host: hostOf(other), allowed: false, status: 403 });
  });

  it("refuses an unknown registry route, a relative path and a CONNECT to a host outside the list, logging each", async () => {
    expect((await get("/r/pypi/simple/")).status).toBe(403);
    expect((await get("/index.html")).status).toBe(403);
    expect(await connectTo("exfil.example.com:443")).toBe("HTTP/1.1 403 Forbidden");
    expect(await connectTo(hostOf(registry))).toBe("HTTP/1.1 200 Connection Established");
    const refused = proxy.log.filter((e) => !e.allowed).map((e) => `${e.mode} ${e.host}`);
    expect(refused).toEqual(expect.arrayContaining(["registry registry:pypi", "forward (none)", "connect exfil.example.com:443"]));
  });
});
