/**
 * `npm run generate`: rewrites the files generated from code. Tests fail when
 * a committed copy is out of date, naming this command.
 */
import { writeFileSync, mkdirSync } from "node:fs";
import { generatedFiles } from "./generated-files.js";

for (const file of generatedFiles()) {
  mkdirSync(file.path.replace(/\/[^/]+$/, ""), { recursive: true });
  writeFileSync(file.path, file.content);
  console.log(`wrote ${file.path}`);
}
