/**
 * Canary secrets: distinctive client secret, code, code_verifier and refresh token from Alexa, and
 * distinctive access / refresh / id tokens from the provider, pushed through every path (success in
 * both schemes, refresh, every rejection, every upstream failure, providers echoing secrets in their
 * error texts or bodies). Neither the exchange records nor anything else written to stdout/stderr
 * may contain any of them, raw or in the encoded forms they travel in.
 *
 * The adapters here use the DEFAULT record sink (one JSON line on stdout, as in Lambda), so the
 * records checked are exactly the bytes CloudWatch would receive.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseRuntimeConfig } from '../../lambda/core/config';
import { startLocalAdapter, type RunningServer } from '../../local/adapter';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, type TokenCall } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeGoogle, type FakeGoogle } from '../support/fake-google';
import { startFakeMisbehaving, type FakeMisbehaving, type MisbehaviourMode } from '../support/fake-misbehaving';
import { encodedForms } from '../support/encoded-forms';

// Client ids are not secret (they are fingerprinted anyway); everything below is.
const CLIENT_ID = 'alexa-skill-client';
const C = {
  clientSecret: 'CANARYclientsecret-Q7/+:ü x=&',
  code: 'CANARYcode-91ab/+=x',
  codeVerifier: 'CANARYverifier-abcdefghijklmnopqrstuvwxyz0123456789._~',
  refreshIn: 'CANARYrefreshin-5e1/+ z',
  accessOut: 'CANARYaccessout-2c9f',
  refreshOut: 'CANARYrefreshout-7d1e',
  idToken: 'CANARYidtoken.eyJzdWIiOiIxIn0.sig',
};
const CANARIES = Object.values(C);

const FORBIDDEN = [
  ...new Set([
    ...CANARIES.flatMap(encodedForms),
    // The Basic credential as it travels (RFC 6749 §2.3.1 encoding, then base64).
    Buffer.from(`${CLIENT_ID}:${new URLSearchParams({ v: C.clientSecret }).toString().slice(2)}`).toString('base64'),
  ]),
];

const captured: { stdout: string[]; stderr: string[] } = { stdout: [], stderr: [] };
function capture(stream: NodeJS.WriteStream, into: string[]) {
  vi.spyOn(stream, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof stream.write);
}

function leaksIn(text: string): string[] {
  const found = FORBIDDEN.filter((f) => text.includes(f));
  if (/canary/i.test(text)) found.push('CANARY marker');
  return found;
}

function recordsIn(lines: string[]): Record<string, unknown>[] {
  return lines
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{"type":"alexa-link-adapter.exchange"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

let generic: FakeGeneric;
let github: FakeGitHub;
let google: FakeGoogle;
let bad: FakeMisbehaving;
const adapters: Record<string, RunningServer> = {};
let requests = 0;

async function start(name: string, provider: string, tokenUrl: string) {
  adapters[name] = await startLocalAdapter({ config: parseRuntimeConfig({ provider, tokenUrl, upstreamTimeoutMs: 300 }, 'test') });
}

beforeAll(async () => {
  generic = await startFakeGeneric({ clients: { [CLIENT_ID]: C.clientSecret }, redirectUri: ALEXA_REDIRECT_URI });
  github = await startFakeGitHub({ clientId: CLIENT_ID, clientSecret: C.clientSecret, redirectUri: ALEXA_REDIRECT_URI });
  google = await startFakeGoogle({ clientId: CLIENT_ID, clientSecret: C.clientSecret, redirectUri: ALEXA_REDIRECT_URI });
  bad = await startFakeMisbehaving();
  bad.tokens = { access_token: C.accessOut, refresh_token: C.refreshOut };
  bad.echoRequest = true;
  github.echoCodeInErrors = true;
  await start('generic', 'generic', generic.tokenUrl);
  await start('github', 'github', github.tokenUrl);
  await start('google', 'google', google.tokenUrl);
  await start('bad', 'generic', bad.tokenUrl);
  capture(process.stdout, captured.stdout);
  capture(process.stderr, captured.stderr);
});

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all(Object.values(adapters).map((a) => a.close()));
  await Promise.all([generic?.close(), github?.close(), google?.close(), bad?.close()]);
});

const codeParams = { grant_type: 'authorization_code', code: C.code, redirect_uri: ALEXA_REDIRECT_URI, code_verifier: C.codeVerifier };
const refreshParams = { grant_type: 'refresh_token', refresh_token: C.refreshIn };
const basic = { scheme: 'basic' as const, clientId: CLIENT_ID, clientSecret: C.clientSecret };
const body = { scheme: 'body' as const, clientId: CLIENT_ID, clientSecret: C.clientSecret };

/** Sends one request; asserts its status, that exactly one new record appeared, and that it holds no canary. */
async function send(adapter: string, call: TokenCall, status: number) {
  const before = recordsIn(captured.stdout).length;
  const res = await alexaTokenRequest(adapters[adapter]!.url, call);
  requests += 1;
  expect(res.status).toBe(status);
  const fresh = recordsIn(captured.stdout).slice(before);
  expect(fresh).toHaveLength(1);
  expect(leaksIn(JSON.stringify(fresh))).toEqual([]);
  return { res, record: fresh[0]! };
}

