import { posix } from "node:path";
import { parse as shellParse } from "shell-quote";
import { splitScript } from "./split-script.js";
import { extractSubstitutions, substitutionMarker } from "./extract-substitutions.js";
import { basename, unwrapWrappers } from "./unwrap-wrappers.js";
import { stdoutOf, transformPrograms } from "./stdout-of.js";
import { isUnknown, unknownValue } from "./simple-command.js";
import type { Redirect, SimpleCommand } from "./simple-command.js";

/** Every program a command line would run, seen through its wrappers and disguises, and what could not be seen through. */
export interface ParsedCommandLine {
  commands: SimpleCommand[];
  uncertainties: string[];
  /** What the last statement writes to standard output, when knowable (used for `$(...)`). */
  output: string | null;
}

export interface ParseOptions {
  /** Directory the line starts in (absolute); null when unknown. */
  cwd: string | null;
  origin?: string[];
  depth?: number;
  vars?: Map<string, string>;
}

const shells = new Set(["sh", "bash", "zsh", "dash", "ksh", "ash", "mksh", "rbash", "fish"]);
const inlineCodeFlags: Record<string, string[]> = {
  python: ["-c"],
  python2: ["-c"],
  python3: ["-c"],
  node: ["-e", "--eval", "-p", "--print"],
  nodejs: ["-e", "--eval", "-p", "--print"],
  bun: ["-e", "--eval"],
  deno: ["eval"],
  perl: ["-e", "-E"],
  ruby: ["-e"],
  php: ["-r"],
  osascript: ["-e"],
};
const separators = new Set([";", "&&", "||", "&", ";;", "(", ")"]);
const pipes = new Set(["|", "|&"]);
const redirectOps = new Set([">", ">>", "<", ">&", "<&", "&>", "&>>", ">|", "<<", "<<<", "<>"]);
const leadingKeywords = new Set(["if", "then", "else", "elif", "do", "while", "until", "!", "{", "}", "fi", "done", "esac", "time"]);
const skippedStatements = new Set(["for", "case", "select", "function", "in"]);
const maxDepth = 8;
const findFilters = new Set([
  "-name",
  "-iname",
  "-path",
  "-ipath",
  "-wholename",
  "-regex",
  "-iregex",
  "-type",
  "-mtime",
  "-mmin",
  "-atime",
  "-ctime",
  "-newer",
  "-size",
  "-empty",
  "-user",
  "-group",
  "-perm",
  "-links",
  "-inum",
  "-samefile",
  "-lname",
]);

type Token = string | { op: string };

/** Parses a shell command line (or script) into the simple commands it would run. Pure: nothing is executed. */
export function parseCommandLine(script: string, options: ParseOptions): ParsedCommandLine {
  const state = {
    commands: [] as SimpleCommand[],
    uncertainties: [] as string[],
    vars: options.vars ?? new Map<string, string>(),
    cwd: options.cwd,
    origin: options.origin ?? [],
    depth: options.depth ?? 0,
  };
  if (state.depth > maxDepth) {
    return { commands: [], uncertainties: ["commands are nested too deeply to follow"], output: null };
  }
  const { lines, unbalanced } = splitScript(script);
  if (unbalanced) state.uncertainties.push("the command line has unbalanced quotes or parentheses");
  let output: string | null = null;
  for (const line of lines) {
    const { text, inner } = extractSubstitutions(line.text);
    const innerParsed = inner.map((body) =>
      parseCommandLine(body, { cwd: state.cwd, origin: [...state.origin, "$(...)"], depth: state.depth + 1, vars: state.vars }),
    );
    let resolvedText = text;
    innerParsed.forEach((parsed, n) => {
      state.commands.push(...parsed.commands);
      state.uncertainties.push(...parsed.uncertainties);
      // A substitution whose output is known (an encoded payload) is replaced by it, so what it hides is parsed too.
      if (parsed.output !== null) resolvedText = resolvedText.replace(substitutionMarker(n), parsed.output.replace(/\n+$/, ""));
    });
    let tokens: Token[];
    try {
      tokens = shellParse(resolvedText, (key) => `$${key}`)
        .filter((t) => !(typeof t === "object" && "comment" in t))
        .map((t): Token => (typeof t === "string" ? t : "pattern" in t ? t.pattern : { op: (t as { op: string }).op }));
    } catch {
      state.uncertainties.push("the command line could not be parsed");
      continue;
    }
    const markInnerExecuted = (value: string): void => {
      for (const match of value.matchAll(/__WAVE_SUBST_(\d+)__/g)) {
        for (const c of innerParsed[Number(match[1])]?.commands ?? []) c.executed = true;
      }
    };
    for (const statement of splitOn(tokens, separators)) {
      const elements = splitOn(statement, pipes);
      let previous: SimpleCommand | null = null;
      let previousOutput: string | null = null;
      const pipeline: SimpleCommand[] = [];
      for (const element of elements) {
        const built = buildCommand(element, line.heredoc ?? null, state, previous, previousOutput, markInnerExecuted);
        if (!built) continue;
        pipeline.push(built);
        previousOutput = stdoutOf(built, previousOutput);
        previous = built;
      }
      output = previousOutput;
      if (pipeline.length === 1) followDirectoryChange(pipeline[0] as SimpleCommand, state);
    }
  }
  return { commands: state.commands, uncertainties: state.uncertainties, output };
}

