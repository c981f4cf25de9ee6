import type { Severity } from "../types.js";

/**
 * Every rule the policy knows, with its default severity. Severities map to
 * score caps (critical and high block, medium escalates, low is only noted);
 * a repository can override them per rule in `safety.rules`.
 */
export const ruleCatalogue = {
  "destructive.recursive-delete-outside": { severity: "critical", summary: "recursive delete outside the workspace" },
  "destructive.delete-outside": { severity: "high", summary: "delete outside the workspace" },
  "destructive.delete-workspace": { severity: "high", summary: "delete the whole workspace or its git history" },
  "destructive.filesystem-format": { severity: "critical", summary: "format or partition a disk" },
  "destructive.device-write": { severity: "critical", summary: "write onto a device" },
  "destructive.sql-drop": { severity: "critical", summary: "DROP/TRUNCATE sent to a database" },
  "destructive.sql-drop-in-change": { severity: "medium", summary: "DROP/TRUNCATE added to SQL in the change" },
  "destructive.force-push": { severity: "critical", summary: "forced push or remote branch deletion" },
  "destructive.history-rewrite": { severity: "high", summary: "git history rewriting" },
  "destructive.local-history-rewrite": { severity: "medium", summary: "rewriting local commits" },
  "destructive.system-control": { severity: "high", summary: "shutting down the machine or killing every process" },
  "secrets.token": { severity: "critical", summary: "a credential (token, key, private key)" },
  "secrets.assignment": { severity: "high", summary: "a high-entropy value assigned to a secret-looking name" },
  "secrets.environment-dump": { severity: "high", summary: "printing the environment or a secret variable" },
  "secrets.credential-file": { severity: "high", summary: "reading a credential file" },
  "paths.forbidden": { severity: "high", summary: "a forbidden path" },
  "paths.outside-workspace-write": { severity: "high", summary: "writing outside the workspace" },
  "paths.git-internals": { severity: "high", summary: "writing git internals (hooks, config)" },
  "lockfile.without-manifest": { severity: "medium", summary: "lockfile changed without its manifest" },
  "lockfile.hand-edit": { severity: "medium", summary: "lockfile edited by hand" },
  "dependencies.changed": { severity: "low", summary: "a dependency manifest or lockfile changed (re-installed by the setup phase)" },
  "tests.deleted": { severity: "high", summary: "test file deleted" },
  "tests.skipped": { severity: "high", summary: "test skipped or disabled" },
  "tests.trivial-assertion": { severity: "high", summary: "assertion that cannot fail" },
  "tests.assertions-removed": { severity: "medium", summary: "assertions removed from tests" },
  "tests.focused": { severity: "medium", summary: "focused test (.only) silences the others" },
  "tests.command-neutralised": { severity: "high", summary: "test or lint command turned into a no-op" },
  "ci.config-deleted": { severity: "high", summary: "CI configuration deleted" },
  "ci.config-changed": { severity: "medium", summary: "CI configuration changed" },
  "ci.lint-disabled": { severity: "high", summary: "linter or type checker disabled for a whole file or project" },
  "ci.lint-suppressed": { severity: "low", summary: "a line-level lint suppression" },
  "ci.lint-config-changed": { severity: "medium", summary: "linter or compiler configuration changed" },
  "ci.skip": { severity: "high", summary: "CI skipped" },
  "ci.hooks-bypassed": { severity: "medium", summary: "git hooks bypassed" },
  "network.outbound": { severity: "high", summary: "network access outside the allowed hosts" },
  "network.remote-code": { severity: "critical", summary: "code downloaded and executed" },
  "network.publish": { severity: "high", summary: "publishing a package or image" },
  "network.in-change": { severity: "medium", summary: "a committed script reaches outside hosts" },
  "privilege.world-writable": { severity: "high", summary: "world-writable permissions" },
  "privilege.setuid": { severity: "critical", summary: "setuid/setgid or file capabilities" },
  "privilege.sudo": { severity: "medium", summary: "running as another user" },
  "privilege.ownership": { severity: "high", summary: "ownership change to root or outside the workspace" },
  "network.reverse-shell": { severity: "critical", summary: "a shell bound to a network connection (reverse shell)" },
  "code.obfuscated-exec": { severity: "high", summary: "decoded, decrypted or unpacked data executed as code" },
  "code.exec-from-input": { severity: "high", summary: "a command or code run from request input" },
  "destructive.fork-bomb": { severity: "critical", summary: "a process that multiplies itself without end (fork bomb)" },
  "supply-chain.lifecycle-script": {
    severity: "medium",
    summary: "a new or changed install-time hook (package lifecycle script, setup.py command class, Makefile default target)",
  },
  "auth.hardcoded-credential": { severity: "high", summary: "a credential compared against a hard-coded literal" },
  "auth.bypass": { severity: "high", summary: "an authentication or authorisation check made to succeed unconditionally" },
  "security.tls-disabled": { severity: "medium", summary: "TLS certificate or hostname verification switched off" },
  "security.sql-from-input": { severity: "medium", summary: "SQL built by string operations from request input" },
  "privilege.sandbox-escape": {
    severity: "critical",
    summary: "leaving the sandbox: privileged or host-mounted containers, host namespaces, kernel modules",
  },
  "privilege.system-config": { severity: "high", summary: "changing the firewall, kernel parameters, mounts or system services" },
  "privilege.persistence": { severity: "high", summary: "installing a scheduled job, service or login hook that outlives the task" },
  "network.tunnel": { severity: "high", summary: "exposing the machine through a tunnel or reverse port forward" },
  "git.hidden-change": { severity: "medium", summary: "hiding a file's changes from git (assume-unchanged, skip-worktree)" },
  "supply-chain.dependency-source": {
    severity: "medium",
    summary:
      "a dependency or package index taken from outside the usual registry (git or URL dependencies, extra indexes, registry overrides, go.mod replace)",
  },
  "auth.token-unverified": { severity: "medium", summary: "a token decoded without verifying its signature" },
  "code.cryptominer": { severity: "high", summary: "a cryptocurrency miner or mining pool" },
  "code.api-hijack": {
    severity: "medium",
    summary: "network or wallet APIs overridden in place (fetch, XMLHttpRequest, ethereum.request)",
  },
  "security.weak-password-hash": { severity: "medium", summary: "passwords hashed with MD5 or SHA-1" },
  "privilege.agent-unsandboxed": { severity: "high", summary: "an AI coding agent run with its permission checks switched off" },
  "scope.outside-plan": { severity: "medium", summary: "a file outside the plan's files in scope" },
  "scope.outside-domain": { severity: "high", summary: "a file outside the story's domain paths" },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

export type RuleId = keyof typeof ruleCatalogue;

export const ruleIds = Object.keys(ruleCatalogue) as RuleId[];