describe('canary secrets never reach the log', () => {
  it.each([basic, body])('generic success and refresh ($scheme)', async (creds) => {
    generic.addCode(C.code, { accessToken: C.accessOut, refreshToken: C.refreshOut, idToken: C.idToken }, C.codeVerifier);
    const { res } = await send('generic', { ...creds, params: codeParams }, 200);
    expect(res.json).toMatchObject({ access_token: C.accessOut, refresh_token: C.refreshOut, id_token: C.idToken });
    generic.addRefreshToken(C.refreshIn, { accessToken: C.accessOut, idToken: C.idToken });
    // Rotation: the answer carries a new refresh token derived from the canary, and the presented one dies.
    generic.rotateRefreshTokens = true;
    const refreshed = await send('generic', { ...creds, params: refreshParams }, 200);
    expect(String(refreshed.res.json.refresh_token).startsWith(`${C.refreshIn}.r`)).toBe(true);
    expect(refreshed.res.json.id_token).toBe(C.idToken);
  });

  it.each([basic, body])('generic provider errors that echo the code, verifier, refresh token and secret ($scheme)', async (creds) => {
    generic.echoSecretsInErrors = true;
    generic.echoRawBodyInErrors = false;
    const code = await send('generic', { ...creds, params: codeParams }, 400);
    expect(code.res.json.error).toBe('invalid_grant');
    expect(leaksIn(code.res.text)).toEqual([]);
    await send('generic', { ...creds, params: refreshParams }, 400);
    // invalid_client: 401 for Basic, 400 for body credentials (RFC 6749 §5.2).
    await send('generic', { ...creds, clientSecret: `${C.clientSecret}-wrong`, params: codeParams }, creds.scheme === 'basic' ? 401 : 400);
    generic.echoSecretsInErrors = false;
  });

  it.each([basic, body])('a provider that echoes the raw form-encoded request body ($scheme)', async (creds) => {
    generic.echoRawBodyInErrors = true;
    const code = await send('generic', { ...creds, params: { grant_type: 'authorization_code', code: C.code, code_verifier: C.codeVerifier, redirect_uri: ALEXA_REDIRECT_URI } }, 400);
    expect(code.res.json.error).toBe('invalid_grant');
    await send('generic', { ...creds, params: refreshParams }, 400);
    generic.echoRawBodyInErrors = false;
  });

  it.each([basic, body])('GitHub success and an echoed bad code ($scheme)', async (creds) => {
    github.addCode(C.code, C.accessOut);
    const ok = await send('github', { ...creds, params: codeParams }, 200);
    expect(ok.res.json.access_token).toBe(C.accessOut);
    const badCode = await send('github', { ...creds, params: codeParams }, 400);
    expect(badCode.res.json.error).toBe('invalid_grant');
  });

  it.each([basic, body])('Google exchange and refresh retention ($scheme)', async (creds) => {
    google.addCode(C.code, { accessToken: C.accessOut, refreshToken: C.refreshOut, idToken: C.idToken });
    await send('google', { ...creds, params: codeParams }, 200);
    google.addRefreshToken(C.refreshIn, C.accessOut);
    const r = await send('google', { ...creds, params: refreshParams }, 200);
    expect(r.res.json.refresh_token).toBe(C.refreshIn);
    google.revoke(C.refreshIn);
    await send('google', { ...creds, params: refreshParams }, 400);
  });

  const rejections: [string, TokenCall, number][] = [
    ['wrong method', { ...body, method: 'PUT', params: codeParams }, 405],
    ['wrong path', { ...body, path: '/oauth/token2', params: codeParams }, 404],
    ['wrong content type', { ...body, params: codeParams, headers: { 'content-type': 'text/plain' } }, 415],
    ['malformed escape after the code', { scheme: 'none', params: {}, rawBody: `grant_type=authorization_code&code=${encodeURIComponent(C.code)}%zz&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(C.clientSecret)}` }, 400],
    ['invalid UTF-8 in the verifier', { scheme: 'none', params: {}, rawBody: `grant_type=authorization_code&code=${encodeURIComponent(C.code)}&code_verifier=${encodeURIComponent(C.codeVerifier)}%FF&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(C.clientSecret)}` }, 400],
    ['repeated code', { scheme: 'none', params: {}, rawBody: `grant_type=authorization_code&code=${encodeURIComponent(C.code)}&code=${encodeURIComponent(C.refreshIn)}&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(C.clientSecret)}` }, 400],
    ['missing grant_type', { ...body, params: { code: C.code, code_verifier: C.codeVerifier } }, 400],
    ['unknown grant_type', { ...body, params: { grant_type: 'password', password: C.clientSecret, refresh_token: C.refreshIn } }, 400],
    ['missing code', { ...body, params: { grant_type: 'authorization_code', code_verifier: C.codeVerifier } }, 400],
    ['missing credentials', { scheme: 'none', params: codeParams }, 401],
    ['Basic and body secret', { ...basic, params: { ...codeParams, client_secret: C.clientSecret } }, 400],
    ['client_id mismatch', { ...basic, params: { ...codeParams, client_id: 'other' } }, 400],
    ['Basic without colon', { scheme: 'none', params: codeParams, headers: { authorization: `Basic ${Buffer.from(C.code.replace(/:/g, '')).toString('base64')}` } }, 401],
    ['Basic with a broken escape in the secret', { scheme: 'none', params: codeParams, headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${C.clientSecret}%`).toString('base64')}` } }, 401],
    ['Bearer with a token', { scheme: 'none', params: codeParams, headers: { authorization: `Bearer ${C.accessOut}` } }, 401],
    ['oversized body', { ...body, params: { ...codeParams, pad: C.code.repeat(1000) } }, 413],
  ];
  it.each(rejections)('rejection: %s', async (_name, call, status) => {
    const { record } = await send('generic', call, status);
    expect(record.outcome).toBe('rejected');
  });

  const failures: [string, MisbehaviourMode, number][] = [
    ['hang', { kind: 'hang' }, 503],
    ['reset', { kind: 'reset' }, 503],
    ['500', { kind: 'status', status: 500, body: `error for code ${C.code}`, contentType: 'text/plain' }, 503],
    ['502 JSON echo', { kind: 'status', status: 502, body: JSON.stringify({ message: `upstream said ${C.clientSecret}` }), contentType: 'application/json' }, 503],
    ['HTML page', { kind: 'html' }, 502],
    ['invalid JSON', { kind: 'invalid_json' }, 502],
    ['huge body', { kind: 'huge', framing: 'chunked' }, 502],
    ['redirect', { kind: 'redirect', location: `https://login.example.com/?code=${encodeURIComponent(C.code)}` }, 502],
    ['401', { kind: 'status', status: 401 }, 401],
    ['201 success', { kind: 'created' }, 200],
  ];
  it.each(failures)('upstream failure: %s (both schemes, code and refresh)', async (_name, mode, status) => {
    bad.mode = mode;
    for (const creds of [basic, body]) {
      // A provider's 401 is invalid_client: 400 toward a client that authenticated in the body (RFC 6749 §5.2).
      const want = status === 401 && creds.scheme === 'body' ? 400 : status;
      await send('bad', { ...creds, params: codeParams }, want);
      await send('bad', { ...creds, params: refreshParams }, want);
    }
  });

  it('nothing written to stdout or stderr during the whole run contains a canary', () => {
    const out = captured.stdout.join('');
    const err = captured.stderr.join('');
    // The run really exercised the paths: one record line per request, and tokens really flowed.
    expect(recordsIn(captured.stdout)).toHaveLength(requests);
    expect(requests).toBeGreaterThan(50);
    expect(out).toContain('fp:');
    expect(leaksIn(out)).toEqual([]);
    expect(leaksIn(err)).toEqual([]);
  });
});