interface ParseState {
  commands: SimpleCommand[];
  uncertainties: string[];
  vars: Map<string, string>;
  cwd: string | null;
  origin: string[];
  depth: number;
}

function splitOn(tokens: Token[], ops: Set<string>): Token[][] {
  const parts: Token[][] = [[]];
  for (const token of tokens) {
    if (typeof token === "object" && ops.has(token.op)) parts.push([]);
    else (parts[parts.length - 1] as Token[]).push(token);
  }
  return parts.filter((p) => p.length > 0);
}

function resolveVars(value: string, vars: Map<string, string>): string {
  return value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => vars.get(name) ?? whole);
}

function buildCommand(
  element: Token[],
  heredoc: string | null,
  state: ParseState,
  previous: SimpleCommand | null,
  previousOutput: string | null,
  markInnerExecuted: (value: string) => void,
): SimpleCommand | null {
  const argv: string[] = [];
  const redirects: Redirect[] = [];
  let stdin: string | null = null;
  let programFromVariable = false;
  for (let i = 0; i < element.length; i++) {
    const token = element[i] as Token;
    if (typeof token === "string") {
      if (argv.length === 0 && /\$[A-Za-z_{]/.test(token) && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(token)) programFromVariable = true;
      argv.push(resolveVars(token, state.vars));
      continue;
    }
    if (!redirectOps.has(token.op)) continue;
    const next = element[i + 1];
    const target = typeof next === "string" ? resolveVars(next, state.vars) : "";
    i++;
    if ([">", ">>", ">&", "<&"].includes(token.op) && argv.length > 1 && /^\d$/.test(argv[argv.length - 1] as string)) argv.pop();
    if (token.op === "<<") stdin = heredoc;
    else if (token.op === "<<<") stdin = target;
    redirects.push({ op: token.op, target });
  }
  while (argv.length > 0 && leadingKeywords.has(argv[0] as string)) argv.shift();
  while (argv.length > 0 && argv[argv.length - 1] === "}") argv.pop();
  if (argv.length === 0 && redirects.length === 0) return null;
  if (argv.length > 0 && skippedStatements.has(argv[0] as string)) return null;

  const onlyAssignments = argv.length > 0 && argv.every((a) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(a));
  const declaration = ["export", "declare", "local", "readonly", "typeset"].includes(argv[0] ?? "");
  if (argv.some((a) => /^IFS=/.test(a))) state.uncertainties.push("IFS is changed, so words split in ways the policy cannot follow");
  if (onlyAssignments || declaration) {
    for (const a of declaration ? argv.slice(1) : argv) {
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(a);
      if (match) state.vars.set(match[1] as string, match[2] as string);
    }
  }

  const unwrapped = unwrapWrappers(argv);
  if (unwrapped.script !== null) {
    recurse(unwrapped.script, `${unwrapped.wrappers.join(" ")} string`, state);
  }
  const program = unwrapped.argv[0] ?? "";
  if (/\s/.test(program) && !isUnknown(program)) {
    // `X="rm -rf"; $X /` — an unquoted variable is split into words.
    unwrapped.argv.splice(0, 1, ...program.split(/\s+/).filter(Boolean));
  }
  const command: SimpleCommand = {
    name: basename(unwrapped.argv[0] ?? ""),
    args: unwrapped.argv.slice(1),
    assignments: unwrapped.assignments,
    redirects,
    wrappers: unwrapped.wrappers,
    // A program named through a variable is a disguise even when the value is known.
    origin: programFromVariable ? [...state.origin, "variable"] : state.origin,
    cwd: unwrapped.chdir ? resolveDirectory(state.cwd, unwrapped.chdir) : state.cwd,
    stdin: stdin ?? previousOutput,
    executed: false,
    pipedFrom: previous,
  };
  if (onlyAssignments || declaration) command.name = "";
  if (program !== "" && isUnknown(program) && !onlyAssignments) {
    state.uncertainties.push(`runs a program whose name is only known at run time (${short(program)})`);
    markInnerExecuted(program);
  }
  if (unwrapped.takesArgsFromStdin) command.args.push(...xargsInput(previous, previousOutput));
  state.commands.push(command);
  expandNested(command, state, previous, previousOutput, markInnerExecuted);
  return command;
}

/** What `xargs` appends: the known output before it, the paths `find`/`ls` walk, or an unknown value. */
function xargsInput(previous: SimpleCommand | null, previousOutput: string | null): string[] {
  if (previousOutput !== null) return previousOutput.split(/\s+/).filter(Boolean);
  if (previous && (previous.name === "find" || previous.name === "ls")) {
    const paths = previous.args.filter((a) => !a.startsWith("-"));
    return previous.name === "find" ? findStartPaths(previous.args) : paths.length > 0 ? paths : ["."];
  }
  return [unknownValue];
}

function findStartPaths(args: string[]): string[] {
  const starts: string[] = [];
  for (const a of args) {
    if (a.startsWith("-") || a === "(" || a === "!") break;
    starts.push(a);
  }
  return starts.length > 0 ? starts : ["."];
}

/** Shells, `eval`, inline interpreters, `find -exec` and `su -c` run more commands: parse those too. */
function expandNested(
  command: SimpleCommand,
  state: ParseState,
  previous: SimpleCommand | null,
  previousOutput: string | null,
  markInnerExecuted: (value: string) => void,
): void {
  const { name, args } = command;
  if (shells.has(name)) {
    let script: string | null = null;
    let file: string | null = null;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === "-o" || a === "+o") {
        i++;
        continue;
      }
      if (/^-[a-zA-Z]*c[a-zA-Z]*$/.test(a)) {
        script = args[i + 1] ?? "";
        break;
      }
      if (a.startsWith("-") || a.startsWith("+")) continue;
      file = a;
      break;
    }
    if (script !== null) {
      markInnerExecuted(script);
      recurse(script, `${name} -c`, state);
    } else if (file !== null && !file.startsWith("/dev/")) {
      if (isUnknown(file)) {
        markInnerExecuted(file);
        state.uncertainties.push(`${name} runs a script whose path is only known at run time`);
      }
    } else {
      runStdinAsScript(command, name, state, previous, previousOutput);
    }
    return;
  }
  if (name === "source" || name === ".") {
    const target = args[0] ?? "";
    if (isUnknown(target)) {
      markInnerExecuted(target);
      state.uncertainties.push(`${name} runs code whose source is only known at run time`);
    } else if (target === "/dev/stdin" || target === "-") runStdinAsScript(command, name, state, previous, previousOutput);
    return;
  }
  if (name === "eval") {
    const code = args.join(" ");
    if (code.includes("__WAVE_SUBST_") || /\$[A-Za-z_{]/.test(code)) {
      markInnerExecuted(code);
      state.uncertainties.push("eval runs code that is only known at run time");
    }
    recurse(code, "eval", state);
    return;
  }
  if ((name === "su" || name === "runuser") && args.includes("-c")) {
    recurse(args[args.indexOf("-c") + 1] ?? "", `${name} -c`, state);
    return;
  }
  const flags = inlineCodeFlags[name];
  if (flags) {
    const at = args.findIndex((a) => flags.includes(a));
    if (at >= 0) {
      inspectInlineCode(args[at + 1] ?? "", name, state);
    } else if (args.length === 0 || args[0] === "-") {
      if (command.stdin !== null) inspectInlineCode(command.stdin, name, state);
      else if (previousOutput !== null) inspectInlineCode(previousOutput, name, state);
      else if (previous) {
        markExecuted(previous);
        state.uncertainties.push(`${name} runs code piped from ${previous.name || "a command"}`);
      }
    }
    return;
  }
  if (name === "awk" || name === "gawk" || name === "mawk") {
    const program = args.find((a) => !a.startsWith("-"));
    if (program && /system\s*\(|\|\s*"|"\s*\|/.test(program)) inspectInlineCode(program, name, state);
    return;
  }
  if (name === "find") {
    // With a filter (-name, -type…) find acts on matches below its start paths, not on the start paths themselves.
    const filtered = args.some((a) => findFilters.has(a));
    const starts = findStartPaths(args).map((s) => (filtered ? posix.join(s, "(match)") : s));
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (["-exec", "-execdir", "-ok", "-okdir"].includes(a)) {
        const end = args.findIndex((x, j) => j > i && (x === ";" || x === "+"));
        const sub = args.slice(i + 1, end === -1 ? args.length : end).flatMap((x) => (x === "{}" ? starts : [x]));
        recurseArgv(sub, `find ${a}`, state);
        i = end === -1 ? args.length : end;
      } else if (a === "-delete") {
        recurseArgv(["rm", "-rf", ...starts], "find -delete", state);
      }
    }
  }
}

