import { rules as recommended } from "@secretlint/secretlint-rule-preset-recommend";
import { looksFake } from "./find-secrets.js";
import type { SecretHit } from "./find-secrets.js";

interface ReportDescriptor {
  message: { message: string };
  range: readonly [number, number];
}
interface ScannerRule {
  meta: { id: string; type?: string };
  create: (context: unknown, options: unknown) => { file?: (source: unknown) => unknown };
}

/** The preset's scanners; its comment filter (`secretlint-disable`) is left out on purpose: an agent could write that comment. */
const scanners = (recommended as unknown as ScannerRule[]).filter(
  (r) => r.meta.type !== "filter" && !r.meta.id.includes("filter-comments"),
);

/**
 * secretlint's recommended preset (AWS, GCP, GitHub, GitLab, npm, Slack,
 * Stripe, SendGrid, OpenAI, Anthropic, private keys, connection strings,
 * basic auth…) run in-process and synchronously: each rule's `file` handler
 * is called with a minimal rule context. secretlint's own `lintSource` does
 * the same but through promises, and the policy is synchronous. Hits carry a
 * redacted preview only.
 */
export function secretlintScan(text: string, filePath = "input.txt"): SecretHit[] {
  if (text.length < 16) return [];
  const hits: SecretHit[] = [];
  const ext = filePath.includes(".") ? filePath.slice(filePath.lastIndexOf(".")) : "";
  for (const rule of scanners) {
    const context = {
      sharedOptions: {},
      createTranslator: (messages: Record<string, { en?: unknown }>) => (id: string, props?: Record<string, unknown>) => {
        const handler = messages[id]?.en;
        return {
          message: typeof handler === "function" ? String((handler as (p: unknown) => unknown)(props ?? {})) : String(handler ?? id),
          messageId: id,
          data: props,
        };
      },
      report: (d: ReportDescriptor) => {
        const [start, end] = d.range;
        const value = text.slice(start, end);
        // The same documented placeholder rule as the own patterns (`ghp_xxxx…` in a README is not a key).
        if (looksFake(value)) return;
        const kind = /^found (.+?):/.exec(d.message.message)?.[1] ?? rule.meta.id.replace(/^@secretlint\/secretlint-rule-/, "");
        hits.push({
          ruleId: "secrets.token",
          kind: `${kind} (secretlint)`,
          index: start,
          preview: `${value.slice(0, 4)}… (${value.length} chars)`,
        });
      },
      ignore: () => undefined,
    };
    rule.create(context, {}).file?.({ content: text, filePath, ext, contentType: "text" });
  }
  return hits;
}
