/**
 * The adapter's own HTML pages on the authorization leg (errors we must not redirect, RFC 6749
 * §4.1.2.1). Alexa's requirements for pages in the account-linking web view: mobile-friendly, no
 * pop-ups, no JavaScript alerts (Alexa docs: requirements-account-linking). So: tiny static HTML,
 * no script at all (the CSP forbids it), every interpolated value HTML-escaped.
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
  /** Plain text; escaped here. */
  message: string;
  /** What the user can do about it; plain text. */
  next?: string;
  /** A short reference for support (the link id), shown small. */
  reference?: string;
}

export function htmlPage(status: number, content: PageContent): HttpAnswer {
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(content.title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:0;padding:1.5rem;max-width:34rem;line-height:1.5;color:#222}h1{font-size:1.25rem}p.ref{color:#777;font-size:.8rem}</style>
</head><body>
<h1>${escapeHtml(content.title)}</h1>
<p>${escapeHtml(content.message)}</p>
${content.next ? `<p>${escapeHtml(content.next)}</p>\n` : ''}${content.reference ? `<p class="ref">Reference: ${escapeHtml(content.reference)}</p>\n` : ''}</body></html>
`;
  return { status, headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body };
}

export function redirectTo(location: string): HttpAnswer {
  return { status: 302, headers: { ...PAGE_HEADERS, location }, body: '' };
}

export const START_AGAIN = 'Close this page and start linking again from the Alexa app (Skills › your skill › Link Account).';
