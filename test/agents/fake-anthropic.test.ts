import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import {
  credentialOf,
  delayed,
  malformedJson,
  overloaded,
  rateLimited,
  reply,
  serverError,
  startFakeAnthropic,
  textReply,
  toolUse,
} from "../support/fake-anthropic.js";
import type { FakeAnthropic } from "../support/fake-anthropic.js";

let fake: FakeAnthropic | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const system = "You are a careful engineer. ".repeat(40);

function client(f: FakeAnthropic, extra: ConstructorParameters<typeof Anthropic>[0] = {}): Anthropic {
  return new Anthropic({ apiKey: "sk-test", baseURL: f.baseURL, maxRetries: 0, ...extra });
}

describe("fake Anthropic Messages API through the real SDK", () => {
  it("answers a scripted text message shaped like the API and records the request", async () => {
    fake = await startFakeAnthropic({ script: [textReply("hello there")] });
    const msg = await client(fake).messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(msg.type).toBe("message");
    expect(msg.role).toBe("assistant");
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.model).toBe("claude-sonnet-4-5");
    expect(msg.content).toEqual([{ type: "text", text: "hello there", citations: null }]);
    expect(msg.stop_reason).toBe("end_turn");
    expect(msg.stop_sequence).toBeNull();
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBe(3);
    expect(msg.usage.cache_creation_input_tokens).toBe(0);
    expect(msg.usage.cache_read_input_tokens).toBe(0);
    const [req] = fake.messageRequests();
    expect(req && credentialOf(req)).toBe("sk-test");
    expect(req?.headers["anthropic-version"]).toBeTruthy();
    expect(req?.body?.messages).toEqual([{ role: "user", content: "hi" }]);
    expect(fake.remaining()).toBe(0);
  });

  it("answers tool_use blocks with stop_reason tool_use and pinned usage", async () => {
    fake = await startFakeAnthropic({
      script: [
        reply([textReply("looking").content[0]!, toolUse("bash", { command: "ls" })], { usage: { input_tokens: 1234, output_tokens: 56 } }),
      ],
    });
    const msg = await client(fake).messages.create({ model: "m", max_tokens: 100, messages: [{ role: "user", content: "go" }] });
    expect(msg.stop_reason).toBe("tool_use");
    const block = msg.content[1];
    expect(block?.type).toBe("tool_use");
    if (block?.type !== "tool_use") throw new Error("unreachable");
    expect(block.id).toMatch(/^toolu_/);
    expect(block.name).toBe("bash");
    expect(block.input).toEqual({ command: "ls" });
    expect(msg.usage.input_tokens).toBe(1234);
    expect(msg.usage.output_tokens).toBe(56);
  });

  it("lets the SDK retry 429 (retry-after), 529 and 500, then succeed", async () => {
    fake = await startFakeAnthropic({ script: [rateLimited(0), overloaded(), serverError(), textReply("ok")] });
    const msg = await client(fake, { maxRetries: 3 }).messages.create({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "x" }],
    });
    expect(msg.content[0]).toMatchObject({ text: "ok" });
    expect(fake.messageRequests().map((r) => r.status)).toEqual([429, 529, 500, 200]);
  });

  it("surfaces errors once retries run out, with the API's error type", async () => {
    fake = await startFakeAnthropic({ script: [overloaded(), overloaded()] });
    const err = await client(fake, { maxRetries: 1 })
      .messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).status).toBe(529);
    expect(String((err as Error).message)).toContain("overloaded_error");
  });

  it("sends malformed JSON that the SDK cannot parse", async () => {
    fake = await startFakeAnthropic({ script: [malformedJson()] });
    await expect(
      client(fake).messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
    ).rejects.toThrow();
  });

  it("delays past the client's timeout", async () => {
    fake = await startFakeAnthropic({ script: [delayed(2_000, textReply("late"))] });
    await expect(
      client(fake, { timeout: 200 }).messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
    ).rejects.toBeInstanceOf(Anthropic.APIConnectionTimeoutError);
  });

  it("asks the responder when the script is empty, and fails without retry when neither is there", async () => {
    fake = await startFakeAnthropic({ responder: (r) => textReply(`echo ${r.index}`) });
    const c = client(fake, { maxRetries: 2 });
    const a = await c.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
    expect(a.content[0]).toMatchObject({ text: "echo 0" });
    fake.setResponder(undefined);
    await expect(c.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] })).rejects.toThrow(
      /script is exhausted/,
    );
    expect(fake.messageRequests()).toHaveLength(2);
  });

  it("simulates prompt caching from cache_control breakpoints, including a moving breakpoint", async () => {
    fake = await startFakeAnthropic({ responder: () => reply([toolUse("bash", { command: "ls" }, "toolu_1")]) });
    const c = client(fake);
    const base = {
      model: "claude-sonnet-4-5",
      max_tokens: 100,
      system: [{ type: "text" as const, text: system, cache_control: { type: "ephemeral" as const } }],
    };
    const turn1: Anthropic.MessageParam[] = [
      { role: "user", content: [{ type: "text", text: "task ".repeat(100), cache_control: { type: "ephemeral" } }] },
    ];
    const first = await c.messages.create({ ...base, messages: turn1 });
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(200);
    expect(first.usage.input_tokens).toBe(1);

    const again = await c.messages.create({ ...base, messages: turn1 });
    expect(again.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(again.usage.cache_creation_input_tokens).toBe(0);

    // Next turn: the old breakpoint moves to the newest block; the prior turns are read from cache.
    const turn2: Anthropic.MessageParam[] = [
      { role: "user", content: [{ type: "text", text: "task ".repeat(100) }] },
      { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "a\nb\n", cache_control: { type: "ephemeral" } }] },
    ];
    const second = await c.messages.create({ ...base, messages: turn2 });
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(second.usage.cache_creation_input_tokens).toBeLessThan(50);
  });

  it("does not cache prefixes below the minimum cacheable length", async () => {
    fake = await startFakeAnthropic({ minCacheableTokens: 100_000, responder: () => textReply("x") });
    const msg = await client(fake).messages.create({
      model: "m",
      max_tokens: 10,
      system: [{ type: "text", text: system, cache_control: { type: "ephemeral" } }],
      messages: [{ role: "user", content: "x" }],
    });
    expect(msg.usage.cache_creation_input_tokens).toBe(0);
    expect(msg.usage.input_tokens).toBeGreaterThan(200);
  });

  it("rejects more than four breakpoints and unanswered tool_use like the API", async () => {
    fake = await startFakeAnthropic({ responder: () => textReply("x") });
    const c = client(fake);
    const cc = { type: "ephemeral" as const };
    await expect(
      c.messages.create({
        model: "m",
        max_tokens: 10,
        system: [1, 2, 3, 4, 5].map((n) => ({ type: "text" as const, text: `s${n}`, cache_control: cc })),
        messages: [{ role: "user", content: "x" }],
      }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(
      c.messages.create({
        model: "m",
        max_tokens: 10,
        messages: [
          { role: "user", content: "x" },
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_9", name: "bash", input: {} }] },
          { role: "user", content: "no result here" },
        ],
      }),
    ).rejects.toThrow(/tool_use.*ids were found without/);
  });

  it("serves count_tokens and the beta client, and is reachable through ANTHROPIC_BASE_URL", async () => {
    fake = await startFakeAnthropic({ script: [textReply("beta ok")] });
    const previous = process.env.ANTHROPIC_BASE_URL;
    process.env.ANTHROPIC_BASE_URL = fake.baseURL;
    try {
      const c = new Anthropic({ apiKey: "sk-env", maxRetries: 0 });
      const count = await c.messages.countTokens({ model: "m", messages: [{ role: "user", content: "abcdefgh" }] });
      expect(count.input_tokens).toBeGreaterThan(0);
      const msg = await c.beta.messages.create({ model: "m", max_tokens: 10, messages: [{ role: "user", content: "x" }] });
      expect(msg.content[0]).toMatchObject({ text: "beta ok" });
      expect(fake.requests.map((r) => r.path)).toEqual(["/v1/messages/count_tokens", "/v1/messages"]);
      expect(fake.requests[1] && credentialOf(fake.requests[1])).toBe("sk-env");
      expect(fake.modelTimeMs()).toBeGreaterThanOrEqual(0);
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_BASE_URL;
      else process.env.ANTHROPIC_BASE_URL = previous;
    }
  });
});
