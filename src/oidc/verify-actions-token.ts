import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { WaveError } from "../errors.js";

/** An Actions OIDC token the app refused; the message says which check failed and is shown to the runner too. */
export class RunnerTokenRefused extends WaveError {}

/** The claims of GitHub's Actions OIDC token the app checks (see GitHub's "About security hardening with OpenID Connect"). */
export interface ActionsClaims extends JWTPayload {
  repository?: string;
  repository_id?: string;
  event_name?: string;
  workflow_ref?: string;
  job_workflow_ref?: string;
  run_id?: string;
  run_attempt?: string;
}

/** What the token must prove: the dispatch the app made, from the repository and workflow the story's config names. */
export interface TokenExpectation {
  /** The story's repository (GitHub's numeric id, compared as the token's string claim). */
  repositoryId: number;
  /** "owner/repo" of the story, to read `sandbox.actions_workflow` when it is a path in the repository. */
  repository: string;
  /** `sandbox.actions_workflow`: `.github/workflows/x.yml` in the repository, or `owner/repo/path` of a reusable workflow. */
  workflow: string;
}

/** Verifies Actions OIDC tokens against one issuer's JWKS (fetched once, refreshed by jose on an unknown key id). */
export interface ActionsTokenVerifier {
  verify(token: string, expected: TokenExpectation): Promise<ActionsClaims>;
}

/**
 * The verifier over `issuer`'s published keys: signature (RS256 only, the keys GitHub publishes), issuer,
 * audience, expiry (a minute of clock skew), then GitHub's claims: the repository id, the event
 * (`repository_dispatch`, the only trigger the app uses) and the workflow — `workflow_ref` for a workflow in
 * the repository, `job_workflow_ref` for a reusable one kept in one place by the organisation.
 */
export function actionsTokenVerifier(options: {
  issuer: string;
  /** The app's URL or the configured audience; a function when it is known only once the server listens (tests). */
  audience: string | (() => string);
  jwksUrl?: string;
}): ActionsTokenVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl ?? `${options.issuer}/.well-known/jwks`));
  return {
    verify: async (token, expected) => {
      const audience = typeof options.audience === "function" ? options.audience() : options.audience;
      let payload: ActionsClaims;
      try {
        ({ payload } = await jwtVerify<ActionsClaims>(token, jwks, {
          issuer: options.issuer,
          audience,
          algorithms: ["RS256"],
          clockTolerance: 60,
          requiredClaims: ["exp", "iat"],
        }));
      } catch (error) {
        throw new RunnerTokenRefused(`The runner's OIDC token was refused: ${joseReason(error, { issuer: options.issuer, audience })}.`, {
          cause: error,
        });
      }
      const refuse = (why: string) => new RunnerTokenRefused(`The runner's OIDC token was refused: ${why}.`);
      if (payload.repository_id !== String(expected.repositoryId))
        throw refuse(
          `it was issued to repository ${String(payload.repository ?? "?")} (id ${String(payload.repository_id)}), not to ${expected.repository} (id ${expected.repositoryId})`,
        );
      if (payload.event_name !== "repository_dispatch")
        throw refuse(`its workflow run was triggered by ${String(payload.event_name)}, not by the app's repository_dispatch`);
      const want = expectedWorkflow(expected);
      const got = want.claim === "workflow_ref" ? payload.workflow_ref : (payload.job_workflow_ref ?? payload.workflow_ref);
      if (!got || workflowPath(got) !== want.path)
        throw refuse(`it comes from workflow ${String(got)}, not from ${want.path} (sandbox.actions_workflow)`);
      if (!payload.run_id) throw refuse("it carries no run_id");
      return payload;
    },
  };
}

/** The workflow the token must name: a path in the story's repository, or a reusable workflow's `owner/repo/path`. */
export function expectedWorkflow(expected: Pick<TokenExpectation, "repository" | "workflow">): {
  claim: "workflow_ref" | "job_workflow_ref";
  path: string;
} {
  const w = expected.workflow.replace(/^\/+/, "");
  if (w.startsWith(".github/")) return { claim: "workflow_ref", path: `${expected.repository}/${w}` };
  return { claim: "job_workflow_ref", path: w };
}

/** `owner/repo/.github/workflows/x.yml@refs/heads/main` without its ref. */
function workflowPath(ref: string): string {
  const at = ref.lastIndexOf("@");
  return at < 0 ? ref : ref.slice(0, at);
}

function joseReason(error: unknown, options: { issuer: string; audience: string }): string {
  if (error instanceof joseErrors.JWTExpired) return "it has expired";
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return `it was not issued by ${options.issuer}`;
    if (error.claim === "aud") return `its audience is not ${options.audience}`;
    return `its ${error.claim} claim is invalid (${error.reason})`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return `it is signed with a key ${options.issuer} does not publish`;
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "its signature does not verify";
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "it is not signed with RS256";
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return "it is not a well-formed JWT";
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid)
    return `the issuer's keys (${options.issuer}) could not be read`;
  return error instanceof Error ? error.message : String(error);
}
