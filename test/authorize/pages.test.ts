/** The account holder's error pages: their sentence and next step first, then the developer detail and the reference. */
import { describe, expect, it } from 'vitest';
import { htmlPage, USER_PAGES, userPage, type UserPageKind } from '../../lambda/core/authorize/pages';

const text = (html: string) => html.replace(/<style>[\s\S]*?<\/style>/, '').replace(/<[^>]+>/g, ' ').replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/\s+/g, ' ').trim();

describe('user pages', () => {
  it.each(Object.keys(USER_PAGES) as UserPageKind[])('%s: one plain sentence for the account holder, what to do, then developer detail and reference', (kind) => {
    const { title, message, next } = USER_PAGES[kind];
    // One sentence, no jargon the account holder cannot act on.
    expect(message).toMatch(/^[A-Z][^.]*\.$/);
    expect(`${message} ${next}`).not.toMatch(/state|redirect_uri|grant|PKCE|OAuth|token|HTTP|4\d\d|5\d\d/i);
    const page = userPage(400, kind, { detail: 'the state the provider sent back does not belong to any linking attempt', reference: 'lk_AbCdEfGhIjKl', time: '2026-12-01T10:02:03.456Z' });
    const body = text(page.body);
    const order = [title, message, next, "For the skill's developer", 'the state the provider sent back', 'lk_AbCdEfGhIjKl', '2026-12-01 10:02:03 UTC', 'send this reference'].map((s) => body.indexOf(s));
    expect(order.every((i) => i >= 0), body).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(page.body).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
  });

  it('escapes every field, carries no script, and forbids scripts by CSP', () => {
    const evil = '<img src=x onerror=alert(1)>"\'`&';
    const page = htmlPage(400, { title: evil, message: evil, next: evil, detail: evil, reference: evil, time: evil });
    expect(page.body).not.toContain('<img');
    expect(page.body).not.toMatch(/<script/i);
    expect(page.body.match(/&#60;img src=x onerror=alert\(1\)&#62;&#34;&#39;&#96;&#38;/g)).toHaveLength(6 + 1 /* <title> */);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('without detail or reference shows no developer section', () => {
    expect(htmlPage(400, { title: 't', message: 'm.' }).body).not.toContain("skill's developer");
  });
});
