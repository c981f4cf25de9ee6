import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/commands/parse-commands.js";
import { inlineText } from "../../src/commands/render/escape.js";
import { renderHelp } from "../../src/commands/render/help.js";
import { renderParseProblems } from "../../src/commands/render/parse-problems.js";
import { renderRefusal } from "../../src/commands/render/refusal.js";
import { renderStatus } from "../../src/commands/render/status.js";
import { authorize } from "../../src/commands/authorize.js";
import { commandNames } from "../../src/commands/command-catalog.js";
import { commandsSection } from "../../src/config/sections/commands.js";

const config = commandsSection.parse({});

function unrunnable(body: string) {
  const result = parseCommands(body);
  if (result.kind === "none" || result.kind === "commands") throw new Error(`expected a problem, got ${result.kind}`);
  return result;
}

describe("help", () => {
  it("lists every command and who may use it", () => {
    const help = renderHelp(config.permissions);
    for (const name of commandNames) expect(help).toContain(`/wave ${name}`);
    expect(help).toMatchSnapshot();
  });

  it("follows the repository's overrides", () => {
    const help = renderHelp(
      commandsSection.parse({ permissions: { kill: { role: "admin", users: ["alice"], teams: ["sre"] } } }).permissions,
    );
    expect(help).toContain(
      "| `/wave kill <reason>` | Stop the story for good; the reason is recorded. | admin, users `alice`, or teams `sre` |",
    );
  });
});

describe("replies to comments that were not run", () => {
  it("an unknown command gets the closest one and the help", () => {
    const reply = renderParseProblems("alice", unrunnable("/wave aprove"), config.permissions);
    expect(reply).toContain("I do not know `/wave aprove`. Did you mean `/wave approve`?");
    expect(reply).toContain("### WAVE commands");
  });

  it("a word far from every command gets no guess, only the help", () => {
    const reply = renderParseProblems("alice", unrunnable("/wave deploy-to-production"), config.permissions);
    expect(reply).not.toContain("Did you mean");
    expect(reply).toContain("### WAVE commands");
  });

  it("bad arguments get the usage, without the whole help", () => {
    const reply = renderParseProblems("alice", unrunnable("/wave kill"), config.permissions);
    expect(reply).toMatchInlineSnapshot(`
      "@alice, I did not run this comment, so nothing was done:

      - \`/wave kill\`: A reason is required: \`/wave kill <reason>\`."
    `);
  });

  it("contradictions say which and why", () => {
    expect(renderParseProblems("alice", unrunnable("/wave hold\n/wave unhold"), config.permissions)).toMatchInlineSnapshot(`
      "@alice, I did not run this comment, so nothing was done:

      - \`/wave hold\` and \`/wave unhold\` contradict each other: one pauses the story and the other lifts the pause.

      Send the one you mean in a new comment."
    `);
  });

  it("too many commands", () => {
    const body = Array.from({ length: 12 }, () => "/wave status").join("\n");
    expect(renderParseProblems("alice", unrunnable(body), config.permissions)).toContain(
      "it has 12 `/wave` lines and one comment may carry at most 10",
    );
  });

  it("an unknown word with backticks cannot break out of its code span", () => {
    const reply = renderParseProblems("alice", unrunnable("/wave a`b"), config.permissions);
    expect(reply).toContain("I do not know `/wave a'b`.");
  });
});

describe("refusals", () => {
  it("name the role needed and the role the sender has, per command", () => {
    const decision = authorize(
      [{ name: "unhold" }, { name: "stop-all", reason: null }],
      config.permissions,
      { login: "alice", role: "none", isOwner: false, teams: new Set() },
      { starter: "bob", holdPlacers: ["carol"] },
    );
    expect(decision.needed).toBe("owner");
    expect(renderRefusal({ login: "alice", repository: "octo-org/app", decision })).toMatchInlineSnapshot(`
      "@alice, I did not run this comment, so nothing was done:

      - \`/wave unhold\` needs the **maintain** role or above (or the person who placed the hold); you have **no role** on octo-org/app.
      - \`/wave stop-all\` needs an **organisation owner**; you have **no role** on octo-org/app."
    `);
  });
});

describe("status", () => {
  it("shows the story and the last commands, never pinging anyone", () => {
    const audit = Array.from({ length: 7 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 10, 21, 3, i)),
      actor: i % 2 ? "alice" : "bob",
      role: "write" as const,
      commands: [i === 0 ? "/wave hold ask @carol | then `merge`" : "/wave status"],
      verdict: i === 1 ? ("refused" as const) : ("accepted" as const),
      ...(i === 1 ? { note: "needs maintain" } : {}),
    }));
    const text = renderStatus({
      story: "Add dark mode (#12)",
      gate: "G3 Build",
      state: "held",
      hold: { by: "bob", reason: "waiting for @design" },
      emergencyStop: true,
      budget: { spentCents: 123, capCents: 400 },
      statusCommentUrl: "https://github.com/octo-org/app/issues/12#issuecomment-1",
      audit,
    });
    expect(text).not.toMatch(/@[a-z]/);
    expect(text.split("\n").filter((line) => line.startsWith("| 2026"))).toHaveLength(5);
    expect(text).toMatchSnapshot();
  });

  it("says so when there is no command yet", () => {
    const text = renderStatus({
      story: "x",
      gate: "G0 Intake",
      state: "running",
      hold: null,
      emergencyStop: false,
      budget: null,
      statusCommentUrl: null,
      audit: [],
    });
    expect(text).toContain("None yet.");
  });
});

describe("inlineText", () => {
  it("keeps user text on one line, escaped, without mentions", () => {
    expect(inlineText("a\nb | *c* @team/x <img>")).toBe("a b \\| \\*c\\* @\u200Bteam/x \\<img\\>");
    expect(inlineText("x".repeat(300))).toHaveLength(201);
  });
});
