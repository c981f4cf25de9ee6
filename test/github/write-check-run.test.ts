import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeCheckRun } from "../../src/github/write-check-run.js";
import type { CheckAnnotation, CheckRunPayload } from "../../src/github/check-run-payload.js";
import { truncateWithMarker } from "../../src/github/check-run-limits.js";
import { FakeGitHub } from "../publish/fake-github.js";

const SHA = "c".repeat(40);
let fake: FakeGitHub;
beforeEach(() => (fake = new FakeGitHub()));
afterEach(() => fake.close());

const working: CheckRunPayload = {
  name: "wave/gates",
  status: "in_progress",
  title: "Working on G3 Build",
  summary: "building",
  externalId: "st_1",
};
const held: CheckRunPayload = {
  name: "wave/gates",
  status: "completed",
  conclusion: "action_required",
  title: "Held",
  summary: "held",
  detailsUrl: "https://github.com/o/r/issues/1#issuecomment-1",
  actions: [{ label: "Unhold", description: "Resume this story", identifier: "unhold" }],
};

function annotations(n: number): CheckAnnotation[] {
  return Array.from({ length: n }, (_, i) => ({
    path: "src/a.ts",
    start_line: i + 1,
    end_line: i + 1,
    annotation_level: "warning",
    message: `finding ${i}`,
  }));
}

describe("writeCheckRun", () => {
  it("creates on the head SHA, updates by stored id, and skips an unchanged payload", async () => {
    const ctx = fake.context();
    const created = await writeCheckRun(ctx, { headSha: SHA, payload: working });
    expect(created.action).toBe("created");
    expect(fake.requests[0]?.body).toEqual({
      name: "wave/gates",
      head_sha: SHA,
      status: "in_progress",
      external_id: "st_1",
      actions: [],
      output: { title: "Working on G3 Build", summary: "building" },
    });

    const same = await writeCheckRun(ctx, { headSha: SHA, payload: working, stored: created.record });
    expect(same).toEqual({ record: created.record, action: "unchanged", requests: 0 });

    const updated = await writeCheckRun(ctx, { headSha: SHA, payload: held, stored: created.record });
    expect(updated.action).toBe("updated");
    expect(updated.record.id).toBe(created.record.id);
    expect(fake.requests[1]).toMatchObject({ method: "PATCH", path: `/repos/octo-org/hello/check-runs/${created.record.id}` });
    expect(fake.requests[1]?.body).toMatchObject({ status: "completed", conclusion: "action_required", details_url: held.detailsUrl });
    expect(fake.requests).toHaveLength(2);
  });

  it("creates a new run for a new head SHA and when a completed run goes back to work", async () => {
    const ctx = fake.context();
    const first = await writeCheckRun(ctx, { headSha: SHA, payload: held });
    const newHead = await writeCheckRun(ctx, { headSha: "d".repeat(40), payload: held, stored: first.record });
    expect(newHead.action).toBe("created");
    expect(newHead.record.id).not.toBe(first.record.id);
    const resumed = await writeCheckRun(ctx, { headSha: "d".repeat(40), payload: working, stored: newHead.record });
    expect(resumed.action).toBe("created");
  });

  it("creates a fresh run when asked to, as a re-run request needs", async () => {
    const ctx = fake.context();
    const first = await writeCheckRun(ctx, { headSha: SHA, payload: working });
    const rerun = await writeCheckRun(ctx, { headSha: SHA, payload: working, stored: first.record, fresh: true });
    expect(rerun.action).toBe("created");
    expect(rerun.record.id).not.toBe(first.record.id);
  });

  it("sends annotations 50 per request: the rest in follow-up updates", async () => {
    const result = await writeCheckRun(fake.context(), {
      headSha: SHA,
      payload: { ...working, name: "wave/safety", annotations: annotations(120) },
    });
    expect(result.requests).toBe(3);
    const writes = fake.checkRuns.get(result.record.id) ?? [];
    const sizes = writes.map((w) => ((w.output as { annotations?: unknown[] }).annotations ?? []).length);
    expect(sizes).toEqual([50, 50, 20]);
    expect(writes[2]?.output).toMatchObject({ title: "Working on G3 Build", summary: "building" });
  });

  it("creates a new run when the annotations changed, since GitHub appends rather than replaces them", async () => {
    const ctx = fake.context();
    const first = await writeCheckRun(ctx, { headSha: SHA, payload: { ...working, annotations: annotations(2) } });
    const retitled = await writeCheckRun(ctx, {
      headSha: SHA,
      payload: { ...working, title: "other", annotations: annotations(2) },
      stored: first.record,
    });
    expect(retitled.action).toBe("updated");
    expect(fake.requests[1]?.body).not.toHaveProperty("output.annotations");
    const changed = await writeCheckRun(ctx, {
      headSha: SHA,
      payload: { ...working, annotations: annotations(3) },
      stored: retitled.record,
    });
    expect(changed.action).toBe("created");
  });

  it("cuts the summary at 65,535 characters with a marker, and cuts long button text", async () => {
    const summary = "x".repeat(70_000);
    await writeCheckRun(fake.context(), {
      headSha: SHA,
      payload: {
        ...held,
        summary,
        actions: [{ label: "A label far longer than twenty", description: "d".repeat(60), identifier: "approve" }],
      },
    });
    const body = fake.requests[0]?.body as { output: { summary: string }; actions: { label: string; description: string }[] };
    expect(body.output.summary.length).toBeLessThanOrEqual(65_535);
    expect(body.output.summary).toMatch(/… truncated: \d+ more characters \(GitHub allows 65535\)\.$/);
    expect(body.actions[0]?.label).toHaveLength(20);
    expect(body.actions[0]?.description).toHaveLength(40);
  });

  it("refuses what GitHub would reject: four buttons, a long identifier, action_required without a link", async () => {
    const button = { label: "B", description: "d", identifier: "b" };
    await expect(
      writeCheckRun(fake.context(), { headSha: SHA, payload: { ...held, actions: [button, button, button, button] } }),
    ).rejects.toThrow(/GitHub allows 3/);
    await expect(
      writeCheckRun(fake.context(), { headSha: SHA, payload: { ...held, actions: [{ ...button, identifier: "i".repeat(21) }] } }),
    ).rejects.toThrow(/1 to 20 characters/);
    await expect(writeCheckRun(fake.context(), { headSha: SHA, payload: { ...held, detailsUrl: undefined } })).rejects.toThrow(
      /without a details URL/,
    );
    await expect(writeCheckRun(fake.context(), { headSha: SHA, payload: { ...working, conclusion: "success" } })).rejects.toThrow(
      /conclusion goes with status "completed"/,
    );
    expect(fake.requests).toEqual([]);
  });
});

describe("truncateWithMarker", () => {
  it("keeps short text and cuts long text to exactly the limit", () => {
    expect(truncateWithMarker("short", 10)).toBe("short");
    for (const length of [101, 150, 10_000]) {
      const cut = truncateWithMarker("y".repeat(length), 100);
      expect(cut.length).toBeLessThanOrEqual(100);
      expect(cut).toContain("truncated");
    }
  });
});
