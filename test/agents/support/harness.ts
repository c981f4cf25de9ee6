import { randomUUID } from "node:crypto";
import pg from "pg";
import type Anthropic from "@anthropic-ai/sdk";
import { createAnthropicClient } from "../../../src/agents/anthropic-client.js";
import { pgBudgetLedger } from "../../../src/agents/ledger.js";
import type { BudgetLedger, BudgetScope } from "../../../src/agents/ledger.js";
import type { ModelDeps } from "../../../src/agents/model-call.js";
import type { ScreenVerdict, ToolCall, ToolCallScreen } from "../../../src/agents/screening.js";
import { freshDatabase } from "../../support/db.js";
import type { FakeAnthropic } from "../../support/fake-anthropic.js";

/** A screen that allows everything except calls a test names. */
export function testScreen(refuse: (call: ToolCall) => string | undefined = () => undefined): ToolCallScreen & { seen: ToolCall[] } {
  const seen: ToolCall[] = [];
  return {
    seen,
    screen: async (call): Promise<ScreenVerdict> => {
      seen.push(call);
      const reason = refuse(call);
      return reason
        ? { decision: "block", score: 0, reasons: [reason], ruleIds: ["test.refuse"] }
        : { decision: "allow", score: 1, reasons: [], ruleIds: [] };
    },
  };
}

export interface Harness {
  pool: pg.Pool;
  ledger: BudgetLedger;
  close: () => Promise<void>;
  deps: (
    fake: FakeAnthropic,
    scope?: Partial<BudgetScope>,
    api?: { max_retries?: number; request_timeout_seconds?: number },
  ) => ModelDeps & { client: Anthropic };
}

/** A migrated database, a ledger on it, and model deps pointed at a fake server. */
export async function harness(): Promise<Harness> {
  const db = await freshDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  // Dropping the test database (WITH FORCE) ends any connection still open with
  // 57P01; that is the teardown, not a failure. Anything else stays loud.
  let closing = false;
  pool.on("error", (error: Error & { code?: string }) => {
    if (closing && error.code === "57P01") return;
    throw error;
  });
  const ledger = pgBudgetLedger(pool);
  return {
    pool,
    ledger,
    close: async () => {
      closing = true;
      await pool.end();
      await db.drop();
    },
    deps: (fake, scope = {}, api = {}) => ({
      client: createAnthropicClient(
        { max_retries: api.max_retries ?? 0, request_timeout_seconds: api.request_timeout_seconds ?? 30 },
        { ANTHROPIC_API_KEY: "sk-test", ANTHROPIC_BASE_URL: fake.baseURL },
      ),
      ledger,
      scope: { storyId: randomUUID(), repoId: 4242, storyCapUsd: 4, repoCapUsd: 200, ...scope },
      prices: {},
    }),
  };
}
