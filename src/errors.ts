/**
 * Named errors with messages that say what to do next. Every layer throws
 * these (or subclasses) so one mapping turns them into user-facing text.
 */
export class WaveError extends Error {
  /** What the reader can do about it, in one sentence. */
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** `.github/wave.yml` (or the organisation's defaults) is invalid. */
export class ConfigError extends WaveError {
  constructor(
    message: string,
    readonly file: string,
    readonly issues: { key: string; message: string }[],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** Someone lacks the repository role an action needs. */
export class PermissionDenied extends WaveError {
  constructor(
    readonly actor: string,
    readonly needed: string,
    readonly actual: string,
    readonly action: string,
  ) {
    super(
      `@${actor} cannot ${action}: it needs the ${needed} role, and @${actor} has ${actual === "none" ? "no role" : `the ${actual} role`} on this repository.`,
    );
  }
}

/** A sandbox command or job ran past its time limit. */
export class SandboxTimeout extends WaveError {}

/** The sandbox could not be used at all (Docker down, runtime missing, image missing). */
export class SandboxUnavailable extends WaveError {}

/**
 * A sandbox failure another try cannot fix (no Actions runner picked up the job, or runners were lost
 * more often than `sandbox.actions_retries` allows): the gate holds at once with this message.
 */
export class SandboxHold extends WaveError {}

/** A file tool's path leads out of the workspace (through a symbolic link); refused, the agent is told why. */
export class PathOutsideWorkspace extends WaveError {}

/** A model call could overrun what is left of the budget, so it was not made. */
export class BudgetExceeded extends WaveError {}

/** The model answered something that does not fit the expected shape. */
export class ModelOutputInvalid extends WaveError {}

/** The Anthropic API key is missing or refused. */
export class ModelUnavailable extends WaveError {}

/** A stored snapshot was written by a machine version this code cannot read. */
export class SnapshotVersionError extends WaveError {}

/** One line for a user, with the hint when there is one. */
export function userMessage(error: unknown): string {
  if (error instanceof WaveError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The base commit's tarball is over the configured size cap; retrying cannot shrink it, so the story holds at once. */
export class RepositoryTooLarge extends WaveError {
  constructor(
    readonly repo: string,
    readonly sha: string,
    /** The tarball's size when GitHub declared it, else the bytes received before the cap stopped the download. */
    readonly bytes: number,
    readonly exact: boolean,
    readonly capMb: number,
  ) {
    const mb = (bytes / 1_048_576).toFixed(1);
    super(
      `The tarball of ${repo} at ${sha.slice(0, 7)} is ${exact ? "" : "more than "}${mb} MB, over the ${capMb} MB cap set by \`sandbox.tarball_mb\`.`,
      {
        hint: "Raise `sandbox.tarball_mb` in .github/wave.yml (at most 16384, and within the host's cache, WAVE_CACHE_MAX_MB), then `/wave retry`.",
      },
    );
  }
}
