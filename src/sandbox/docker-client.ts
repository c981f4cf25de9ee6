import Docker from "dockerode";

/** Where dockerode will connect, for messages: DOCKER_HOST or the default socket. */
export function dockerEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST ?? "unix:///var/run/docker.sock";
}

/** The Docker client, honouring DOCKER_HOST like the docker CLI does. */
export function createDockerClient(env: NodeJS.ProcessEnv = process.env): Docker {
  const host = env.DOCKER_HOST;
  if (host?.startsWith("unix://")) return new Docker({ socketPath: host.slice("unix://".length) });
  // dockerode reads DOCKER_HOST (tcp://…), DOCKER_TLS_VERIFY and DOCKER_CERT_PATH itself.
  return new Docker();
}
