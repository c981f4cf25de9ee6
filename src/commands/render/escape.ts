/**
 * User text (reasons, feedback, unknown words) made safe to place inside a
 * line of markdown: one line, clipped, markdown characters escaped and
 * @mentions broken so a reply never pings people on the writer's behalf.
 */
export function inlineText(text: string, max = 200): string {
  let line = text.replace(/\s+/g, " ").trim();
  if (line.length > max) line = `${line.slice(0, max)}…`;
  return line.replace(/[\\`*_[\]<>|~#!]/g, "\\$&").replace(/@(?=[A-Za-z0-9])/g, "@\u200B");
}

/** A login shown without notifying its owner. */
export function quietLogin(login: string): string {
  return `\`${login.replace(/`/g, "")}\``;
}

/** User text placed inside an inline code span: one line, clipped, no backticks (they would end the span). */
export function codeText(text: string, max = 40): string {
  const line = text.replace(/\s+/g, " ").replace(/`/g, "'").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
