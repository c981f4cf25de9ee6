import type { FakeGitHub } from "../support/fake-github-server.js";
import { githubExample } from "../support/webhook-examples.js";

export interface InstallationEvent {
  action: string;
  installation: { id: number; account: { login: string; type: string }; repository_selection: string };
  repositories?: { id: number; node_id: string; name: string; full_name: string; private: boolean }[];
  repositories_added?: { id: number; node_id: string; name: string; full_name: string; private: boolean }[];
}

/** GitHub's own installation.created example (selected repositories), with `extra` more repositories shaped like its first. */
export function installationCreated(extra = 0): InstallationEvent {
  const p = githubExample<InstallationEvent>("installation", "created");
  const [first] = p.repositories ?? [];
  if (!first) throw new Error("the example lists no repository");
  const owner = p.installation.account.login;
  for (let i = 0; i < extra; i++) {
    const name = `repo-${String(i).padStart(4, "0")}`;
    p.repositories?.push({ ...first, id: 900_000 + i, node_id: `R_node_${i}`, name, full_name: `${owner}/${name}` });
  }
  return p;
}

/** GitHub's own installation_repositories.added example. */
export function repositoriesAdded(): InstallationEvent {
  return githubExample<InstallationEvent>("installation_repositories", "added");
}

/** Makes the fake GitHub know every repository an event names (archived when `archived` says so). */
export function knowRepositories(
  github: FakeGitHub,
  event: InstallationEvent,
  archived: (fullName: string) => boolean = () => false,
): void {
  for (const r of [...(event.repositories ?? []), ...(event.repositories_added ?? [])]) {
    github.installationRepos.set(r.full_name, {
      id: r.id,
      name: r.name,
      full_name: r.full_name,
      node_id: r.node_id,
      archived: archived(r.full_name),
    });
  }
}
