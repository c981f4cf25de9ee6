import { z } from "zod";
import { GitHubError, GitHubNotFound, GitHubPermissionMissing, GitHubValidationFailed } from "./errors.js";

/** The parts of Octokit's `RequestError` we read; matched by shape so any Octokit version fits. */
const requestErrorShape = z.object({
  status: z.number().int(),
  message: z.string(),
  request: z.object({ method: z.string(), url: z.string() }),
  response: z
    .object({
      headers: z.record(z.string(), z.unknown()).default({}),
      data: z.unknown(),
    })
    .optional(),
});
export type RequestErrorLike = z.infer<typeof requestErrorShape>;

export function asRequestError(error: unknown): RequestErrorLike | undefined {
  const parsed = requestErrorShape.safeParse(error);
  return parsed.success ? parsed.data : undefined;
}

/** A response header as a string, whatever case or type Octokit gave it. */
export function header(error: RequestErrorLike, name: string): string | undefined {
  const headers = error.response?.headers ?? {};
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined && value !== null) return String(value);
  }
  return undefined;
}

/** "POST /repos/o/r/git/refs": the path without host or query, as people read it in GitHub's docs. */
export function routeOf(error: RequestErrorLike): string {
  let path = error.request.url;
  try {
    path = new URL(error.request.url).pathname;
  } catch {
    // Already a path.
  }
  // GitHub Enterprise Server serves the REST API under /api/v3.
  return `${error.request.method.toUpperCase()} ${path.replace(/^\/api\/v3(?=\/)/, "")}`;
}

const permissionNames: Record<string, string> = {
  checks: "Checks",
  contents: "Contents",
  pull_requests: "Pull requests",
  issues: "Issues",
  metadata: "Metadata",
  statuses: "Commit statuses",
  workflows: "Workflows",
};

const levelNames: Record<string, string> = { read: "read-only", write: "read and write", admin: "admin" };

function readablePermission(accepted: string): string {
  // GitHub's `x-accepted-github-permissions`: alternative sets split by ";", each "name=level[,name=level]".
  return accepted
    .split(";")
    .map((set) =>
      set
        .split(",")
        .map((pair) => {
          const [name = "", level = ""] = pair.trim().split("=");
          return `${permissionNames[name] ?? name}: ${levelNames[level] ?? level}`;
        })
        .join(", "),
    )
    .join(" or ");
}

/** Which app permission a route needs, for when GitHub's header does not say. */
function permissionForRoute(route: string): string {
  if (/\/check-(runs|suites)/.test(route)) return "Checks: read and write";
  if (/\/pulls/.test(route) || route.endsWith("/graphql")) return "Pull requests: read and write";
  if (/\/(git|contents|compare|commits|branches)\b/.test(route)) return "Contents: read and write";
  if (/\/issues/.test(route)) return "Issues: read and write";
  return "the permission GitHub's REST reference lists for this endpoint";
}

function validationErrors(data: unknown): string[] {
  const parsed = z
    .object({
      errors: z.array(
        z.union([
          z.string(),
          z.object({ message: z.string().optional(), code: z.string().optional(), field: z.string().optional() }).loose(),
        ]),
      ),
    })
    .safeParse(data);
  if (!parsed.success) return [];
  return parsed.data.errors.map((e) => (typeof e === "string" ? e : (e.message ?? [e.field, e.code].filter(Boolean).join(" "))));
}

function githubMessageOf(error: RequestErrorLike): string {
  const parsed = z.object({ message: z.string() }).loose().safeParse(error.response?.data);
  return parsed.success ? parsed.data.message : error.message;
}

/**
 * Turns Octokit's `RequestError` into one of our named errors with a message that
 * says what to do; anything else is returned unchanged.
 */
export function toWaveError(error: unknown): unknown {
  const requestError = asRequestError(error);
  if (!requestError) return error;
  const route = routeOf(requestError);
  const githubMessage = githubMessageOf(requestError);
  const fields = { status: requestError.status, route, requestId: header(requestError, "x-github-request-id"), githubMessage };
  const touchesWorkflows = /workflow/i.test(githubMessage) && /permission|refusing/i.test(githubMessage);
  if (touchesWorkflows) {
    return new GitHubPermissionMissing("Workflows: read and write", fields, { cause: error });
  }
  if (requestError.status === 403) {
    const accepted = header(requestError, "x-accepted-github-permissions");
    if (accepted || /not accessible by integration/i.test(githubMessage)) {
      return new GitHubPermissionMissing(accepted ? readablePermission(accepted) : permissionForRoute(route), fields, { cause: error });
    }
  }
  if (requestError.status === 404) {
    return new GitHubNotFound(`GitHub found nothing at ${route}.`, fields, {
      cause: error,
      hint: "Check that the app is installed on this repository and that the branch, pull request or check run still exists; a private repository the installation cannot see also answers 404.",
    });
  }
  if (requestError.status === 422) {
    const errors = validationErrors(requestError.response?.data);
    const detail = errors.length > 0 ? `: ${errors.join("; ")}` : "";
    return new GitHubValidationFailed(`GitHub refused ${route} (${githubMessage}${detail}).`, { ...fields, errors }, { cause: error });
  }
  return new GitHubError(`GitHub answered ${requestError.status} to ${route}: ${githubMessage}.`, fields, {
    cause: error,
    hint: requestError.status >= 500 ? "GitHub had a problem; the job retries with backoff." : undefined,
  });
}
