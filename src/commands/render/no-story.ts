/** The reply when commands name a story and there is none here. */
export function renderNoStory(login: string, isPullRequest: boolean): string {
  return isPullRequest
    ? `@${login}, there is no WAVE story for this pull request, so nothing was done. Commands act on pull requests WAVE opened for a story.`
    : `@${login}, there is no WAVE story on this issue, so nothing was done. Add the trigger label (\`wave\` unless \`.github/wave.yml\` says otherwise) to start one.`;
}
