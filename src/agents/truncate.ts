/**
 * Keeps the head and the tail of a long text and replaces the middle with a
 * visible marker: test runners and compilers put the cause at the start and
 * the summary at the end, so both halves matter.
 */
export function truncateMiddle(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const marker = (dropped: number) => `\n\n[… ${dropped} characters cut by WAVE …]\n\n`;
  const room = Math.max(0, maxChars - marker(text.length).length);
  const head = Math.ceil(room * 0.4);
  const tail = room - head;
  const dropped = text.length - head - tail;
  return { text: text.slice(0, head) + marker(dropped) + (tail > 0 ? text.slice(text.length - tail) : ""), truncated: true };
}
