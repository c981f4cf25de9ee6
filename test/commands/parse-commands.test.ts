import { describe, expect, it } from "vitest";
import { parseCommands, type ParseResult } from "../../src/commands/parse-commands.js";
import type { Command } from "../../src/commands/command-catalog.js";

const F = "```";
const names = (result: ParseResult) => (result.kind === "commands" ? result.commands.map((c) => c.name) : result.kind);

describe("parseCommands: where a command counts", () => {
  const table: [string, string, string[] | string][] = [
    ["plain", "/wave approve", ["approve"]],
    ["upper case", "/WAVE APPROVE", ["approve"]],
    ["mixed case", "/Wave Hold", ["hold"]],
    ["leading spaces (up to three)", "   /wave approve", ["approve"]],
    ["four spaces is indented code", "    /wave approve", "none"],
    ["a tab is indented code", "\t/wave approve", "none"],
    ["trailing spaces and tabs", "/wave approve  \t ", ["approve"]],
    ["trailing newlines (gh-aw #21816)", "/wave approve\n\n\n", ["approve"]],
    ["a command followed by a newline then text", "/wave retry\nthanks!", ["retry"]],
    ["after prose on the previous line", "Looks good to me.\n/wave approve", ["approve"]],
    ["Windows line endings", "hi\r\n/wave hold\r\n/wave status\r\n", ["hold", "status"]],
    ["old Mac line endings", "hi\r/wave hold\r", ["hold"]],
    ["a byte-order mark", "\uFEFF/wave status", ["status"]],
    ["several, one per line", "/wave budget +2\n/wave unhold\n/wave status", ["budget", "unhold", "status"]],
    ["not at the start of the line", "please /wave approve", "none"],
    ["inside a list item", "- /wave approve", "none"],
    ["glued to another word", "/waveapprove", "none"],
    ["another prefix", "/wavey approve", "none"],
    ["no-break space after /wave", "/wave\u00a0approve", ["approve"]],
    ["alias resume", "/wave resume", ["unhold"]],
    ["non-ASCII prose around", "Merci beaucoup ✨ 日本語\n/wave hold für später — ça va", ["hold"]],
    ["emoji line before", "🚀🚀\n/wave approve", ["approve"]],
    ["no command at all", "LGTM, ship it", "none"],
    ["empty", "", "none"],
  ];
  it.each(table)("%s", (_name, body, expected) => {
    expect(names(parseCommands(body))).toEqual(expected);
  });
});

describe("parseCommands: what is stripped first", () => {
  const table: [string, string, string[] | string][] = [
    ["fenced code without a language", `${F}\n/wave kill x\n${F}\n/wave hold`, ["hold"]],
    ["fenced code with a language", `${F}bash\n/wave kill x\n${F}`, "none"],
    ["fenced code with a language and spaces", `${F} yaml title="x"\n/wave kill x\n${F}\n`, "none"],
    ["tilde fence", "~~~\n/wave kill x\n~~~\n/wave status", ["status"]],
    ["unclosed fence runs to the end", `${F}\n/wave kill x\n/wave approve`, "none"],
    ["a shorter fence does not close a longer one", "````\n```\n/wave kill x\n````\n/wave status", ["status"]],
    ["a tilde fence does not close a backtick fence", `${F}\n~~~\n/wave kill x\n${F}\n/wave status`, ["status"]],
    ["indented fence", `  ${F}\n  /wave kill x\n  ${F}\n/wave status`, ["status"]],
    ["fence inside a list item", `- ${F}\n  /wave kill x\n  ${F}\n/wave status`, ["status"]],
    ["fence with CRLF", `${F}js\r\n/wave kill x\r\n${F}\r\n/wave hold\r\n`, ["hold"]],
    ["indented code block", "text\n\n    /wave kill x\n\n/wave status", ["status"]],
    ["inline code", "Try `/wave approve` next time", "none"],
    ["inline code across lines", "see `\n/wave kill x\n` here\n/wave status", ["status"]],
    ["double-backtick inline code", "``\n/wave kill ` x\n``", "none"],
    ["unmatched backtick is literal", "a ` b\n/wave status", ["status"]],
    ["escaped backtick does not open code", "\\`\n/wave status\n`", ["status"]],
    ["quoted line", "> /wave kill x\n\n/wave status", ["status"]],
    ["nested quote", "> > /wave kill x\n\n/wave status", ["status"]],
    ["quote without a space", ">/wave kill x", "none"],
    ["indented quote", "   > /wave kill x", "none"],
    ["lazy continuation of a quote", "> I think\n/wave kill x", "none"],
    ["quote inside a list item", "- > /wave kill x\n\n/wave status", ["status"]],
    ["blank line ends the quote", "> I think\n\n/wave hold", ["hold"]],
    ["HTML comment on one line", "<!-- /wave kill x -->\n/wave status", ["status"]],
    ["HTML comment over several lines", "<!--\n/wave kill x\n/wave approve\n-->\n/wave status", ["status"]],
    ["HTML comment closing before a command on the same line", "<!-- x --> /wave kill x", "none"],
    ["unclosed HTML comment", "<!-- \n/wave kill x", "none"],
    ["HTML comment inside prose", "a <!-- b\n/wave kill x --> c\n/wave hold", ["hold"]],
    ["pre block", "<pre>\n/wave kill x\n</pre>\n/wave status", ["status"]],
    ["a quote in a code fence stays code", `${F}\n> x\n${F}\n/wave status`, ["status"]],
  ];
  it.each(table)("%s", (_name, body, expected) => {
    expect(names(parseCommands(body))).toEqual(expected);
  });
});

