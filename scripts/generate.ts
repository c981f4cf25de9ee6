/**
 * `npm run generate`: rewrites the files generated from code. Tests fail when
 * a committed copy is out of date, naming this command.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { generatedFiles } from "./generated-files.js";

for (const file of generatedFiles()) {
  mkdirSync(dirname(file.path), { recursive: true });
  writeFileSync(file.path, file.content);
  console.log(`wrote ${file.path}`);
}
