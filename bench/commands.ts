/**
 * `npm run bench:commands`: how long the command parser takes on the largest
 * comments GitHub allows (65,536 characters), ordinary and adversarial, most
 * ending in a command so none is skipped by the cheap "no line could be a
 * command" test or read only up to its last command; two ordinary rows show
 * those shortcuts (a command first, `/wave` only where it is no command).
 * Figures are also given as a ratio to a bare CommonMark parse of the same
 * body (`fromMarkdown`, no GFM, no walk) measured in the same run, since the
 * shared machine's load moves absolute times tenfold. Asserts nothing.
 */
import { performance } from "node:perf_hooks";
import { fromMarkdown } from "mdast-util-from-markdown";
import { parseCommands as current } from "../src/commands/parse-commands.js";

/** `BENCH_PARSER=<module>` times another build of the parser (e.g. the previous commit's) with the same bodies and baseline. */
const parseCommands: typeof current = process.env.BENCH_PARSER
  ? ((await import(process.env.BENCH_PARSER)) as { parseCommands: typeof current }).parseCommands
  : current;

const size = 65_536;
const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const F = "```";
/** Whole copies of a chunk (cutting one could leave a fence open), then a last line, up to the size. */
const whole = (chunk: string, last: string) => chunk.repeat(Math.floor((size - last.length) / chunk.length)) + last;

const bodies: [string, string][] = [
  [
    "typical review with code, quotes and one command",
    whole(
      `Looks good, a few notes.\n> quoted /wave kill x\n\n${F}ts\nconst a = 1; // /wave kill\n${F}\nSee \`code\` and <!-- hidden -->.\n\n`,
      "/wave status\n",
    ),
  ],
  [
    "typical review, the command on its first line",
    "/wave approve\n\n" +
      whole(
        `Looks good, a few notes.\n> quoted /wave kill x\n\n${F}ts\nconst a = 1; // /wave kill\n${F}\nSee \`code\` and <!-- hidden -->.\n\n`,
        "",
      ),
  ],
  [
    "typical review naming /wave only in quotes, code and mid-line",
    whole(
      `Looks good; run /wave approve when ready.\n> /wave kill x\n\n${F}ts\nconst a = 1; // /wave kill\n${F}\n- /wave hold\n\n`,
      "see `/wave status`\n",
    ),
  ],
  ["one long line", fill("lorem ipsum dolor sit amet ")],
  ["only backticks", fill("`")],
  ["alternating backtick runs", fill("` `` ``` ")],
  ["many HTML comments on one line", fill("<!-- x -->")],
  ["unclosed HTML comment openers", fill("<!-- ")],
  ["nested list markers", fill("- ")],
  ["numbered markers", fill("1. ")],
  ["quote markers", fill("> ")],
  ["fence openers", fill("```\n")],
  ["blank lines", fill("\n")],
  ["CRLF prose with a command per line (refused: too many)", fill("/wave status\r\n")],
  ["spaces after /wave", `/wave${" ".repeat(size - 5)}`],
];

const tail = "\n\n/wave status\n";
const withCommand = (body: string) => (/\/wave/i.test(body) ? body : body.slice(0, size - tail.length) + tail);
const runs = Number(process.env.BENCH_RUNS ?? 9);

function median(work: () => unknown): { median: number; worst: number } {
  for (let i = 0; i < 2; i++) work();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)] ?? 0, worst: times.at(-1) ?? 0 };
}

console.log(
  `parseCommands on ${size}-character comments (median of ${runs} runs after 2 warm-up runs; ratio to a bare CommonMark parse of the same body)`,
);
for (const [name, raw] of bodies) {
  const body = withCommand(raw);
  // The parser keeps its last answer (the handler and the evaluation read one comment twice): alternate two
  // bodies that differ in a trailing space, so every timed call parses.
  let flip = 0;
  const parse = median(() => parseCommands(flip++ % 2 === 0 ? body : `${body} `));
  const baseline = median(() => fromMarkdown(body));
  const ratio = baseline.median > 0 ? parse.median / baseline.median : 0;
  console.log(
    `  ${name.padEnd(58)} median ${parse.median.toFixed(2).padStart(8)} ms   worst ${parse.worst.toFixed(2).padStart(8)} ms   ×${ratio.toFixed(2)} of CommonMark   → ${parseCommands(body).kind}`,
  );
}
const before = process.memoryUsage().heapUsed;
const big = bodies[0]?.[1] ?? "";
for (let i = 0; i < 200; i++) parseCommands(i % 2 === 0 ? big : `${big} `);
console.log(
  `  heap after 200 typical parses: ${((process.memoryUsage().heapUsed - before) / 1024 / 1024).toFixed(1)} MiB more (no retention expected)`,
);
