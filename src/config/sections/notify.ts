import { z } from "zod";

export const notificationEvents = [
  "waiting-for-human",
  "held",
  "killed",
  "safety",
  "budget-exhausted",
  "pr-ready",
  "emergency-stop",
  "emergency-resume",
] as const;
export const notificationSeverities = ["info", "warning", "critical"] as const;

const route = z
  .object({
    events: z
      .array(z.enum(notificationEvents))
      .min(1)
      .default([...notificationEvents])
      .describe("Which events this route sends."),
    min_severity: z.enum(notificationSeverities).default("info").describe("The least severity this route sends."),
    repositories: z
      .array(z.string().min(1))
      .default([])
      .describe("Repository names (without the owner) this route is for; empty means every repository."),
    webhook_env: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/)
      .describe(
        "Name of the environment variable holding the Slack incoming-webhook URL (its channel). The URL is a secret: it is never read from this file.",
      ),
  })
  .strict();

/** Slack notifications: which events go to which channel. Routing is configuration; the webhook URLs (secrets) come only from the environment. */
export const notifySection = z
  .object({
    slack: z
      .object({
        routes: z
          .array(route)
          .max(20)
          .default([])
          .describe(
            "Where notifications go: each route sends matching events to the channel of one webhook; an event may match several routes.",
          ),
      })
      .strict()
      .default({ routes: [] }),
  })
  .strict()
  .default({ slack: { routes: [] } });

export type NotifyConfig = z.infer<typeof notifySection>;
export type NotificationEvent = (typeof notificationEvents)[number];
export type NotificationSeverity = (typeof notificationSeverities)[number];
