/** The parts of a GitHub issue comment that say who wrote it. */
export interface CommentAuthorship {
  user?: { login?: string; type?: string } | null;
  performed_via_github_app?: { id?: number } | null;
}

/**
 * The app's own id: `APP_ID`, the variable Probot authenticates with, so it is the app that
 * wrote every comment made with this process's installation tokens. Undefined when the app was
 * given its id another way (in-process tests).
 */
export function ownAppId(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const id = Number(env.APP_ID);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}

/**
 * Whether WAVE itself wrote `comment`: GitHub names the app that made a comment in
 * `performed_via_github_app`, and nobody else can set it; its author is then a Bot. A person's
 * comment carrying WAVE's hidden marker is never taken for WAVE's own (nor edited). Without a
 * known app id, any app's comment counts, a person's still never does.
 */
export function isOwnComment(comment: CommentAuthorship, appId: number | undefined = ownAppId()): boolean {
  if (comment.user?.type !== "Bot") return false;
  const app = comment.performed_via_github_app?.id;
  return appId === undefined ? true : app === appId;
}
