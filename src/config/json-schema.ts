import { z } from "zod";
import { waveConfigSchema } from "./schema.js";

/**
 * The JSON Schema of `.github/wave.yml`, generated from the zod schema (the
 * input side, so defaults are optional), for editor completion. Committed at
 * schema/wave.schema.json and checked current by a test.
 */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(waveConfigSchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://github.com/wave-dev/wave/schema/wave.schema.json",
    title: "WAVE configuration (.github/wave.yml)",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}
