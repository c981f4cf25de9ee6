import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

/** The whole environment, not one variable: `dict(os.environ)`, `os.environ.items()`, `JSON.stringify(process.env)`, `Object.entries(process.env)`, `ENV.to_h`, `%ENV`, `os.Environ()`. */
const wholeEnvironment =
  /\bdict\s*\(\s*(os\.)?environ\s*\)|\b(os\.)?environ\.(items|keys|values|copy)\s*\(|\bstr\s*\(\s*(os\.)?environ\b|json\.dumps\s*\(\s*(dict\()?\s*(os\.)?environ\b|JSON\.stringify\s*\(\s*process\.env\s*\)|Object\.(entries|keys|values|assign)\s*\(\s*(\{\}\s*,\s*)?process\.env\s*\)|\{\s*\.\.\.process\.env\s*\}|\bENV\.(to_h|to_hash|each|map)\b|%ENV\b|\bos\.Environ\s*\(\s*\)|\bgetenv\s*\(\s*\)|System\.getenv\s*\(\s*\)/;
const sends =
  /\bfetch\s*\(|\bhttps?\.(get|request)\s*\(|\burlopen\s*\(|\brequests\.(get|post|put|request)\s*\(|\baxios\b|\bgot\s*\(|Net::HTTP|\bhttp\.(Post|Get)\s*\(|\bcurl\b|\bwget\b|XMLHttpRequest|sendBeacon|\bdns\.(resolve|lookup)\s*\(|\bsocket\b.*\bsend/;

/**
 * The whole environment (where CI and agents keep their credentials) sent
 * over the network, as the ctx and Shai-Hulud payloads did. Reading one
 * variable, or printing the environment in a local debug script, is not this.
 */
export const envExfiltrationRule: CodeRule = (source) => {
  const live = source.lines.map((l, i) => source.added[i] && !isCommentLine(l));
  const envAt = source.lines.findIndex(
    (l, i) =>
      live[i] &&
      (wholeEnvironment.test(l) ||
        /\bfor\b.*\bin\s+(os\.)?environ\b/.test(l) ||
        (/process\.env\b(?!\.|\[|\?)/.test(l) && /for\s*\(|stringify|entries|keys/.test(l))),
  );
  if (envAt < 0) return [];
  const sendsNearby = source.lines.some((l, i) => live[i] && Math.abs(i - envAt) <= 15 && sends.test(l));
  return sendsNearby
    ? [
        {
          ruleId: "secrets.environment-dump",
          index: envAt,
          message: "Refused: the whole environment, where credentials live, is collected and sent over the network.",
        } satisfies CodeFinding,
      ]
    : [];
};
