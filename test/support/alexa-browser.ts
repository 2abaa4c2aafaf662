/**
 * Alexa's side of the browser leg, for tests: builds the /authorize URL Alexa opens, follows
 * redirects by hand (so each hop can be inspected) and signs in on the demo provider's login form.
 */
export const ALEXA_REDIRECT = 'https://layla.amazon.com/api/skill/link/M2TESTVENDOR';

export interface Hop {
  status: number;
  location?: string;
  body: string;
}

export async function hop(url: string, init: RequestInit = {}): Promise<Hop> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  const location = res.headers.get('location') ?? undefined;
  return { status: res.status, ...(location ? { location } : {}), body: await res.text() };
}

export function authorizeUrl(adapterUrl: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  const all: Record<string, string | undefined> = { client_id: 'demo-client', response_type: 'code', state: 'alexa-state-Zm9vYmFy', scope: 'profile', redirect_uri: ALEXA_REDIRECT, ...params };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) q.set(k, v);
  return `${adapterUrl}/authorize?${q}`;
}

/** Posts the demo provider's login form for the authorization request in `providerUrl`; returns the redirect to our /callback. */
export async function demoLogin(providerUrl: string, action: 'approve' | 'deny' = 'approve'): Promise<string> {
  const u = new URL(providerUrl);
  const form = new URLSearchParams(u.searchParams);
  form.set('login', 'demo');
  form.set('password', 'demo');
  form.set('action', action);
  const res = await hop(`${u.origin}${u.pathname}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
  if (res.status !== 302 || !res.location) throw new Error(`demo login did not redirect: ${res.status} ${res.body.slice(0, 200)}`);
  return res.location;
}
