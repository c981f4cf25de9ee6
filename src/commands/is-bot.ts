/** The sender of a webhook event, as GitHub describes it. */
export interface EventSender {
  login: string;
  type: string;
}

/**
 * Bots never command WAVE, WAVE included: that is how loops between bots are
 * avoided (Prow #432). Checked before any API call.
 */
export function isBot(sender: EventSender): boolean {
  return sender.type === "Bot" || /\[bot\]$/i.test(sender.login);
}
