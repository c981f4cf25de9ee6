import type { AnyStateNode } from "xstate";
import { storyMachine } from "./machine.js";

function nodeName(node: AnyStateNode): string {
  // "story.plan.working" → "plan_working"; Mermaid ids cannot hold dots.
  return node.path.join("_") || "story";
}

function guardLabel(guard: unknown): string {
  if (!guard) return "";
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && guard !== null && "type" in guard) {
    const g = guard as { type: unknown; params?: { step?: string } };
    if (typeof g.type === "string") return g.params?.step ? `${g.type} ${g.params.step}` : g.type;
  }
  return "guarded";
}

/**
 * Renders the story statechart as a Mermaid state diagram, straight from the
 * machine definition, so the picture in docs/ cannot drift from the code.
 */
export function renderMermaid(): string {
  const lines: string[] = ["stateDiagram-v2"];
  const edges: string[] = [];

  function visit(node: AnyStateNode, depth: number): void {
    const pad = "  ".repeat(depth);
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.initial?.target?.length) {
      for (const t of node.initial.target as AnyStateNode[]) lines.push(`${pad}[*] --> ${nodeName(t)}`);
    }
    for (const child of children) {
      const grandChildren = Object.values(child.states) as AnyStateNode[];
      if (grandChildren.length > 0) {
        lines.push(`${pad}state ${nodeName(child)} {`);
        visit(child, depth + 1);
        lines.push(`${pad}}`);
      } else if (child.type === "final") {
        lines.push(`${pad}${nodeName(child)} --> [*]`);
      }
      collectEdges(child);
    }
  }

  function collectEdges(node: AnyStateNode): void {
    for (const [eventType, defs] of node.transitions) {
      for (const def of defs) {
        for (const target of (def.target ?? []) as AnyStateNode[]) {
          const guard = guardLabel(def.guard);
          edges.push(`  ${nodeName(node)} --> ${nodeName(target)}: ${eventType}${guard ? ` [${guard}]` : ""}`);
        }
      }
    }
    for (const def of node.always ?? []) {
      for (const target of (def.target ?? []) as AnyStateNode[]) {
        const guard = guardLabel(def.guard);
        edges.push(`  ${nodeName(node)} --> ${nodeName(target)}: always${guard ? ` [${guard}]` : ""}`);
      }
    }
  }

  visit(storyMachine.root, 1);
  // Story-wide transitions (HOLD, KILL, …) are declared once on the root.
  for (const [eventType, defs] of storyMachine.root.transitions) {
    for (const def of defs) {
      for (const target of (def.target ?? []) as AnyStateNode[]) {
        const guard = guardLabel(def.guard);
        edges.push(`  note_any --> ${nodeName(target)}: ${eventType}${guard ? ` [${guard}]` : ""}`);
      }
    }
  }
  const unique = [...new Set(edges)];
  lines.push('  state "any live state" as note_any', ...unique);
  return lines.join("\n") + "\n";
}

/** The markdown document kept at docs/statechart.md. */
export function renderStatechartDoc(): string {
  return [
    "# The story statechart",
    "",
    "Generated from `src/story/machine.ts` by `npm run generate`; a test fails when this file is out of date.",
    "",
    'Transitions from "any live state" are declared once for the whole story (hold, kill, budget exhausted,',
    "emergency stop, recycle); `killed` and `done` are terminal. A held story resumes through `resuming` to the step",
    "it was held at.",
    "",
    "```mermaid",
    renderMermaid().trimEnd(),
    "```",
    "",
  ].join("\n");
}
