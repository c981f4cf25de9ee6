import { describe, expect, it } from "vitest";
import { notifySection } from "../../src/config/sections/notify.js";
import { notificationFor, routesFor, type TransitionFacts } from "../../src/notify/notification-for.js";
import { sampleEvents } from "../../src/story/events.js";

const base: Omit<TransitionFacts, "event" | "from" | "to"> = {
  reason: "r",
  repository: "o/r",
  issueNumber: 3,
  title: "T",
  url: "https://github.com/o/r/issues/3",
};
const facts = (event: TransitionFacts["event"], from: string, to: string): TransitionFacts => ({ ...base, event, from, to });

describe("which transitions are worth a notification", () => {
  it.each([
    [sampleEvents.SAFETY_BLOCKED, "safety.working", "held@safety", "safety", "critical"],
    [sampleEvents.SAFETY_ESCALATED, "safety.working", "safety.approval", "safety", "warning"],
    [sampleEvents.PREFLIGHT_ESCALATED, "preflight.working", "preflight.approval", "safety", "warning"],
    [sampleEvents.BUDGET_EXHAUSTED, "build", "held@build", "budget-exhausted", "warning"],
    [sampleEvents.KILL, "build", "killed", "killed", "warning"],
    [sampleEvents.HOLD, "build", "held@build", "held", "warning"],
    [sampleEvents.REVIEW_DONE, "review.working", "review.approval", "pr-ready", "info"],
    [sampleEvents.PLAN_READY, "plan.working", "plan.approval", "waiting-for-human", "info"],
  ] as const)("%o from %s to %s → %s (%s)", (event, from, to, kind, severity) => {
    const n = notificationFor(facts(event, from, to));
    expect(n).toMatchObject({ event: kind, severity });
    expect(n?.text).toContain("<https://github.com/o/r/issues/3|o/r#3>");
  });

  it("says nothing when nothing a person cares about changed", () => {
    expect(notificationFor(facts(sampleEvents.PLAN_READY, "plan.working", "preflight.working"))).toBeNull();
    expect(notificationFor(facts(sampleEvents.HOLD, "held@build", "held@build"))).toBeNull();
    // The organisation's stop is one message for the organisation, not one per story.
    expect(notificationFor(facts(sampleEvents.EMERGENCY_STOP, "build", "held@build"))).toBeNull();
  });
});

describe("routing by event, severity and repository", () => {
  const config = notifySection.parse({
    slack: {
      routes: [
        { webhook_env: "SLACK_OPS", min_severity: "warning" },
        { webhook_env: "SLACK_WEB", events: ["pr-ready", "held"], repositories: ["web"] },
      ],
    },
  });
  it("sends each notification to every matching channel once", () => {
    expect(routesFor(config, { event: "held", severity: "warning", text: "" }, "Web")).toEqual(["SLACK_OPS", "SLACK_WEB"]);
    expect(routesFor(config, { event: "held", severity: "warning", text: "" }, "api")).toEqual(["SLACK_OPS"]);
    expect(routesFor(config, { event: "pr-ready", severity: "info", text: "" }, "api")).toEqual([]);
    expect(routesFor(config, { event: "emergency-stop", severity: "critical", text: "" }, null)).toEqual(["SLACK_OPS"]);
  });
  it("refuses a webhook URL written into the config: only an environment variable's name is accepted", () => {
    expect(notifySection.safeParse({ slack: { routes: [{ webhook_env: "https://hooks.slack.com/services/T/B/x" }] } }).success).toBe(false);
  });
});
