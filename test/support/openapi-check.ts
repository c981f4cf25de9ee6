import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> }>>;
  components: { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; schemas: Record<string, unknown> };
}

/**
 * Holds answers of the running app against docs/portal-openapi.json: the
 * documented path and method must exist, the status must be documented, and
 * the JSON body must match its schema (strictly: undocumented fields fail).
 */
export function openApiChecker(file = "docs/portal-openapi.json") {
  const doc = JSON.parse(readFileSync(file, "utf8")) as OpenApiDoc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: "openapi", components: doc.components }, "openapi");
  const rewrite = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/'));
  return (method: string, template: string, status: number, body: unknown): void => {
    const operation = doc.paths[template]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${template} is not in the OpenAPI document`);
    let response = operation.responses[String(status)];
    if (!response) throw new Error(`${method} ${template} answered ${status}, which the OpenAPI document does not list`);
    if (response.$ref) response = doc.components.responses[response.$ref.split("/").pop() ?? ""] ?? {};
    const schema = response.content?.["application/json"]?.schema;
    if (!schema) return;
    const validate = ajv.compile(rewrite(schema) as object);
    if (!validate(body))
      throw new Error(
        `${method} ${template} ${status}: the body does not match the OpenAPI schema: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
      );
  };
}
