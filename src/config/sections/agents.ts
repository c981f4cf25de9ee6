import { z } from "zod";

/** `agents:` in .github/wave.yml. Owned by the agents layer; every key has a documented default. */
export const agentsSection = z.object({}).strict().prefault({});
