import type { ToolCall } from "../agents/screening.js";

/** How bad a deterministic finding is; each severity caps the combined score (see config `safety.severity_caps`). */
export type Severity = "critical" | "high" | "medium" | "low";

export const severities: readonly Severity[] = ["critical", "high", "medium", "low"];

/** One rule that fired: what was refused and why, where. */
export interface Violation {
  ruleId: string;
  severity: Severity;
  /** One line: what was refused and why. */
  message: string;
  /** File and line in the diff (new side) when the finding is in a file. */
  path?: string;
  line?: number;
  /** The command or text that triggered it, shortened; never a full secret. */
  evidence?: string;
}

/**
 * The policy's answer: the violations it is sure of, and what it could not
 * decide (a disguise it could not see through, an unknown program). The
 * scorer is asked about the latter.
 */
export interface PolicyFindings {
  violations: Violation[];
  uncertainties: string[];
}

export type SafetyDecision = "allow" | "escalate" | "block";

export type SubjectKind = "tool-call" | "plan" | "diff";

/** A plan as the safety gate sees it; the planner's schema is mapped onto this. */
export interface PlanSubject {
  summary?: string;
  steps: string[];
  filesInScope: string[];
  testCommand?: string | null;
  risks: string[];
}

/** The final change at gate 5: the unified diff and every tool call the agents made. */
export interface DiffSubject {
  diff: string;
  toolCalls: ToolCall[];
}

/** What the policy needs to know about the story and repository beyond the subject itself. */
export interface PolicyContext {
  /** Absolute path of the workspace in the sandbox. */
  workspaceRoot: string;
  /** Globs no change may touch (the built-in `.github/workflows/**` plus configured ones). */
  forbiddenPaths: string[];
  /** Globs the story's domain labels allow; empty means no domain restriction. */
  domainPaths: string[];
  /** The plan's files in scope (paths or globs); empty or absent means no plan restriction. */
  filesInScope?: string[];
  /** Hosts network tools may reach. */
  allowedHosts: string[];
  /** Per-rule severity overrides from config; "off" disables a rule. */
  ruleOverrides: Record<string, Severity | "off">;
}