describe("parseCommands: arguments", () => {
  const table: [string, string, Command[]][] = [
    ["hold without a reason", "/wave hold", [{ name: "hold", reason: null }]],
    ["hold with a reason", "/wave hold  waiting for   design  ", [{ name: "hold", reason: "waiting for design" }]],
    ["hold keeps the case of the reason", "/WAVE HOLD Waiting On Legal", [{ name: "hold", reason: "Waiting On Legal" }]],
    ["kill with a reason", "/wave kill duplicate of #12", [{ name: "kill", reason: "duplicate of #12" }]],
    ["recycle with feedback", "/wave recycle use the existing parser", [{ name: "recycle", feedback: "use the existing parser" }]],
    ["budget whole dollars", "/wave budget +2", [{ name: "budget", amountCents: 200 }]],
    ["budget with cents", "/wave budget +2.50", [{ name: "budget", amountCents: 250 }]],
    ["budget with one decimal", "/wave budget +0.5", [{ name: "budget", amountCents: 50 }]],
    ["budget with a dollar sign", "/wave budget +$3", [{ name: "budget", amountCents: 300 }]],
    ["stop-all with a reason", "/wave stop-all incident 42", [{ name: "stop-all", reason: "incident 42" }]],
    ["help ignores words after it", "/wave help hold", [{ name: "help" }]],
    ["identical repeats collapse", "/wave hold\n/wave hold", [{ name: "hold", reason: null }]],
  ];
  it.each(table)("%s", (_name, body, expected) => {
    expect(parseCommands(body)).toEqual({ kind: "commands", commands: expected });
  });

  const bad: [string, string, RegExp][] = [
    ["kill needs a reason", "/wave kill", /reason is required/],
    ["kill needs a reason, not spaces", "/wave kill   ", /reason is required/],
    ["recycle needs feedback", "/wave recycle", /Say what to change/],
    ["budget needs a plus", "/wave budget 2", /plus sign/],
    ["budget must be positive", "/wave budget +0", /more than zero/],
    ["budget must be positive with cents", "/wave budget +0.00", /more than zero/],
    ["budget takes a point for cents", "/wave budget +2,50", /point for cents/],
    ["budget is not negative", "/wave budget -2", /amount to add/],
    ["budget is a number", "/wave budget +two", /amount to add/],
    ["budget at most three decimals? no, two", "/wave budget +2.505", /amount to add/],
    ["budget over the cap", "/wave budget +101", /at most 100 USD/],
    ["approve takes nothing after it", "/wave approve not yet", /takes nothing after it/],
    ["unhold takes nothing after it", "/wave unhold now", /takes nothing after it/],
    ["a too long reason", `/wave hold ${"x".repeat(501)}`, /longer than 500/],
  ];
  it.each(bad)("%s", (_name, body, message) => {
    const result = parseCommands(body);
    expect(result.kind).toBe("invalid");
    if (result.kind !== "invalid") return;
    const problem = result.problems[0];
    expect(problem?.kind).toBe("bad-arguments");
    if (problem?.kind === "bad-arguments") expect(problem.message).toMatch(message);
  });

  it("honours the configured budget cap", () => {
    expect(parseCommands("/wave budget +250", { maxCommands: 10, maxBudgetIncreaseUsd: 500 })).toEqual({
      kind: "commands",
      commands: [{ name: "budget", amountCents: 25_000 }],
    });
  });
});

