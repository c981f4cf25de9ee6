import type { GitHubPort } from "../../src/github/port.js";

/** One call the code under test made on the port. */
export type PortCall = { method: keyof GitHubPort; args: unknown[] };

/**
 * A fake of the GitHub port for tests of the delivery logic (policy-bot's `pulltest.Context` is
 * the model): records every call and answers with what the test scripted per method, an error
 * to throw or nothing.
 */
export function fakeGitHubPort(
  answers: Partial<Record<keyof GitHubPort, () => Error | undefined>> = {},
): GitHubPort & { calls: PortCall[] } {
  const calls: PortCall[] = [];
  const method =
    (name: keyof GitHubPort) =>
    async (...args: unknown[]): Promise<void> => {
      calls.push({ method: name, args });
      const error = answers[name]?.();
      if (error) throw error;
    };
  return {
    calls,
    ensureStatusComment: method("ensureStatusComment"),
    ensureCheckRuns: method("ensureCheckRuns"),
    reply: method("reply"),
    react: method("react"),
    dispatch: method("dispatch"),
    replyInThread: method("replyInThread"),
  };
}
