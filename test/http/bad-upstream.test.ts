/**
 * Every way the provider's token endpoint can misbehave, over real HTTP: Alexa always gets a §5.2
 * JSON error (or, for a 201, a proper 200), and the one record's verdict names what the upstream did.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, startTestAdapter, tokenHeadersOf, verdictCodes, type TestAdapter } from '../support/fake-alexa';
import { startFakeMisbehaving, type FakeMisbehaving, type MisbehaviourMode } from '../support/fake-misbehaving';

const UPSTREAM_TIMEOUT_MS = 300;

let bad: FakeMisbehaving;
let adapter: TestAdapter;
let github: TestAdapter;
let closedPort: TestAdapter;

beforeAll(async () => {
  bad = await startFakeMisbehaving();
  adapter = await startTestAdapter({ provider: 'generic', tokenUrl: bad.tokenUrl, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
  github = await startTestAdapter({ provider: 'github', tokenUrl: bad.tokenUrl, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
  // A port nothing listens on: take a free port from a fake, then close it.
  const gone = await startFakeMisbehaving();
  const deadUrl = gone.tokenUrl;
  await gone.close();
  closedPort = await startTestAdapter({ provider: 'generic', tokenUrl: deadUrl, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
});
afterAll(async () => {
  await Promise.all([adapter?.close(), github?.close(), closedPort?.close()]);
  await bad?.close();
});
beforeEach(() => {
  for (const a of [adapter, github, closedPort]) a.records.length = 0;
  bad.received.length = 0;
  bad.mode = { kind: 'ok' };
});

const creds = { scheme: 'basic' as const, clientId: 'alexa', clientSecret: 'secret' };
const codeExchange = { grant_type: 'authorization_code', code: 'c-1', redirect_uri: ALEXA_REDIRECT_URI };

interface Case {
  name: string;
  mode: MisbehaviourMode;
  status: number;
  error: string;
  verdict: string;
  upstreamOutcome: string;
}

const cases: Case[] = [
  { name: 'hangs', mode: { kind: 'hang' }, status: 503, error: 'temporarily_unavailable', verdict: 'upstream_timeout', upstreamOutcome: 'timeout' },
  { name: 'answers too slowly', mode: { kind: 'slow', delayMs: 2000 }, status: 503, error: 'temporarily_unavailable', verdict: 'upstream_timeout', upstreamOutcome: 'timeout' },
  { name: 'resets the connection', mode: { kind: 'reset' }, status: 503, error: 'temporarily_unavailable', verdict: 'upstream_unreachable', upstreamOutcome: 'network_error' },
  { name: 'answers 500 without a body', mode: { kind: 'status', status: 500 }, status: 503, error: 'temporarily_unavailable', verdict: 'upstream_5xx', upstreamOutcome: 'answered' },
  { name: 'answers 502 with text', mode: { kind: 'status', status: 502, body: 'Bad Gateway', contentType: 'text/plain' }, status: 503, error: 'temporarily_unavailable', verdict: 'upstream_5xx', upstreamOutcome: 'answered' },
  { name: 'answers 503 with Retry-After-ish text', mode: { kind: 'status', status: 503, body: 'Service Unavailable', contentType: 'text/plain' }, status: 503, error: 'temporarily_unavailable', verdict: 'upstream_5xx', upstreamOutcome: 'answered' },
  { name: 'answers 404 (wrong tokenUrl)', mode: { kind: 'status', status: 404, body: 'Not Found', contentType: 'text/plain' }, status: 502, error: 'server_error', verdict: 'upstream_http_error', upstreamOutcome: 'answered' },
  { name: 'answers 401 without a body', mode: { kind: 'status', status: 401 }, status: 401, error: 'invalid_client', verdict: 'upstream_unauthorized', upstreamOutcome: 'answered' },
  { name: 'answers an HTML login page', mode: { kind: 'html' }, status: 502, error: 'server_error', verdict: 'upstream_html', upstreamOutcome: 'answered' },
  { name: 'answers invalid JSON', mode: { kind: 'invalid_json' }, status: 502, error: 'server_error', verdict: 'upstream_invalid_json', upstreamOutcome: 'answered' },
  { name: 'answers a huge body with Content-Length', mode: { kind: 'huge', framing: 'declared' }, status: 502, error: 'server_error', verdict: 'upstream_too_large', upstreamOutcome: 'too_large' },
  { name: 'streams a huge body without Content-Length', mode: { kind: 'huge', framing: 'chunked' }, status: 502, error: 'server_error', verdict: 'upstream_too_large', upstreamOutcome: 'too_large' },
  { name: 'redirects to a login page', mode: { kind: 'redirect', location: 'https://login.example.com/signin' }, status: 502, error: 'server_error', verdict: 'upstream_redirect', upstreamOutcome: 'answered' },
];

describe('bad upstream over HTTP', () => {
  it.each(cases)('upstream $name → $status $error, verdict $verdict', async (c) => {
    bad.mode = c.mode;
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: codeExchange });

    expect(res.status).toBe(c.status);
    expect(tokenHeadersOf(res.headers)).toEqual({ contentType: 'application/json', cacheControl: 'no-store', pragma: 'no-cache' });
    expect(res.json.error).toBe(c.error);
    expect(typeof res.json.error_description).toBe('string');
    expect(res.json).not.toHaveProperty('access_token');

    expect(bad.received).toHaveLength(1);
    expect(adapter.records).toHaveLength(1);
    const rec = adapter.records[0]!;
    expect(rec.outcome).toBe(c.status === 401 ? 'provider_error' : 'upstream_error');
    expect(rec.upstream.outcome).toBe(c.upstreamOutcome);
    expect(rec.response).toMatchObject({ status: c.status, error: c.error });
    expect(verdictCodes(rec)[0]).toBe(c.verdict);
    expect(verdictCodes(rec).filter((v) => v !== 'alexa_auth_basic')).toEqual([c.verdict]);
  });

  it('the timeout verdict names the configured budget', async () => {
    bad.mode = { kind: 'hang' };
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: codeExchange });
    expect(res.status).toBe(503);
    expect(adapter.records[0]!.verdicts[0]!.message).toContain(`${UPSTREAM_TIMEOUT_MS} ms`);
  });

  it('401 without a body and Alexa in the body scheme → 400 invalid_client, no WWW-Authenticate (RFC 6749 §5.2)', async () => {
    bad.mode = { kind: 'status', status: 401 };
    const res = await alexaTokenRequest(adapter.url, { scheme: 'body', clientId: 'alexa', clientSecret: 'secret', params: codeExchange });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('401 without a body and Alexa on Basic → WWW-Authenticate', async () => {
    bad.mode = { kind: 'status', status: 401 };
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: codeExchange });
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('a 201 with tokens becomes a 200 §5.1 answer', async () => {
    bad.mode = { kind: 'created' };
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: codeExchange });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ access_token: bad.tokens.access_token, refresh_token: bad.tokens.refresh_token, token_type: 'Bearer', expires_in: 3600 });
    const rec = adapter.records[0]!;
    expect(rec.outcome).toBe('success');
    expect(rec.upstream.status).toBe(201);
    expect(rec.translated).toContain('status 201 → 200');
    expect(verdictCodes(rec)).toContain('success_status_normalized');
  });

  it('a slow upstream inside the budget succeeds', async () => {
    bad.mode = { kind: 'slow', delayMs: 20 };
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: codeExchange });
    expect(res.status).toBe(200);
    expect(adapter.records[0]!.outcome).toBe('success');
  });

  it('the connection refused (nothing listening) → 503, upstream_unreachable', async () => {
    const res = await alexaTokenRequest(closedPort.url, { ...creds, params: codeExchange });
    expect(res.status).toBe(503);
    expect(res.json.error).toBe('temporarily_unavailable');
    expect(closedPort.records).toHaveLength(1);
    expect(closedPort.records[0]!.upstream.outcome).toBe('network_error');
    expect(verdictCodes(closedPort.records[0])[0]).toBe('upstream_unreachable');
    expect(closedPort.records[0]!.verdicts[0]!.message).toContain('ECONNREFUSED');
  });

  it('the adapter still serves after a hang, a reset and a huge body', async () => {
    for (const mode of [{ kind: 'hang' }, { kind: 'reset' }, { kind: 'huge', framing: 'chunked' }] as MisbehaviourMode[]) {
      bad.mode = mode;
      await alexaTokenRequest(adapter.url, { ...creds, params: codeExchange });
    }
    bad.mode = { kind: 'ok' };
    const res = await alexaTokenRequest(adapter.url, { ...creds, params: { grant_type: 'refresh_token', refresh_token: 'rt' } });
    expect(res.status).toBe(200);
    expect(adapter.records.map((r) => r.outcome)).toEqual(['upstream_error', 'upstream_error', 'upstream_error', 'success']);
  });

  it.each([
    ['HTML page', { kind: 'html' }, 'upstream_html'],
    ['hang', { kind: 'hang' }, 'upstream_timeout'],
    ['500', { kind: 'status', status: 500 }, 'upstream_5xx'],
  ] as [string, MisbehaviourMode, string][])('the GitHub profile reports the same failure (%s)', async (_name, mode, verdict) => {
    bad.mode = mode;
    const res = await alexaTokenRequest(github.url, { ...creds, params: codeExchange });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(github.records).toHaveLength(1);
    expect(verdictCodes(github.records[0])[0]).toBe(verdict);
  });
});
