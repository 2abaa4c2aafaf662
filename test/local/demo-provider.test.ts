/** The GitHub-like demo provider of local mode behaves like GitHub's token endpoint, quirks included. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE_TTL_MS, startDemoProvider, type DemoProvider } from '../../local/demo-provider';

const REDIRECT = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';
let clock = Date.now();
let demo: DemoProvider;
let forced: DemoProvider;

beforeAll(async () => {
  demo = await startDemoProvider({ now: () => clock });
  forced = await startDemoProvider({ answerFormat: 'form' });
});
afterAll(async () => {
  await demo.close();
  await forced.close();
});

const post = (p: DemoProvider, params: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(p.tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(params).toString() });

const creds = { client_id: 'demo-client', client_secret: 'demo-secret' };

describe('demo provider token endpoint', () => {
  it('answers form-encoded by default and JSON for Accept: application/json', async () => {
    const form = await post(demo, { ...creds, code: demo.mintCode() });
    expect(form.status).toBe(200);
    expect(form.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    const fields = new URLSearchParams(await form.text());
    expect(fields.get('access_token')).toMatch(/^ghu_/);
    expect(fields.get('scope')).toBe('repo,gist');
    expect(fields.get('token_type')).toBe('bearer');
    expect(fields.get('expires_in')).toBe('28800');
    expect(fields.get('refresh_token')).toMatch(/^ghr_/);
    expect(fields.get('refresh_token_expires_in')).toBe('15897600');

    const json = await post(demo, { ...creds, code: demo.mintCode() }, { accept: 'application/json' });
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await json.json()).toMatchObject({ token_type: 'bearer', scope: 'repo,gist', expires_in: 28800 });
  });

  it('answers form-encoded even to Accept: application/json with answerFormat "form"', async () => {
    const res = await post(forced, { ...creds, code: forced.mintCode() }, { accept: 'application/json' });
    expect(res.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
  });

  it('accepts HTTP Basic client credentials', async () => {
    const res = await post(demo, { code: demo.mintCode() }, { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, accept: 'application/json' });
    expect(await res.json()).toHaveProperty('access_token');
  });

  it('reports errors with HTTP 200: credentials, used or expired codes, redirect_uri mismatch', async () => {
    const errorOf = async (res: Response) => {
      expect(res.status).toBe(200);
      const f = new URLSearchParams(await res.text());
      expect(f.get('error_uri')).toMatch(/^https:\/\/docs\.github\.com\//);
      expect(f.get('error_description')).toBeTruthy();
      return f.get('error');
    };
    expect(await errorOf(await post(demo, { client_id: 'demo-client', client_secret: 'nope', code: demo.mintCode() }))).toBe('incorrect_client_credentials');

    const code = demo.mintCode();
    expect(new URLSearchParams(await (await post(demo, { ...creds, code })).text()).has('access_token')).toBe(true);
    expect(await errorOf(await post(demo, { ...creds, code }))).toBe('bad_verification_code'); // single use

    const bound = demo.mintCode({ redirectUri: REDIRECT });
    expect(await errorOf(await post(demo, { ...creds, code: bound, redirect_uri: 'https://evil.example/cb' }))).toBe('redirect_uri_mismatch');
    expect(new URLSearchParams(await (await post(demo, { ...creds, code: bound, redirect_uri: REDIRECT })).text()).has('access_token')).toBe(true);

    const old = demo.mintCode();
    clock += CODE_TTL_MS + 1;
    expect(await errorOf(await post(demo, { ...creds, code: old }))).toBe('bad_verification_code'); // expired
    expect(await errorOf(await post(demo, { ...creds, grant_type: 'password', code: demo.mintCode() }))).toBe('unsupported_grant_type');
  });

  it('refreshes like a GitHub App: new single-use refresh token each time', async () => {
    const first = (await (await post(demo, { ...creds, code: demo.mintCode() }, { accept: 'application/json' })).json()) as Record<string, string>;
    const refreshed = (await (await post(demo, { ...creds, grant_type: 'refresh_token', refresh_token: first.refresh_token! }, { accept: 'application/json' })).json()) as Record<string, unknown>;
    expect(refreshed).toMatchObject({ expires_in: 28800, refresh_token_expires_in: 15897600, token_type: 'bearer' });
    expect(refreshed.refresh_token).not.toBe(first.refresh_token);
    const reused = await post(demo, { ...creds, grant_type: 'refresh_token', refresh_token: first.refresh_token! }, { accept: 'application/json' });
    expect(reused.status).toBe(200);
    expect(await reused.json()).toMatchObject({ error: 'bad_refresh_token' });
  });
});

describe('demo provider codes', () => {
  it('GET /login/oauth/authorize shows a login form; signing in redirects back with a code bound to redirect_uri and the state', async () => {
    const url = `${demo.authorizeUrl}?client_id=demo-client&redirect_uri=${encodeURIComponent(REDIRECT)}&state=s%201`;
    const page = await fetch(url, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/login/oauth/authorize">');
    expect(html).not.toMatch(/<script/i);
    const form = { client_id: 'demo-client', redirect_uri: REDIRECT, state: 's 1', login: 'demo' };
    const postForm = (extra: Record<string, string>) =>
      fetch(demo.authorizeUrl, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ ...form, ...extra }).toString() });
    const wrong = await postForm({ password: 'nope', action: 'approve' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('Wrong user or password.');
    const denied = await postForm({ password: 'demo', action: 'deny' });
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    const res = await postForm({ password: 'demo', action: 'approve' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('s 1');
    const code = location.searchParams.get('code')!;
    const err = new URLSearchParams(await (await post(demo, { ...creds, code, redirect_uri: 'https://pitangui.amazon.com/api/skill/link/X' })).text());
    expect(err.get('error')).toBe('redirect_uri_mismatch');
    expect((await fetch(`${demo.authorizeUrl}?client_id=someone-else&redirect_uri=${encodeURIComponent(REDIRECT)}`, { redirect: 'manual' })).status).toBe(404);
  });

  it('GET /demo/code returns a fresh code as text', async () => {
    const a = await (await fetch(`${demo.url}/demo/code`)).text();
    const b = await (await fetch(`${demo.url}/demo/code`)).text();
    expect(a).toMatch(/^[0-9a-f]{20}$/);
    expect(a).not.toBe(b);
  });
});

describe('demo provider behaviours armed for one login (the link simulator presets)', () => {
  const login = async (p: DemoProvider, state = 'alexa-state-0123456789-0123456789-0123456789') => {
    const res = await fetch(p.authorizeUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'demo-client', redirect_uri: REDIRECT, state, login: 'demo', password: 'demo', action: 'approve' }).toString(),
    });
    return new URL(res.headers.get('location')!);
  };

  it('applies to the next approved login only, and to the refresh tokens descending from it', async () => {
    const p = await startDemoProvider({ answerFormat: 'form' });
    try {
      p.armBehaviour({ answerFormat: 'json', successStatus: 201, refreshTokens: 'reusable', truncateState: true });
      const back = await login(p);
      expect(back.searchParams.get('state')).toBe('alexa-state-0123456789-012345678');
      const first = await post(p, { ...creds, code: back.searchParams.get('code')! });
      expect(first.status).toBe(201);
      expect(first.headers.get('content-type')).toMatch(/^application\/json/);
      const rt = ((await first.json()) as { refresh_token: string }).refresh_token;
      // Reusable: the same refresh token works twice, each time as JSON 201.
      for (let i = 0; i < 2; i++) {
        const again = await post(p, { ...creds, grant_type: 'refresh_token', refresh_token: rt });
        expect(again.status).toBe(201);
        expect(await again.json()).toMatchObject({ token_type: 'bearer', refresh_token: expect.stringMatching(/^ghr_/) });
      }
      // The next login is back to the configured behaviour (form-encoded 200, state untouched, single-use).
      const plain = await login(p);
      expect(plain.searchParams.get('state')).toBe('alexa-state-0123456789-0123456789-0123456789');
      const normal = await post(p, { ...creds, code: plain.searchParams.get('code')! });
      expect(normal.status).toBe(200);
      expect(normal.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    } finally {
      await p.close();
    }
  });

  it('an armed behaviour expires unused (an abandoned simulated link leaves nothing armed)', async () => {
    let t = Date.now();
    const p = await startDemoProvider({ answerFormat: 'form', now: () => t });
    try {
      p.armBehaviour({ truncateState: true }, 60_000);
      t += 60_001;
      expect((await login(p)).searchParams.get('state')).toBe('alexa-state-0123456789-0123456789-0123456789');
    } finally {
      await p.close();
    }
  });

  it('no refresh token; a slow answer', async () => {
    const p = await startDemoProvider({ answerFormat: 'json' });
    try {
      p.armBehaviour({ refreshTokens: 'none', delayMs: 300 });
      const back = await login(p);
      const t0 = Date.now();
      const res = await post(p, { ...creds, code: back.searchParams.get('code')! });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({ token_type: 'bearer', expires_in: 28800 });
      expect(body.refresh_token).toBeUndefined();
    } finally {
      await p.close();
    }
  });

  it('the login page: every field escaped, no script', async () => {
    const evil = '"><img src=x onerror=alert(1)>';
    const html = await (await fetch(`${demo.authorizeUrl}?${new URLSearchParams({ client_id: 'demo-client', redirect_uri: REDIRECT, state: evil, scope: evil })}`)).text();
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&#34;&#62;&#60;img src=x onerror=alert(1)&#62;');
  });
});
