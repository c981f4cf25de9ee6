import { ownersOf, type Codeowners, type Owner } from "./parse-codeowners.js";

/** One changed path that needs a code owner's approval, with who may give it. */
export interface OwnedPath {
  path: string;
  owners: Owner[];
}

/**
 * The changed paths that need a code owner's approval: those whose last
 * matching rule names an owner WAVE can check (a user or a team). Pure. A path
 * no rule matches, or whose rule has no owners, needs none (as on GitHub);
 * email owners cannot be checked against a login, so they are ignored with a note.
 */
export function ownedPaths(codeowners: Codeowners, paths: readonly string[]): { owned: OwnedPath[]; notes: string[] } {
  const owned: OwnedPath[] = [];
  const notes: string[] = [];
  for (const path of paths) {
    const { rule, owners } = ownersOf(codeowners, path);
    const checkable = owners.filter((owner) => owner.kind !== "email");
    if (rule && checkable.length < owners.length)
      notes.push(`\`${path}\`: email owners on CODEOWNERS line ${rule.line} are ignored (WAVE cannot tell which login an email is).`);
    if (checkable.length > 0) owned.push({ path, owners: checkable });
  }
  return { owned, notes };
}

/** `@user` or `@org/team`, as CODEOWNERS writes it. */
export function ownerName(owner: Owner): string {
  return owner.kind === "user" ? `@${owner.login}` : owner.kind === "team" ? `@${owner.org}/${owner.slug}` : owner.email;
}

/** The owned paths no approval so far covers. Pure. */
export function missingPaths(owned: readonly OwnedPath[], approved: ReadonlySet<string>): OwnedPath[] {
  return owned.filter((item) => !approved.has(item.path));
}
