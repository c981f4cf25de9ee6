import type Docker from "dockerode";
import { KILL_ALL_SIGNAL } from "./container-config.js";

/**
 * Whether a sandbox that stopped on its own (not at its deadline) was killed for memory.
 * Docker's `State.OOMKilled` is the first answer, but under load Docker misses the cgroup's OOM
 * event for a gVisor sandbox (1 in 8 measured with four memory bombs at once): the container just
 * exits with 137. A 137 that no `kill` through Docker explains (the reaper, `docker kill`, `docker
 * rm -f`) can only come from the kernel's OOM killer, so Docker's event log decides.
 */
export async function stoppedForMemory(docker: Docker, container: Docker.Container, since: number): Promise<boolean> {
  const info = await container.inspect().catch(() => undefined);
  if (info === undefined) return false; // removed: the reaper or an operator
  if (info.State.OOMKilled) return true;
  if (info.State.ExitCode !== 137) return false;
  return !(await killedThroughDocker(docker, container.id, since));
}

/** Docker's event log gives a kill's signal by number: KILL_ALL_SIGNAL (SIGUSR1) is 10 on Linux. */
const KILL_ALL_SIGNAL_NUMBER = "10";

/** A `kill` event for the container, other than the runner's own signal to PID 1. */
async function killedThroughDocker(docker: Docker, id: string, since: number): Promise<boolean> {
  const stream = await docker
    .getEvents({ since: Math.floor(since / 1000), until: Math.ceil(Date.now() / 1000), filters: { container: [id], event: ["kill"] } })
    .catch(() => undefined);
  // Without the event log the safer answer is "killed from outside": never claim memory without evidence.
  if (stream === undefined) return true;
  let text = "";
  for await (const chunk of stream as AsyncIterable<Buffer | string>) text += chunk.toString();
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .some((line) => {
      const signal = (JSON.parse(line) as { Actor?: { Attributes?: { signal?: string } } }).Actor?.Attributes?.signal;
      return signal !== KILL_ALL_SIGNAL_NUMBER && signal !== KILL_ALL_SIGNAL;
    });
}
