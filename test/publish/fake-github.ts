import nock from "nock";
import { GitRepoFake } from "../support/fake-git-repo.js";

export { OWNER, REPO, gitBlobSha } from "../support/fake-git-repo.js";
export type { Pull, RecordedRequest } from "../support/fake-git-repo.js";

const API = "https://api.github.com";

/** The stateful fake repository behind nock (the router lives in test/support/fake-git-repo.ts). */
export class FakeGitHub extends GitRepoFake {
  /** The nock scopes it answers on; a test can listen to their "request" events to count calls. */
  readonly scopes: nock.Scope[] = [];

  constructor() {
    super();
    nock.disableNetConnect();
    for (const method of ["GET", "POST", "PATCH"]) {
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      const fake = this;
      const scope = nock(API)
        .persist()
        .intercept(/.*/, method)
        .reply(function (uri, body) {
          return fake.handle(method, uri, body, String(this.req.headers.accept ?? ""));
        });
      this.scopes.push(scope);
    }
  }

  close(): void {
    nock.cleanAll();
  }
}
