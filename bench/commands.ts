/**
 * `npm run bench:commands`: how long the command parser takes on the largest
 * comments GitHub allows (65,536 characters), ordinary and adversarial.
 * Prints figures; asserts nothing.
 */
import { performance } from "node:perf_hooks";
import { parseCommands } from "../src/commands/parse-commands.js";

const size = 65_536;
const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
const F = "```";
/** Whole copies of a chunk (cutting one could leave a fence open), then a last line, up to the size. */
const whole = (chunk: string, last: string) => chunk.repeat(Math.floor((size - last.length) / chunk.length)) + last;

const bodies: [string, string][] = [
  ["typical review with code, quotes and one command", whole(`Looks good, a few notes.\n> quoted /wave kill x\n\n${F}ts\nconst a = 1; // /wave kill\n${F}\nSee \`code\` and <!-- hidden -->.\n\n`, "/wave status\n")],
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

console.log(`parseCommands on ${size}-character comments (median of 30 runs, after 5 warm-up runs)`);
for (const [name, body] of bodies) {
  for (let i = 0; i < 5; i++) parseCommands(body);
  const times: number[] = [];
  for (let i = 0; i < 30; i++) {
    const start = performance.now();
    parseCommands(body);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[15] ?? 0;
  const worst = times.at(-1) ?? 0;
  console.log(`  ${name.padEnd(58)} median ${median.toFixed(2).padStart(7)} ms   worst ${worst.toFixed(2).padStart(7)} ms   → ${parseCommands(body).kind}`);
}
const before = process.memoryUsage().heapUsed;
const big = bodies[0]?.[1] ?? "";
for (let i = 0; i < 200; i++) parseCommands(big);
console.log(`  heap after 200 typical parses: ${((process.memoryUsage().heapUsed - before) / 1024 / 1024).toFixed(1)} MiB more (no retention expected)`);
