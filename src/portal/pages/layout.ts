import { html, type Html } from "./html.js";

export interface PageChrome {
  title: string;
  login: string | null;
  csrf: string | null;
  /** The SSE stream this page listens to, when it updates live. */
  live?: string;
}

/** The frame of every page: header with sign-out, main region the live script refreshes. */
export function layout(chrome: PageChrome, body: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${chrome.title} · WAVE</title>
<link rel="stylesheet" href="/wave/assets/portal.css">
<script src="/wave/assets/portal.js" defer></script>
</head>
<body${chrome.live ? html` data-live="${chrome.live}"` : ""}>
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="/wave/">WAVE</a>
  <nav aria-label="Account">
  ${
    chrome.login
      ? html`<span class="who">Signed in as <strong>@${chrome.login}</strong></span>
          <form method="post" action="/wave/logout" class="inline">
            <input type="hidden" name="csrf" value="${chrome.csrf ?? ""}" /><button type="submit" class="link">Sign out</button>
          </form>`
      : html`<a class="button" href="/wave/login">Sign in with GitHub</a>`
  }
  </nav>
</header>
<main id="main" tabindex="-1">
${body}
</main>
<p class="live-status" role="status" aria-live="polite" id="live-status"></p>
</body>
</html>`.value;
}