function runStdinAsScript(
  command: SimpleCommand,
  name: string,
  state: ParseState,
  previous: SimpleCommand | null,
  previousOutput: string | null,
): void {
  const text = command.stdin ?? previousOutput;
  if (text !== null) {
    recurse(text, previous ? `${previous.name} | ${name}` : `stdin to ${name}`, state);
  } else if (previous) {
    markExecuted(previous);
    state.uncertainties.push(`${name} runs commands piped from ${previous.name || "a command"}`);
  }
}

/** Marks a pipeline's source as executed, through any decoders between it and the shell. */
function markExecuted(command: SimpleCommand): void {
  let current: SimpleCommand | null = command;
  while (current) {
    current.executed = true;
    current = transformPrograms.has(current.name) ? current.pipedFrom : null;
  }
}

/**
 * Code for another interpreter cannot be parsed as shell; its string literals
 * can (they are what `os.system(...)` would run), and the common file and
 * environment calls are mapped to the shell commands they equal.
 */
function inspectInlineCode(code: string, interpreter: string, state: ParseState): void {
  state.uncertainties.push(`runs inline ${interpreter} code`);
  for (const match of code.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|`((?:[^`\\]|\\.)*)`/g)) {
    const literal = match[1] ?? match[2] ?? match[3] ?? "";
    if (/\s/.test(literal)) recurse(literal, `${interpreter} string`, state);
  }
  for (const match of code.matchAll(
    /\b(?:rmtree|rmSync|rmdirSync|rm_rf|rm_r|rimraf|remove_dir_all|unlinkSync|os\.remove|os\.unlink|fs\.rm|FileUtils\.rm_rf)\s*\(\s*["'`]([^"'`]+)["'`]/g,
  )) {
    recurseArgv(["rm", "-rf", match[1] as string], `${interpreter} delete call`, state);
  }
  if (
    /\b(os\.environ|process\.env|ENV\b|%ENV|getenv\s*\(\s*\))/.test(code) &&
    /\b(print|console\.log|puts|say|dump|json|stringify|echo|write)\b/i.test(code) &&
    !/(os\.environ|process\.env)(\.get\(|\[|\.)\s*["'`]?[A-Z_]+/.test(code)
  ) {
    recurseArgv(["printenv"], `${interpreter} environment dump`, state);
  }
}

function recurse(script: string, how: string, state: ParseState): void {
  const parsed = parseCommandLine(script, { cwd: state.cwd, origin: [...state.origin, how], depth: state.depth + 1, vars: state.vars });
  state.commands.push(...parsed.commands);
  state.uncertainties.push(...parsed.uncertainties);
}

function recurseArgv(argv: string[], how: string, state: ParseState): void {
  if (argv.length === 0) return;
  const unwrapped = unwrapWrappers(argv);
  state.commands.push({
    name: basename(unwrapped.argv[0] ?? ""),
    args: unwrapped.argv.slice(1),
    assignments: unwrapped.assignments,
    redirects: [],
    wrappers: unwrapped.wrappers,
    origin: [...state.origin, how],
    cwd: state.cwd,
    stdin: null,
    executed: false,
    pipedFrom: null,
  });
}

function followDirectoryChange(command: SimpleCommand, state: ParseState): void {
  if (command.name === "cd" || command.name === "pushd") {
    const target = command.args.find((a) => !a.startsWith("-") || a === "-");
    state.cwd = target === undefined ? "~" : target === "-" ? null : resolveDirectory(state.cwd, target);
  } else if (command.name === "popd") state.cwd = null;
}

/** Resolves `target` against `cwd`; `~` stands for the home directory, null for unknown. */
export function resolveDirectory(cwd: string | null, target: string): string | null {
  const t = target.replace(/^\$\{?HOME\}?/, "~");
  if (t === "~" || t.startsWith("~/")) return posix.normalize(t);
  if (isUnknown(t)) return null;
  if (t.startsWith("/")) return posix.normalize(t);
  if (cwd === null) return null;
  return posix.normalize(posix.join(cwd, t));
}

function short(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
