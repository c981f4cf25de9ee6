import { configJsonSchema } from "../src/config/json-schema.js";
import { readFileSync } from "node:fs";
import { renderConfigReference, renderConfigTable } from "../src/config/reference.js";
import { renderStatechartDoc } from "../src/story/diagram.js";

/** Every file generated from code, with its content. */
export function generatedFiles(): { path: string; content: string }[] {
  return [
    { path: "schema/wave.schema.json", content: JSON.stringify(configJsonSchema(), null, 2) + "\n" },
    { path: "docs/statechart.md", content: renderStatechartDoc() },
    { path: "docs/configuration.md", content: renderConfigReference() },
    { path: "README.md", content: withSection(readFileSync("README.md", "utf8"), "config", renderConfigTable()) },
  ];
}

/** Replaces what stands between `<!-- NAME:start -->` and `<!-- NAME:end -->`. */
function withSection(text: string, name: string, content: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = text.indexOf(start);
  const b = text.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README.md has no ${start} … ${end} section`);
  return `${text.slice(0, a + start.length)}\n${content}\n${text.slice(b)}`;
}
