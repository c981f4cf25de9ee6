import type { ContentBlockParam, MessageParam } from "@anthropic-ai/sdk/resources/messages/messages.js";

/**
 * Prompt-caching layout for the tool loop. Pure. The API allows four
 * breakpoints; the loop uses: the tool definitions and the system prompt
 * (fixed), the first user turn that holds the plan and the story (the stable
 * prefix), and one that moves to the newest block each turn, so every request
 * reads all earlier turns from the cache and writes only the new tail.
 */
export function withMovingBreakpoint(messages: readonly MessageParam[]): MessageParam[] {
  const last = messages.length - 1;
  return messages.map((m, i) => {
    if ((i !== 0 && i !== last) || m.role === "system") return m;
    const blocks: ContentBlockParam[] = typeof m.content === "string" ? [{ type: "text", text: m.content }] : [...m.content];
    const at = blocks.length - 1;
    const tail = blocks[at];
    // Thinking blocks cannot carry a breakpoint; the newest turn is a user turn, so this only guards odd input.
    if (!tail || tail.type === "thinking" || tail.type === "redacted_thinking") return m;
    blocks[at] = { ...tail, cache_control: { type: "ephemeral" } } as ContentBlockParam;
    return m.role === "user" ? { role: "user", content: blocks } : { role: "assistant", content: blocks };
  });
}
