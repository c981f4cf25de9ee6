/** An issue comment as GitHub lists it: who wrote it, and through which app. */
export interface FakeComment {
  id: number;
  body: string;
  user?: { login: string; type: string };
  performed_via_github_app?: { id: number; slug: string } | null;
}

/** What GitHub adds to a comment the app (id 1 in the tests) made with its installation token. */
export const APP_AUTHOR = { user: { login: "wave[bot]", type: "Bot" }, performed_via_github_app: { id: 1, slug: "wave" } } as const;
