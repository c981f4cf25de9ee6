/** Options that take a value, per wrapper, so the wrapped program is found after them. */
const optionsWithValue: Record<string, string[]> = {
  sudo: ["-u", "-g", "-p", "-C", "-h", "-r", "-t", "-U", "-D", "--user", "--group", "--chdir"],
  doas: ["-u", "-C"],
  env: ["-u", "--unset", "-C", "--chdir", "-S", "--split-string"],
  nice: ["-n", "--adjustment"],
  ionice: ["-c", "-n", "-p", "--class", "--classdata"],
  stdbuf: ["-i", "-o", "-e"],
  timeout: ["-s", "-k", "--signal", "--kill-after"],
  exec: ["-a"],
  xargs: ["-I", "-n", "-P", "-d", "-L", "-a", "-E", "-s", "--max-args", "--max-procs", "--delimiter", "--arg-file", "--replace"],
  flock: ["-w", "-E", "--timeout", "--conflict-exit-code"],
  watch: ["-n", "-d", "--interval"],
  runuser: ["-u", "-g", "--user", "--group"],
  chrt: [],
  taskset: [],
  unbuffer: [],
  nohup: [],
  time: ["-f", "-o", "--format", "--output"],
  command: [],
  builtin: [],
  setsid: [],
  busybox: [],
  caffeinate: [],
};

export interface Unwrapped {
  argv: string[];
  wrappers: string[];
  assignments: Record<string, string>;
  /** `env -C dir`, `sudo -D dir`: the wrapped program runs elsewhere. */
  chdir: string | null;
  /** `xargs`: the wrapped program gets more arguments from standard input. */
  takesArgsFromStdin: boolean;
  /** `env -S "…"`, `watch "…"`, `flock -c "…"`: a string the wrapper splits or runs as a command line. */
  script: string | null;
}

const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;

export function basename(program: string): string {
  const base = program.replace(/\/+$/, "").split("/").pop() ?? program;
  return base.replace(/^\\/, "").toLowerCase();
}

/** Peels wrappers (`sudo`, `env`, `nice`, `timeout`, `xargs`…) off an argv until the real program is first. */
export function unwrapWrappers(input: string[]): Unwrapped {
  const result: Unwrapped = { argv: [...input], wrappers: [], assignments: {}, chdir: null, takesArgsFromStdin: false, script: null };
  for (let guard = 0; guard < 12; guard++) {
    const argv = result.argv;
    while (argv.length > 0 && assignment.test(argv[0] as string)) {
      const [, key, value] = assignment.exec(argv.shift() as string) as RegExpExecArray;
      result.assignments[key as string] = value as string;
    }
    const name = basename(argv[0] ?? "");
    const valued = optionsWithValue[name];
    if (!valued) return result;
    if (name === "command" && (argv[1] === "-v" || argv[1] === "-V")) return result;
    result.wrappers.push(name);
    let i = 1;
    while (i < argv.length) {
      const arg = argv[i] as string;
      if (arg === "--") {
        i++;
        break;
      }
      if (name === "env" && assignment.test(arg)) {
        const [, key, value] = assignment.exec(arg) as RegExpExecArray;
        result.assignments[key as string] = value as string;
        i++;
        continue;
      }
      if (!arg.startsWith("-") || arg === "-") break;
      if ((name === "env" && (arg === "-C" || arg === "--chdir")) || (name === "sudo" && (arg === "-D" || arg === "--chdir")))
        result.chdir = argv[i + 1] ?? null;
      if ((name === "env" && (arg === "-S" || arg === "--split-string")) || (name === "flock" && arg === "-c")) {
        result.script = argv[i + 1] ?? "";
        result.argv = [];
        return result;
      }
      i += valued.includes(arg) ? 2 : 1;
    }
    if (name === "env" && i >= argv.length) {
      // Bare `env` prints the environment.
      result.argv = ["printenv"];
      return result;
    }
    if (name === "timeout" || (name === "flock" && i < argv.length)) i++;
    if (name === "watch") {
      result.script = argv.slice(i).join(" ");
      result.argv = [];
      return result;
    }
    if (name === "xargs") {
      result.takesArgsFromStdin = true;
      if (i >= argv.length) {
        result.argv = ["echo"];
        return result;
      }
    }
    result.argv = argv.slice(i);
  }
  return result;
}
