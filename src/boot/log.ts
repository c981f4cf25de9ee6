import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";

/**
 * The one logger: built exactly as Probot builds its own (pino through
 * @probot/pino, honouring LOG_LEVEL, LOG_FORMAT, LOG_LEVEL_IN_STRING,
 * LOG_MESSAGE_KEY and SENTRY_DSN) and handed to Probot, so boot, workers and
 * webhooks log through the same stream.
 */
export async function bootLog(env: NodeJS.ProcessEnv = process.env): Promise<Logger> {
  const transform = await getTransformStream({
    logFormat: env.LOG_FORMAT === "json" || (!env.LOG_FORMAT && env.NODE_ENV === "production") ? "json" : "pretty",
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    sentryDsn: env.SENTRY_DSN,
  });
  transform.pipe(pino.destination(1) as unknown as NodeJS.WritableStream);
  return pino({ level: env.LOG_LEVEL || "info", name: "wave", messageKey: env.LOG_MESSAGE_KEY || "msg" }, transform);
}
