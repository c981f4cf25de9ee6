import { z } from "zod";

/** The repository id of a webhook payload. */
export function repositoryId(payload: unknown): number {
  return z.object({ repository: z.object({ id: z.number().int() }) }).parse(payload).repository.id;
}
