/**
 * The adapter's own HTML pages on the authorization leg (errors we must not redirect, RFC 6749
 * §4.1.2.1). Alexa's requirements for pages in the account-linking web view: mobile-friendly, no
 * pop-ups, no JavaScript alerts (Alexa docs: requirements-account-linking). So: tiny static HTML,
 * no script at all (the CSP forbids it), every interpolated value HTML-escaped.
 *
 * The person who sees these pages is the account holder, in the Alexa app's web view. Each page opens
 * with one sentence they understand and what they can do; below it comes the detail for the skill's
 * developer and a reference (the link id and the UTC time) that finds the exchange record.
 */
import type { HttpAnswer } from '../http-types';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Headers of every page and redirect on this leg: never cached, never framed, no script. */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
};

export interface PageContent {
  title: string;
  /** One sentence for the account holder: what happened, in their words. Plain text; escaped here. */
  message: string;
  /** What the account holder can do about it; plain text. */
  next?: string;
  /** For the skill's developer: what exactly went wrong (the verdict's message); plain text. */
  detail?: string;
  /** A short reference for support (the link id), shown with `time`. */
  reference?: string;
  /** ISO time of the exchange record (shown as UTC beside the reference). */
  time?: string;
}

/** `2026-12-01T10:02:03.456Z` → `2026-12-01 10:02:03 UTC`; anything else unchanged. */
function utc(time: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(time);
  return m ? `${m[1]} ${m[2]} UTC` : time;
}

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0;padding:1.25rem;max-width:34rem;line-height:1.5;color:#1f1f1f;overflow-wrap:anywhere}' +
  'h1{font-size:1.3rem;margin:.25rem 0 .75rem}p.lead{font-size:1.1rem}' +
  '.dev{margin-top:2rem;padding-top:.75rem;border-top:1px solid #ccc;font-size:.9rem;color:#444}.dev h2{font-size:1rem;margin:.25rem 0}' +
  'code{background:#f1f1f1;padding:.1em .3em;border-radius:3px}';

export function htmlPage(status: number, content: PageContent): HttpAnswer {
  const dev: string[] = [];
  if (content.detail) dev.push(`<p>${escapeHtml(content.detail)}</p>`);
  if (content.reference) {
    dev.push(
      `<p class="ref">Reference: <code>${escapeHtml(content.reference)}</code>${content.time ? ` · ${escapeHtml(utc(content.time))}` : ''}</p>`,
      '<p>If linking keeps failing, send this reference to the skill\'s developer.</p>',
    );
  }
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>${STYLE}</style>
</head><body><main>
<h1>${escapeHtml(content.title)}</h1>
<p class="lead">${escapeHtml(content.message)}</p>
${content.next ? `<p>${escapeHtml(content.next)}</p>\n` : ''}${dev.length ? `<section class="dev" aria-labelledby="dev"><h2 id="dev">For the skill's developer</h2>\n${dev.join('\n')}\n</section>\n` : ''}</main></body></html>
`;
  return { status, headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body };
}

export function redirectTo(location: string): HttpAnswer {
  return { status: 302, headers: { ...PAGE_HEADERS, location }, body: '' };
}

export const START_AGAIN = 'Close this page and start linking again from the Alexa app (Skills › your skill › Link Account).';

/** The situations a page can report, each with the account holder's sentence and what they can do. */
export const USER_PAGES = {
  /** /authorize refused the request (not from Alexa as expected: redirect URL, client id, query). */
  bad_request: {
    title: 'Account linking could not start',
    message: 'This linking request did not come from the Alexa app in the expected form, so it was stopped and your account was not linked.',
    next: START_AGAIN,
  },
  /** /callback got a state it does not know (changed on the way, or no state at all). */
  state_mismatch: {
    title: 'Account linking failed',
    message: 'The sign-in page sent you back without the details needed to finish, so your account was not linked.',
    next: START_AGAIN,
  },
  /** /callback got a state that was already used (back button, reload, replay). */
  replayed: {
    title: 'This link was already used',
    message: 'This sign-in was already used once to link your account, and it can be used only once.',
    next: 'If the Alexa app shows the skill as linked, you are done. Otherwise close this page and start linking again from the Alexa app (Skills › your skill › Link Account).',
  },
  /** /callback came after the grant expired. */
  expired: {
    title: 'The linking attempt timed out',
    message: 'Signing in took longer than the time allowed, so the linking request expired and your account was not linked.',
    next: START_AGAIN,
  },
  /** The state table could not be reached. */
  unavailable: {
    title: 'Account linking is briefly unavailable',
    message: 'A temporary problem on our side stopped the linking, and your account was not linked.',
    next: 'Wait a minute, then start linking again from the Alexa app (Skills › your skill › Link Account).',
  },
  /** A configuration mistake or a bug. */
  internal: {
    title: 'Account linking failed',
    message: 'Something went wrong on our side, so your account was not linked.',
    next: 'Try again later from the Alexa app; if it keeps happening, send the reference below to the skill\'s developer.',
  },
} as const satisfies Record<string, { title: string; message: string; next: string }>;

export type UserPageKind = keyof typeof USER_PAGES;

/** An error page: the account holder's sentence and next step, then the developer detail and the reference. */
export function userPage(status: number, kind: UserPageKind, dev: { detail: string; reference?: string; time?: string }): HttpAnswer {
  return htmlPage(status, { ...USER_PAGES[kind], ...dev });
}
