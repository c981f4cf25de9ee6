/** Docker labels that tie a sandbox container to its app instance, story and job (the reaper reads them). */
export const LABELS = {
  instance: "wave.instance",
  story: "wave.story",
  job: "wave.job",
  /** The WAVE deployment (one database) the container belongs to; a reaper judges only its own deployment's. */
  deployment: "wave.deployment",
  /** Epoch milliseconds after which the container must not live, whoever created it. */
  deadline: "wave.deadline",
} as const;

/** Where the repository lives inside the sandbox. */
export const WORKSPACE_DIR = "/workspace";
/** The sandbox user's home (a tmpfs, since the root filesystem is read-only). */
export const HOME_DIR = "/home/wave";
/**
 * The baseline's own object store, on a tmpfs owned by root that the sandbox user cannot write:
 * the workspace's .git is the agent's to rewrite, so the export never trusts it. Sealed (copied
 * here by a root exec) before the first command runs.
 */
export const BASELINE_DIR = "/baseline";
/** The git directory under BASELINE_DIR holding the baseline commit's objects. */
export const BASELINE_GIT_DIR = `${BASELINE_DIR}/git`;
/** Runner bookkeeping (one pid file per command's process group); inside /tmp so it needs no extra mount. */
export const RUNNER_DIR = "/tmp/.wave";

/** What the setup phase restored into the workspace (installed dependencies), kept out of every exported change. */
export const INSTALLED_EXCLUDE = `${RUNNER_DIR}/installed-exclude`;
