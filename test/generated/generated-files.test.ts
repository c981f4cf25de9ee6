import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generatedFiles } from "../../scripts/generated-files.js";

describe("generated files are current", () => {
  for (const file of generatedFiles()) {
    it(`${file.path} matches the code (run \`npm run generate\` if not)`, () => {
      expect(readFileSync(file.path, "utf8")).toBe(file.content);
    });
  }
});
