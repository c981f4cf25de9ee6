import type Docker from "dockerode";
import { LABELS } from "./labels.js";

/** Removes every sandbox container of a story (held, killed, done, or emergency-stopped). */
export async function stopStorySandboxes(docker: Docker, storyId: string): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABELS.story}=${storyId}`] } });
  let removed = 0;
  for (const info of containers) {
    try {
      await docker.getContainer(info.Id).remove({ force: true, v: true });
      removed++;
    } catch (error) {
      // Gone already: the outcome we wanted.
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
  }
  return removed;
}
