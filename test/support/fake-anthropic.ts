import { createHash, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { MessageCreateParamsNonStreaming } from "@anthropic-ai/sdk/resources/messages/messages.js";

/**
 * A local fake of the Anthropic Messages API for tests and benches.
 *
 * It listens on 127.0.0.1 on a random port and is meant to be reached through
 * the real `@anthropic-ai/sdk` (`new Anthropic({ baseURL: fake.baseURL })` or
 * `ANTHROPIC_BASE_URL=fake.baseURL`), so request building, retries, timeouts and
 * response parsing are the SDK's own.
 *
 * - `POST /v1/messages` (also `?beta=true`): answers the next scripted reply, or
 *   asks the responder function. Non-streaming only.
 * - `POST /v1/messages/count_tokens`: answers `{ input_tokens }` from the same
 *   estimate, without consuming the script.
 *
 * Every request is recorded (headers + parsed body) in `requests`.
 *
 * Usage figures the script leaves out are computed: tokens are estimated as
 * chars/4 of each prompt block; prompt caching is simulated from the request's
 * `cache_control` breakpoints (order: tools, system, messages, as the API does):
 * the longest prefix already written by an earlier request is a cache read, the
 * rest up to the last breakpoint a cache write, and what follows the last
 * breakpoint is plain `input_tokens`. The fake also rejects, with the API's 400,
 * the request mistakes that cost real money in production: more than four
 * breakpoints, `tool_use` blocks not answered by `tool_result` blocks in the next
 * user turn, and missing required fields.
 *
 * @example
 * const fake = await startFakeAnthropic({ script: [rateLimited(0), reply([toolUse("bash", { command: "ls" })])] });
 * const client = new Anthropic({ apiKey: "test", baseURL: fake.baseURL });
 * ...
 * expect(fake.messageRequests()).toHaveLength(2);
 * await fake.close();
 */

/** One content block of a scripted reply. */
export type FakeContent =
  | { type: "text"; text: string }
  | { type: "tool_use"; name: string; input: unknown; id?: string }
  /** Current models think between tool calls; clients must send these blocks back unchanged. */
  | { type: "thinking"; thinking: string; signature?: string };

/** Usage figures a script may pin; anything left out is computed. */
export interface FakeUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/** A successful `message` answer. */
export interface FakeMessageReply {
  kind: "message";
  content: FakeContent[];
  /** Default: "tool_use" when the content has a tool_use block, else "end_turn". */
  stop_reason?: "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal";
  stop_sequence?: string | null;
  usage?: FakeUsage;
  /** Default: the request's model. */
  model?: string;
  /** Milliseconds to wait before answering (counted as time inside the model). */
  delayMs?: number;
}

/** An API error answer (429, 500, 529 …) shaped like the real one. */
export interface FakeErrorReply {
  kind: "error";
  status: number;
  /** The API's error type, e.g. "rate_limit_error", "overloaded_error", "api_error". */
  errorType: string;
  message?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** A raw body that is not what the API would send (e.g. broken JSON). */
export interface FakeRawReply {
  kind: "raw";
  status: number;
  body: string;
  contentType?: string;
  delayMs?: number;
}

export type FakeReply = FakeMessageReply | FakeErrorReply | FakeRawReply;

/** A request the fake received. */
export interface RecordedRequest {
  /** 0-based position among all requests. */
  index: number;
  method: string;
  /** Path without the query, e.g. "/v1/messages". */
  path: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  rawBody: string;
  /** The parsed JSON body (undefined when it did not parse). */
  body: MessageCreateParamsNonStreaming | undefined;
  receivedAt: number;
  /** When the answer was written (undefined while pending or when the client went away). */
  respondedAt?: number;
  /** The status the fake answered with. */
  status?: number;
  /** Usage the fake answered with, for message replies. */
  usage?: Required<FakeUsage>;
}

/** Computes the answer for a messages request; may be async. */
export type FakeResponder = (request: RecordedRequest) => FakeReply | Promise<FakeReply>;

export interface FakeAnthropicOptions {
  /** Replies played in order, one per `POST /v1/messages`. */
  script?: FakeReply[];
  /** Used when the script is empty; without one an empty script answers a 500 that the SDK does not retry. */
  responder?: FakeResponder;
  /** Prefixes shorter than this are not cached (the real API's minimum is 1024–4096 by model). Default 0. */
  minCacheableTokens?: number;
}

export interface FakeAnthropic {
  /** e.g. "http://127.0.0.1:39211"; pass as `baseURL` or `ANTHROPIC_BASE_URL`. */
  readonly baseURL: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Only the `POST /v1/messages` requests. */
  messageRequests(): RecordedRequest[];
  /** Appends replies to the script. */
  push(...replies: FakeReply[]): void;
  setResponder(responder: FakeResponder | undefined): void;
  /** Scripted replies not yet played. */
  remaining(): number;
  /** Forgets every cached prefix. */
  clearCache(): void;
  /** Milliseconds spent between receiving messages requests and answering them, summed. */
  modelTimeMs(): number;
  close(): Promise<void>;
}

/** The credential a request carried: `x-api-key`, or the token of `Authorization: Bearer` (the SDK 1.x sends API keys that way). */
export function credentialOf(request: RecordedRequest): string | undefined {
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? "");
  return request.headers["x-api-key"] ?? bearer?.[1];
}

/** Rough token estimate the fake uses: a quarter of the characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** A text reply. */
export function textReply(text: string, extra: Partial<Omit<FakeMessageReply, "kind" | "content">> = {}): FakeMessageReply {
  return { kind: "message", content: [{ type: "text", text }], ...extra };
}

/** A reply with the given blocks. */
export function reply(content: FakeContent[], extra: Partial<Omit<FakeMessageReply, "kind" | "content">> = {}): FakeMessageReply {
  return { kind: "message", content, ...extra };
}

/** A `tool_use` block; the id is generated when not given. */
export function toolUse(name: string, input: unknown, id?: string): FakeContent {
  return id === undefined ? { type: "tool_use", name, input } : { type: "tool_use", name, input, id };
}

/** A thinking block, as current models return between tool calls. */
export function thinking(text: string): FakeContent {
  return { type: "thinking", thinking: text };
}

/** 429 rate_limit_error with a `retry-after` in seconds (0 lets tests retry at once). */
export function rateLimited(retryAfterSeconds = 0): FakeErrorReply {
  return {
    kind: "error",
    status: 429,
    errorType: "rate_limit_error",
    message: "Number of request tokens has exceeded your per-minute rate limit.",
    headers: { "retry-after": String(retryAfterSeconds), "retry-after-ms": String(Math.max(1, retryAfterSeconds * 1000)) },
  };
}

/** 529 overloaded_error. `retryAfterMs` keeps retries fast in tests. */
export function overloaded(retryAfterMs = 1): FakeErrorReply {
  return {
    kind: "error",
    status: 529,
    errorType: "overloaded_error",
    message: "Overloaded",
    headers: { "retry-after-ms": String(retryAfterMs) },
  };
}

/** 500 api_error. */
export function serverError(retryAfterMs = 1): FakeErrorReply {
  return {
    kind: "error",
    status: 500,
    errorType: "api_error",
    message: "Internal server error",
    headers: { "retry-after-ms": String(retryAfterMs) },
  };
}

/** A 200 whose body is not valid JSON. */
export function malformedJson(): FakeRawReply {
  return { kind: "raw", status: 200, body: '{"id":"msg_broken","type":"message","content":[{"type":"te', contentType: "application/json" };
}

/** Wraps a reply so it is sent only after `ms` (e.g. past the client's timeout). */
export function delayed<T extends FakeReply>(ms: number, r: T): T {
  return { ...r, delayMs: ms };
}

interface Block {
  key: string;
  tokens: number;
  breakpoint: boolean;
}

const MAX_BREAKPOINTS = 4;
const LOOKBACK_BLOCKS = 20;

class RequestInvalid extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function withoutCacheControl(v: Record<string, unknown>): Record<string, unknown> {
  const { cache_control: _ignored, ...rest } = v;
  return rest;
}

/** The prompt as the API caches it: tools, then system, then messages, one entry per block. */
function promptBlocks(body: Record<string, unknown>): Block[] {
  const blocks: Block[] = [];
  const add = (v: unknown, role = ""): void => {
    const rec = isRecord(v) ? v : { text: v };
    // The role is part of what is cached, so it joins the key of a turn's first block.
    const key = role + JSON.stringify(withoutCacheControl(rec));
    blocks.push({ key, tokens: estimateTokens(key), breakpoint: isRecord(v) && v.cache_control != null });
  };
  for (const tool of Array.isArray(body.tools) ? body.tools : []) add(tool);
  if (typeof body.system === "string") add(body.system);
  else if (Array.isArray(body.system)) for (const b of body.system) add(b);
  for (const m of Array.isArray(body.messages) ? body.messages : []) {
    if (!isRecord(m)) continue;
    const role = `${String(m.role)}:`;
    if (typeof m.content === "string") add(m.content, role);
    else if (Array.isArray(m.content)) m.content.forEach((b: unknown, i: number) => add(b, i === 0 ? role : ""));
  }
  return blocks;
}

function validateRequest(body: unknown): asserts body is MessageCreateParamsNonStreaming {
  if (!isRecord(body)) throw new RequestInvalid("body: expected a JSON object");
  if (typeof body.model !== "string" || body.model === "") throw new RequestInvalid("model: Field required");
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens) || body.max_tokens < 1)
    throw new RequestInvalid("max_tokens: Field required (a positive integer)");
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw new RequestInvalid("messages: at least one message is required");
  if (body.stream === true) throw new RequestInvalid("stream: the fake answers non-streaming requests only");
  const messages: unknown[] = body.messages;
  const first = messages[0];
  if (!isRecord(first) || first.role !== "user") throw new RequestInvalid('messages.0.role: the first message must use the "user" role');
  messages.forEach((m, i) => {
    if (!isRecord(m) || (m.role !== "user" && m.role !== "assistant"))
      throw new RequestInvalid(`messages.${i}.role: expected "user" or "assistant"`);
    if (typeof m.content === "string") {
      if (m.content === "" && !(m.role === "assistant" && i === messages.length - 1))
        throw new RequestInvalid(`messages.${i}: text content blocks must be non-empty`);
      return;
    }
    if (!Array.isArray(m.content)) throw new RequestInvalid(`messages.${i}.content: expected a string or a list of blocks`);
    if (m.content.length === 0 && !(m.role === "assistant" && i === messages.length - 1))
      throw new RequestInvalid(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    if (m.role !== "assistant") return;
    const ids = m.content.filter((b): b is Record<string, unknown> => isRecord(b) && b.type === "tool_use").map((b) => String(b.id));
    if (ids.length === 0) return;
    const next = messages[i + 1];
    const answered = new Set(
      isRecord(next) && next.role === "user" && Array.isArray(next.content)
        ? next.content
            .filter((b): b is Record<string, unknown> => isRecord(b) && b.type === "tool_result")
            .map((b) => String(b.tool_use_id))
        : [],
    );
    const missing = ids.filter((id) => !answered.has(id));
    if (missing.length > 0 && i + 1 < messages.length)
      throw new RequestInvalid(
        `messages.${i + 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
      );
  });
  const breakpoints = promptBlocks(body).filter((b) => b.breakpoint).length;
  if (breakpoints > MAX_BREAKPOINTS)
    throw new RequestInvalid(`A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
}

function newId(prefix: string): string {
  return `${prefix}_01${randomBytes(12).toString("base64url").replace(/[-_]/g, "x")}`;
}

/**
 * Starts the fake on 127.0.0.1 with a random port. Close it in `afterAll`/`afterEach`.
 */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const script: FakeReply[] = [...(options.script ?? [])];
  let responder = options.responder;
  const minCacheable = options.minCacheableTokens ?? 0;
  const requests: RecordedRequest[] = [];
  /** Hashes of prefixes written to the cache, per model. */
  const cache = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();

  const computeUsage = (body: MessageCreateParamsNonStreaming, pinned: FakeUsage, content: FakeContent[]): Required<FakeUsage> => {
    const blocks = promptBlocks(body as unknown as Record<string, unknown>);
    const hashes: string[] = [];
    const hash = createHash("sha256").update(body.model);
    let total = 0;
    const cumulative: number[] = [];
    for (const b of blocks) {
      hash.update("\u0000").update(b.key);
      hashes.push(hash.copy().digest("hex"));
      total += b.tokens;
      cumulative.push(total);
    }
    let lastBreakpoint = -1;
    blocks.forEach((b, i) => {
      if (b.breakpoint) lastBreakpoint = i;
    });
    // Like the API: from each breakpoint, look back up to LOOKBACK_BLOCKS block
    // boundaries for the longest prefix an earlier request wrote.
    let readUpTo = -1;
    blocks.forEach((b, bp) => {
      if (!b.breakpoint) return;
      for (let i = bp; i >= Math.max(0, bp - LOOKBACK_BLOCKS); i--) {
        if (cache.has(hashes[i] ?? "")) {
          readUpTo = Math.max(readUpTo, i);
          break;
        }
      }
    });
    const cachedTokens = lastBreakpoint >= 0 && (cumulative[lastBreakpoint] ?? 0) >= minCacheable ? (cumulative[lastBreakpoint] ?? 0) : 0;
    const read = readUpTo >= 0 && cachedTokens > 0 ? (cumulative[readUpTo] ?? 0) : 0;
    const write = cachedTokens > 0 ? cachedTokens - read : 0;
    if (cachedTokens > 0)
      blocks.forEach((b, i) => {
        if (b.breakpoint && (cumulative[i] ?? 0) >= minCacheable) cache.add(hashes[i] ?? "");
      });
    const outputChars = content.reduce(
      (n, c) =>
        n +
        (c.type === "text" ? c.text.length : c.type === "thinking" ? c.thinking.length : JSON.stringify(c.input).length + c.name.length),
      0,
    );
    return {
      input_tokens: pinned.input_tokens ?? Math.max(1, total - cachedTokens),
      output_tokens: pinned.output_tokens ?? Math.max(1, Math.ceil(outputChars / 4)),
      cache_creation_input_tokens: pinned.cache_creation_input_tokens ?? write,
      cache_read_input_tokens: pinned.cache_read_input_tokens ?? read,
    };
  };

  const send = (res: ServerResponse, rec: RecordedRequest, status: number, body: string, headers: Record<string, string>): void => {
    if (res.destroyed || res.writableEnded) return;
    rec.status = status;
    rec.respondedAt = Date.now();
    res.writeHead(status, { "content-type": "application/json", "request-id": newId("req"), ...headers });
    res.end(body);
  };

  const errorBody = (errorType: string, message: string): string =>
    JSON.stringify({ type: "error", error: { type: errorType, message }, request_id: newId("req") });

  const later = (ms: number, fn: () => void): void => {
    if (ms <= 0) return fn();
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const answer = (res: ServerResponse, rec: RecordedRequest, r: FakeReply): void => {
    later(r.delayMs ?? 0, () => {
      if (r.kind === "raw") return send(res, rec, r.status, r.body, { "content-type": r.contentType ?? "application/json" });
      if (r.kind === "error") return send(res, rec, r.status, errorBody(r.errorType, r.message ?? r.errorType), r.headers ?? {});
      const body = rec.body;
      if (body === undefined) return send(res, rec, 400, errorBody("invalid_request_error", "body did not parse"), {});
      const usage = computeUsage(body, r.usage ?? {}, r.content);
      rec.usage = usage;
      const content = r.content.map((c) =>
        c.type === "text"
          ? { type: "text", text: c.text, citations: null }
          : c.type === "thinking"
            ? { type: "thinking", thinking: c.thinking, signature: c.signature ?? randomBytes(24).toString("base64") }
            : { type: "tool_use", id: c.id ?? newId("toolu"), name: c.name, input: c.input, caller: { type: "direct" } },
      );
      const message = {
        id: newId("msg"),
        type: "message",
        role: "assistant",
        model: r.model ?? body.model,
        content,
        stop_reason: r.stop_reason ?? (r.content.some((c) => c.type === "tool_use") ? "tool_use" : "end_turn"),
        stop_sequence: r.stop_sequence ?? null,
        usage: {
          ...usage,
          cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
          server_tool_use: null,
          service_tier: "standard",
        },
      };
      send(res, rec, 200, JSON.stringify(message), {});
    });
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    let parsed: unknown;
    try {
      parsed = rawBody === "" ? undefined : JSON.parse(rawBody);
    } catch {
      parsed = undefined;
    }
    const rec: RecordedRequest = {
      index: requests.length,
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      rawBody,
      body: undefined,
      receivedAt: Date.now(),
    };
    requests.push(rec);
    const isMessages = rec.method === "POST" && rec.path === "/v1/messages";
    const isCount = rec.method === "POST" && rec.path === "/v1/messages/count_tokens";
    if (!isMessages && !isCount)
      return send(res, rec, 404, errorBody("not_found_error", `fake-anthropic: no route for ${rec.method} ${rec.path}`), {});
    if (!headers["x-api-key"] && !headers.authorization)
      return send(res, rec, 401, errorBody("authentication_error", "x-api-key header is required"), {});
    try {
      if (isCount) {
        const body = isRecord(parsed) ? { ...parsed, max_tokens: 1 } : parsed;
        validateRequest(body);
        rec.body = body;
        const tokens = promptBlocks(body as unknown as Record<string, unknown>).reduce((n, b) => n + b.tokens, 0);
        return send(res, rec, 200, JSON.stringify({ input_tokens: tokens }), {});
      }
      validateRequest(parsed);
      rec.body = parsed;
    } catch (error) {
      if (error instanceof RequestInvalid) return send(res, rec, 400, errorBody("invalid_request_error", error.message), {});
      throw error;
    }
    const next = script.shift() ?? (responder ? await responder(rec) : undefined);
    if (next === undefined)
      return send(res, rec, 500, errorBody("api_error", "fake-anthropic: the script is exhausted and no responder is set"), {
        "x-should-retry": "false",
      });
    answer(res, rec, next);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json", "x-should-retry": "false" });
        res.end(errorBody("api_error", `fake-anthropic crashed: ${error instanceof Error ? error.message : String(error)}`));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseURL: `http://127.0.0.1:${port}`,
    requests,
    messageRequests: () => requests.filter((r) => r.method === "POST" && r.path === "/v1/messages"),
    push: (...replies) => {
      script.push(...replies);
    },
    setResponder: (r) => {
      responder = r;
    },
    remaining: () => script.length,
    clearCache: () => cache.clear(),
    modelTimeMs: () =>
      requests
        .filter((r) => r.path === "/v1/messages" && r.respondedAt !== undefined)
        .reduce((n, r) => n + ((r.respondedAt ?? r.receivedAt) - r.receivedAt), 0),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
