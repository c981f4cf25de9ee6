/**
 * The screening port: every tool call an agent wants to make passes through it
 * before it runs. The safety layer provides the implementation; refusals go
 * back to the model as tool errors and are recorded.
 */
export type ToolCall =
  | { tool: "bash"; command: string }
  | {
      tool: "str_replace_based_edit_tool";
      command: "view" | "create" | "str_replace" | "insert";
      path: string;
      content?: string;
      oldStr?: string;
      newStr?: string;
    };

export interface ScreeningContext {
  storyId: string;
  /** Files the plan says are in scope, when a plan exists. */
  filesInScope?: string[];
}

export interface ScreenVerdict {
  decision: "allow" | "escalate" | "block";
  /** Combined safety score in [0, 1]. */
  score: number;
  /** Short reasons, one per rule or principle that fired. */
  reasons: string[];
  ruleIds: string[];
}

export interface ToolCallScreen {
  screen(call: ToolCall, context: ScreeningContext): Promise<ScreenVerdict>;
}
