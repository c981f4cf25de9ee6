import { describe, expect, it } from "vitest";
import { iterationInFlight } from "../../src/effects/iteration-in-flight.js";
import { renderIteratingGatesCheck } from "../../src/checks/iterating-check.js";
import { sampleEvents as e, type StoryEvent } from "../../src/story/events.js";
import { stampDecisions, type StoredSnapshot } from "../../src/story/snapshot.js";
import { startStory, transition } from "../../src/story/transition.js";

let clock = 0;
/** Applies `events` in order as the engine does, each transition's decisions stamped with a new time. */
function walk(from: StoredSnapshot, events: StoryEvent[]): StoredSnapshot[] {
  const seen: StoredSnapshot[] = [];
  let s = from;
  for (const event of events) {
    const next = transition(s, event);
    expect(next.changed, `${event.type} at ${s.context.step}`).toBe(true);
    s = stampDecisions(next.snapshot, new Date(Date.UTC(2026, 11, 1, 0, 0, clock++)).toISOString());
    seen.push(s);
  }
  return seen;
}
const toBuild: StoryEvent[] = [e.INTAKE_PASSED, e.PLAN_READY, e.PREFLIGHT_PASSED];
const firstPass: StoryEvent[] = [e.BUILD_DONE, e.VERIFY_PASSED, e.SAFETY_PASSED, e.REVIEW_DONE];
const start = () => startStory({ startedBy: "alice", maxRecycles: 2, requirePlanApproval: false }).snapshot;

describe("iterationInFlight", () => {
  it("is null for the whole first pass, a failed test's recycle before the PR included, and while waiting on the PR", () => {
    const states = walk(start(), [...toBuild, e.BUILD_DONE, e.VERIFY_FAILED, ...firstPass]);
    for (const s of states) expect(iterationInFlight(s), s.context.step).toBeNull();
    expect(states.at(-1)?.context.step).toBe("reviewApproval");
  });

  it("keeps one key from the recycle on the PR through build, verify, safety and review; a new one per recycle inside it; none once it ends", () => {
    const open = walk(start(), [...toBuild, ...firstPass]).at(-1) as StoredSnapshot;
    const [recycled, built, failed, rebuilt, verified, safe, reviewed] = walk(open, [
      e.RECYCLE,
      e.BUILD_DONE,
      e.VERIFY_FAILED,
      e.BUILD_DONE,
      e.VERIFY_PASSED,
      e.SAFETY_PASSED,
      e.REVIEW_DONE,
    ]) as [StoredSnapshot, StoredSnapshot, StoredSnapshot, StoredSnapshot, StoredSnapshot, StoredSnapshot, StoredSnapshot];
    const first = iterationInFlight(recycled);
    expect(recycled.context.step).toBe("build");
    expect(first).toEqual({ pullRequest: 7, since: expect.stringMatching(/^2026-12-01T/) });
    expect(iterationInFlight(built)).toEqual(first);
    // Failing tests inside the iteration send it back to build: a new attempt, rendered once more.
    const second = iterationInFlight(failed);
    expect(second?.since).not.toBe(first?.since);
    for (const s of [rebuilt, verified, safe]) expect(iterationInFlight(s), s.context.step).toEqual(second);
    expect(safe.context.step).toBe("review");
    expect(iterationInFlight(reviewed)).toBeNull();
  });

  it("is null while the story holds during an iteration, so a hold is shown at once, and back when it is lifted", () => {
    const open = walk(start(), [...toBuild, ...firstPass]).at(-1) as StoredSnapshot;
    const [recycled, held, resumed] = walk(open, [e.RECYCLE, e.HOLD, e.UNHOLD]) as [StoredSnapshot, StoredSnapshot, StoredSnapshot];
    expect(iterationInFlight(recycled)).not.toBeNull();
    expect(iterationInFlight(held)).toBeNull();
    expect(iterationInFlight(resumed)).toEqual(iterationInFlight(recycled));
    const [budget] = walk(recycled, [e.BUDGET_EXHAUSTED]) as [StoredSnapshot];
    expect(iterationInFlight(budget)).toBeNull();
    const [killed] = walk(recycled, [e.KILL]) as [StoredSnapshot];
    expect(iterationInFlight(killed)).toBeNull();
  });
});

describe("renderIteratingGatesCheck", () => {
  const input = { storyId: "st_1", issueNumber: 51, pullRequest: 100, detailsUrl: "https://wave.example/stories/st_1" };
  it("is in progress (it blocks a merge), names the PR, and shows refused writes", () => {
    const run = renderIteratingGatesCheck(input);
    expect(run).toMatchObject({ name: "wave/gates", status: "in_progress", title: "Iterating on PR #100", externalId: "st_1" });
    expect(run.conclusion).toBeUndefined();
    expect(renderIteratingGatesCheck({ ...input, problems: ["GitHub refused to add the label"] }).summary).toContain(
      "GitHub refused to add the label",
    );
  });
});
