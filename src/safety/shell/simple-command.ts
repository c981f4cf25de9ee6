/** A redirect on a command: `>` file, `>>` file, `<` file, `2>&1`, `<<<` here-string. */
export interface Redirect {
  op: string;
  target: string;
}

/**
 * One program invocation after every wrapper has been seen through:
 * `sudo env X=1 nice rm -rf /` is `rm -rf /` with wrappers `sudo`, `env`, `nice`.
 */
export interface SimpleCommand {
  /** Basename of the program, lower-cased (`/bin/rm` → `rm`); empty when unknown. */
  name: string;
  /** Arguments after the program name. */
  args: string[];
  assignments: Record<string, string>;
  redirects: Redirect[];
  /** Wrappers it was reached through, outermost first (`sudo`, `env`, `xargs`, `nohup`…). */
  wrappers: string[];
  /** How the command was reached when it was not written plainly: `bash -c`, `eval`, `$(...)`, `base64 | sh`… */
  origin: string[];
  /** Directory it runs in (absolute, `~` for home), null when a `cd` could not be followed. */
  cwd: string | null;
  /** Known text on its standard input (here-document, here-string, `echo … |`). */
  stdin: string | null;
  /** Its output is executed as code (`curl … | sh`, `bash -c "$(curl …)"`). */
  executed: boolean;
  /** The program before it in its pipeline, if any. */
  pipedFrom: SimpleCommand | null;
}

/** Marks a value the policy cannot know (a command's output, an unresolved variable). */
export const unknownValue = "__WAVE_UNKNOWN__";

export function isUnknown(value: string): boolean {
  return value.includes(unknownValue) || value.includes("__WAVE_SUBST_") || /\$[A-Za-z_{]/.test(value);
}
