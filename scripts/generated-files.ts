import { configJsonSchema } from "../src/config/json-schema.js";
import { renderConfigReference } from "../src/config/reference.js";
import { renderStatechartDoc } from "../src/story/diagram.js";

/** Every file generated from code, with its content. */
export function generatedFiles(): { path: string; content: string }[] {
  return [
    { path: "schema/wave.schema.json", content: JSON.stringify(configJsonSchema(), null, 2) + "\n" },
    { path: "docs/statechart.md", content: renderStatechartDoc() },
    { path: "docs/configuration.md", content: renderConfigReference() },
  ];
}
