import { SandboxUnavailable } from "../errors.js";

const SETUP = "Run: npm run setup:docker";
const BUILD = "Run: npm run build:image";

interface DockerishError {
  message?: string;
  statusCode?: number;
  code?: string;
  json?: unknown;
  reason?: string;
}

/**
 * Turns what dockerode throws into a SandboxUnavailable that names the fix, for the three
 * ways the sandbox cannot be used at all: Docker not answering, the runtime not registered,
 * the image missing. Anything else is returned unchanged.
 */
export function explainDockerError(error: unknown, context: { image: string; runtime: string; socket: string }): unknown {
  const e = (typeof error === "object" && error !== null ? error : {}) as DockerishError;
  const text = `${e.message ?? ""} ${JSON.stringify(e.json ?? "")}`;
  if (e.code === "ENOENT" || e.code === "ECONNREFUSED" || e.code === "EACCES" || e.code === "ECONNRESET" || e.code === "EHOSTUNREACH") {
    return new SandboxUnavailable(`Docker does not answer at ${context.socket} (${e.code}).`, {
      hint: e.code === "EACCES" ? `Give this user access to the Docker socket, or ${SETUP.toLowerCase()} as root.` : SETUP,
      cause: error,
    });
  }
  if (/unknown runtime|runtime .* not found|unknown or invalid runtime/i.test(text)) {
    return new SandboxUnavailable(`The Docker runtime "${context.runtime}" is not registered with Docker.`, {
      hint: `${SETUP} (it registers runsc in /etc/docker/daemon.json and reloads Docker).`,
      cause: error,
    });
  }
  if (e.statusCode === 404 && /no such image|not found/i.test(text)) {
    return new SandboxUnavailable(`The sandbox image ${context.image} is missing.`, { hint: BUILD, cause: error });
  }
  return error;
}

export const FIX_COMMANDS = { setup: "npm run setup:docker", build: "npm run build:image" } as const;
