import { chromium, type Browser } from "playwright-core";

/** Debian's chromium; `scripts/bootstrap.sh` installs it when missing. */
export const CHROMIUM = process.env.WAVE_CHROMIUM ?? "/usr/bin/chromium";

/**
 * A real headless Chromium with nothing that phones home (tests have no
 * network beyond loopback). Playwright gives every launch a fresh, temporary
 * profile (`--user-data-dir` of its own, removed on close), so no state leaks
 * between runs; it refuses a `--user-data-dir` argument for that reason.
 */
export async function launchBrowser(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}
