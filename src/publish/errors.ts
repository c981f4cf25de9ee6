import { WaveError } from "../errors.js";

/** Files the change touches were also changed on the base branch since the plan's base commit. */
export class PublishConflict extends WaveError {
  constructor(
    readonly paths: string[],
    readonly baseBranch: string,
    readonly baseSha: string,
  ) {
    super(
      paths.length > 0
        ? `The change conflicts with ${baseBranch}: ${paths.join(", ")} changed there since the plan was made.`
        : `WAVE could not tell whether the change conflicts with ${baseBranch}: the plan's base commit is gone from it, or too many files changed there.`,
      {
        hint: "The story is held. `/wave retry` publishes again (a conflict WAVE can name then is rebuilt on the base's head, docs/iteration.md); `/wave kill <reason>` stops it.",
      },
    );
  }
}

/** Someone else pushed to the story's branch after WAVE's build started from it; WAVE will not overwrite their commits. */
export class BranchTakenOver extends WaveError {
  constructor(
    readonly branch: string,
    readonly headSha: string,
  ) {
    super(`Branch ${branch} has commits WAVE did not make (head ${headSha.slice(0, 7)}), so WAVE did not overwrite it.`, {
      hint: "Their commits stay. A review or `/wave recycle <feedback>` builds WAVE's next change on top of them; `/wave kill <reason>` stops the story.",
    });
  }
}

/** The change, applied to the base, changes nothing: there is nothing to commit or review. */
export class EmptyChange extends WaveError {
  constructor(readonly baseBranch: string) {
    super(`The change is empty against ${baseBranch}: every file it touches already has this content there.`, {
      hint: "Nothing to publish. If the work landed on the base another way, `/wave kill <reason>`; otherwise `/wave recycle <feedback>`.",
    });
  }
}
