import type { CodeFinding, CodeRule } from "./code-source.js";
import { isCommentLine } from "./code-source.js";

/**
 * The switches that turn an AI coding agent's permission prompts off
 * (`claude --dangerously-skip-permissions`, `gemini --yolo`, `q chat
 * --trust-all-tools`, `codex --dangerously-bypass-approvals-and-sandbox`…):
 * the Nx "s1ngularity" payload used them to make local agents hunt for
 * secrets. Neither WAVE's agents nor the code they write need them.
 */
export const unsandboxedAgentFlags =
  /--dangerously[\w-]*|--yolo\b|--trust-all-tools\b|--skip-permissions\b|--bypass-approvals[\w-]*|--allow-all-tools\b|--approval-mode[= ]+(yolo|full-auto)\b|--full-auto\b/;

export const agentCliRule: CodeRule = (source) => {
  const out: CodeFinding[] = [];
  source.lines.forEach((line, index) => {
    if (!source.added[index] || isCommentLine(line)) return;
    const m = unsandboxedAgentFlags.exec(line);
    if (m)
      out.push({
        ruleId: "privilege.agent-unsandboxed",
        index,
        message: `Refused: ${m[0]} runs an AI agent with its permission checks off, able to read secrets and run anything.`,
      });
  });
  return out;
};
