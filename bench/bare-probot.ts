/**
 * The baseline for `npm run bench:webhooks`: a bare Probot app, started the
 * same way as WAVE (Probot's `run`), whose handlers do nothing.
 */
import { run } from "probot";

await run((app) => {
  app.on(["issues", "issue_comment"], async () => undefined);
});