describe("parseCommands: unknown, mixed, too many, contradictions", () => {
  it("names the closest known command", () => {
    expect(parseCommands("/wave aprove")).toMatchObject({
      kind: "invalid",
      problems: [{ kind: "unknown", written: "aprove", closest: "approve", distance: 1 }],
    });
    expect(parseCommands("/wave unhodl")).toMatchObject({ problems: [{ closest: "unhold", distance: 1 }] });
    expect(parseCommands("/wave stopall")).toMatchObject({ problems: [{ closest: "stop-all" }] });
    expect(parseCommands("/wave resmue")).toMatchObject({ problems: [{ closest: "unhold" }] });
  });

  it("treats a bare /wave as missing its command", () => {
    expect(parseCommands("/wave   ")).toEqual({ kind: "invalid", problems: [{ kind: "missing-command", line: "/wave" }], commands: [] });
  });

  it("refuses a comment mixing valid and invalid lines whole, keeping both for the reply", () => {
    const result = parseCommands("/wave hold\n/wave aprove\n/wave kill");
    expect(result.kind).toBe("invalid");
    if (result.kind !== "invalid") return;
    expect(result.commands).toEqual([{ name: "hold", reason: null }]);
    expect(result.problems.map((p) => p.kind)).toEqual(["unknown", "bad-arguments"]);
  });

  it("refuses more than the limit without parsing further", () => {
    const body = Array.from({ length: 11 }, () => "/wave status").join("\n");
    expect(parseCommands(body)).toEqual({ kind: "too-many", count: 11, limit: 10 });
    expect(parseCommands(body, { maxCommands: 11, maxBudgetIncreaseUsd: 100 }).kind).toBe("commands");
  });

  const contradictions: [string, string][] = [
    ["hold and unhold", "/wave hold\n/wave unhold"],
    ["hold and resume", "/wave hold\n/wave resume"],
    ["stop-all and resume-all", "/wave stop-all\n/wave resume-all"],
    ["approve and kill", "/wave approve\n/wave kill no"],
    ["approve and recycle", "/wave approve\n/wave recycle fix it"],
    ["approve and hold", "/wave approve\n/wave hold"],
    ["kill and retry", "/wave kill x\n/wave retry"],
    ["kill and budget", "/wave kill x\n/wave budget +1"],
    ["recycle and retry", "/wave recycle x\n/wave retry"],
    ["hold twice with different reasons", "/wave hold a\n/wave hold b"],
    ["budget twice", "/wave budget +1\n/wave budget +1"],
    ["stop-all with a story command", "/wave stop-all\n/wave approve"],
  ];
  it.each(contradictions)("refuses %s", (_name, body) => {
    const result = parseCommands(body);
    expect(result.kind).toBe("contradiction");
    if (result.kind === "contradiction") expect(result.conflicts[0]?.reason.length).toBeGreaterThan(10);
  });

  const compatible: [string, string][] = [
    ["budget then unhold", "/wave budget +5\n/wave unhold"],
    ["unhold and recycle", "/wave unhold\n/wave recycle use zod"],
    ["hold and budget", "/wave hold\n/wave budget +1"],
    ["kill and status", "/wave kill x\n/wave status"],
    ["status twice", "/wave status\n/wave status"],
    ["stop-all and help", "/wave stop-all\n/wave help"],
  ];
  it.each(compatible)("accepts %s", (_name, body) => {
    expect(parseCommands(body).kind).toBe("commands");
  });
});

describe("parseCommands: size", () => {
  it("parses a 64 KB comment with code, quotes and commands", () => {
    const chunk = `Some prose with \`code\` and <!-- a note -->.\n> quoted /wave kill x\n\n${F}ts\nconst x = 1; // /wave kill\n${F}\n`;
    let body = "";
    while (body.length < 65_000) body += chunk;
    body += "/wave hold big one\n";
    expect(body.length).toBeGreaterThan(64_000);
    expect(parseCommands(body)).toEqual({ kind: "commands", commands: [{ name: "hold", reason: "big one" }] });
  });

  it("parses a 64 KB single line and a 64 KB run of backticks", () => {
    expect(parseCommands(`/wave ${"a".repeat(65_536)}`).kind).toBe("invalid");
    expect(parseCommands("`".repeat(65_536)).kind).toBe("none");
    expect(parseCommands("` ``".repeat(16_384) + "\n\n/wave status").kind).toBe("commands");
  });
});
