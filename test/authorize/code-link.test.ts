/**
 * Code links of interception mode, step by step (lambda/core/authorize/code-link.ts and
 * grant-store.ts), on DynamoDB Local with faults injected in front of it. The promises: a code is
 * checked before it is spent (RFC 7636 §4.6, RFC 6749 §4.1.3), so a request with the right code and
 * a wrong verifier or redirect_uri cannot burn Alexa's code; it is spent exactly once; a code we
 * never saw passes through; the table holds no secret in clear; a table that fails answers 503
 * without exchanging the code.
 */
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyCodeLink, type CodeLinkResult } from '../../lambda/core/authorize/code-link';
import { findCodeLink, putCodeLink, putGrant, takeGrant, useCodeLink, type CodeLinkPayload, type GrantPayload } from '../../lambda/core/authorize/grant-store';
import { newCodeVerifier, s256Challenge } from '../../lambda/core/authorize/pkce';
import { parseRuntimeConfig, type RuntimeConfig } from '../../lambda/core/config';
import { secretKey } from '../../lambda/core/sealed';
import type { TokenRequest } from '../../lambda/core/token-request';
import { DynamoDbStateStore } from '../../lambda/store/dynamodb-store';
import { ConditionFailedError, StoreTimeoutError, StoreUnavailableError, type StateStore } from '../../lambda/store/state-store';
import { createStateTable } from '../../local/table-definition';
import { useDynamoDbLocal } from '../support/dynamodb-local';
import { renderVerdict } from '../../lambda/contract/verdicts';

const ddb = useDynamoDbLocal();
const TABLE = 'state';
/** The clock of the store and of the code links (epoch ms), on a whole second plus 400 ms. */
const clock = { t: 1_900_000_000_400 };
const now = () => clock.t;
let real: DynamoDbStateStore;
beforeAll(async () => {
  await createStateTable(ddb().client(), TABLE);
  real = new DynamoDbStateStore({ tableName: TABLE, client: ddb().client(), nowSeconds: () => clock.t / 1000 });
});

const interception: RuntimeConfig = parseRuntimeConfig({ provider: 'generic', tokenUrl: 'https://provider.example/token', authorizeUrl: 'https://provider.example/authorize', mode: 'interception' }, 'test');
const passthrough: RuntimeConfig = parseRuntimeConfig({ provider: 'generic', tokenUrl: 'https://provider.example/token' }, 'test');

const ALEXA_REDIRECT = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';
const OUR_CALLBACK = 'https://adapter.example/callback';
let n = 0;
const newCode = () => `code-${process.pid}-${++n}-4f9a8b7c`;

function tokenRequest(params: Record<string, string>, grantType: TokenRequest['grantType'] = 'authorization_code'): TokenRequest {
  return { grantType, params: new Map(Object.entries(params)), dropped: [], credentials: { clientId: 'alexa-skill', clientSecret: 'alexa-secret' }, scheme: 'body' };
}

/** A code link as /callback writes it, for a given PKCE setup. */
async function linked(code: string, over: Partial<CodeLinkPayload> = {}, ttlSeconds = 300): Promise<CodeLinkPayload> {
  const payload: CodeLinkPayload = { alexaRedirectUri: ALEXA_REDIRECT, clientId: 'alexa-skill', providerRedirectUri: OUR_CALLBACK, ...over };
  await putCodeLink(real, code, 'lk_test', payload, ttlSeconds, clock.t);
  return payload;
}

/** The real store, each call first passing `gate` (which may throw or wait). */
function gated(gate: (op: 'get' | 'put' | 'delete') => void | Promise<void>): StateStore {
  return {
    get: async (...a) => (await gate('get'), real.get(...a)),
    put: async (...a) => (await gate('put'), real.put(...a)),
    delete: async (...a) => (await gate('delete'), real.delete(...a)),
  };
}

const apply = (req: TokenRequest, store: StateStore = real, config = interception): Promise<CodeLinkResult> => applyCodeLink(req, { config, store: () => Promise.resolve(store), now });

function expectRefused(result: CodeLinkResult, code: string, description: string) {
  expect(result.error).toMatchObject({ error: 'invalid_grant', description, status: 400 });
  expect(result.notes).toEqual([{ code, severity: 'error', message: expect.any(String) }]);
  return result.notes[0]!.message;
}

describe('what is not a code link passes through untouched, without a table read', () => {
  it.each([
    ['passthrough mode', passthrough, tokenRequest({ code: 'c-1', redirect_uri: ALEXA_REDIRECT })],
    ['a refresh', interception, tokenRequest({ refresh_token: 'rt-1' }, 'refresh_token')],
    ['a refresh that also carries a code parameter', interception, tokenRequest({ refresh_token: 'rt-1', code: 'c-1' }, 'refresh_token')],
    ['no code', interception, tokenRequest({ redirect_uri: ALEXA_REDIRECT })],
    ['an empty code', interception, tokenRequest({ code: '', redirect_uri: ALEXA_REDIRECT })],
  ])('%s', async (_name, config, req) => {
    let opened = 0;
    const result = await applyCodeLink(req, { config, store: () => (opened++, Promise.resolve(real)), now });
    expect(result).toEqual({ request: req, notes: [] });
    expect(result.request).toBe(req);
    expect(opened).toBe(0);
  });

  it('without a table', async () => {
    const req = tokenRequest({ code: 'c-1' });
    expect(await applyCodeLink(req, { config: interception, now })).toEqual({ request: req, notes: [] });
  });

  it('a code that did not come through /callback is forwarded as is', async () => {
    const req = tokenRequest({ code: newCode(), redirect_uri: ALEXA_REDIRECT });
    const result = await apply(req);
    expect(result).toEqual({ request: req, notes: [] });
  });
});

describe('check first, spend after', () => {
  it('a matching request is rewritten for the provider: our /callback, our verifier, Alexa\'s verifier checked; the code is then spent', async () => {
    const code = newCode();
    const alexaVerifier = newCodeVerifier();
    const ours = newCodeVerifier();
    await linked(code, { alexaChallenge: s256Challenge(alexaVerifier), alexaChallengeMethod: 'S256', providerVerifier: ours });
    const req = tokenRequest({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: alexaVerifier });
    const result = await apply(req);
    expect(result.error).toBeUndefined();
    expect(result.linkId).toBe('lk_test');
    expect(Object.fromEntries(result.request.params)).toEqual({ code, redirect_uri: OUR_CALLBACK, code_verifier: ours });
    expect(result.request).toMatchObject({ grantType: 'authorization_code', scheme: 'body', credentials: req.credentials });
    // Alexa's request itself is not changed.
    expect(Object.fromEntries(req.params)).toEqual({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: alexaVerifier });
    // Compact (the record carries the code and what happened; the CLI renders the text from the catalogue).
    expect(result.notes).toEqual([{ code: 'code_via_callback', ourPkce: true, alexaPkce: true }]);
    expect(renderVerdict('code_via_callback', { ourPkce: true, alexaPkce: true })).toBe("code from /callback: exchanged with our /callback as redirect_uri and our PKCE verifier; Alexa's code_verifier matched its challenge");
    // Spent: the same code again is a replay, refused before the provider.
    const again = await apply(req);
    expect(expectRefused(again, 'code_replayed', 'the authorization code was already used')).toBe('this authorization code was already exchanged once; a code is single-use (RFC 6749 §4.1.2, §10.5)');
    expect(again.linkId).toBe('lk_test');
  });

  it('without PKCE on either side: no verifier is sent upstream, and the note says only what happened', async () => {
    const code = newCode();
    await linked(code);
    const result = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT }));
    expect(Object.fromEntries(result.request.params)).toEqual({ code, redirect_uri: OUR_CALLBACK });
    expect(result.notes).toEqual([{ code: 'code_via_callback' }]);
    expect(renderVerdict('code_via_callback', {})).toBe('code from /callback: exchanged with our /callback as redirect_uri');
  });

  it('plain PKCE is the default method when /authorize named none (RFC 7636 §4.3)', async () => {
    const code = newCode();
    const verifier = newCodeVerifier();
    await linked(code, { alexaChallenge: verifier });
    const result = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: verifier }));
    expect(result.error).toBeUndefined();
    expect(result.request.params.has('code_verifier')).toBe(false);
  });

  it('a wrong redirect_uri is refused and leaves the code link unused: Alexa\'s correct request still works (RFC 6749 §4.1.3)', async () => {
    const code = newCode();
    await linked(code);
    for (const redirect of [`${ALEXA_REDIRECT}/`, 'https://evil.example/cb', undefined]) {
      const result = await apply(tokenRequest({ code, ...(redirect ? { redirect_uri: redirect } : {}) }));
      const message = expectRefused(result, 'redirect_uri_mismatch', 'redirect_uri does not match the authorization request');
      expect(message).toBe('redirect_uri on the token request differs from the one Alexa sent to /authorize (RFC 6749 §4.1.3). The code link was left unused, so the right request can still exchange the code.');
      expect(result.linkId).toBe('lk_test');
    }
    expect((await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT }))).error).toBeUndefined();
  });

  it('a wrong or missing verifier is refused and leaves the code link unused (RFC 7636 §4.6)', async () => {
    const code = newCode();
    const verifier = newCodeVerifier();
    await linked(code, { alexaChallenge: s256Challenge(verifier), alexaChallengeMethod: 'S256' });
    const wrong = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: newCodeVerifier() }));
    expect(expectRefused(wrong, 'pkce_verifier_mismatch', 'PKCE verification failed')).toBe(
      'code_verifier does not match the code_challenge Alexa sent to /authorize (RFC 7636 §4.6). The code link was left unused, so the right request can still exchange the code.',
    );
    const missing = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT }));
    expect(expectRefused(missing, 'pkce_verifier_mismatch', 'PKCE verification failed')).toBe(
      'code_verifier is missing the code_challenge Alexa sent to /authorize (RFC 7636 §4.6). The code link was left unused, so the right request can still exchange the code.',
    );
    // The S256 challenge itself is not accepted as a plain verifier.
    const asPlain = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: s256Challenge(verifier) }));
    expect(asPlain.error?.error).toBe('invalid_grant');
    const right = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: verifier }));
    expect(right.error).toBeUndefined();
  });

  it('a verifier sent when /authorize had no challenge is refused (RFC 7636 §4.6)', async () => {
    const code = newCode();
    await linked(code);
    const result = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT, code_verifier: newCodeVerifier() }));
    expect(expectRefused(result, 'pkce_verifier_mismatch', 'PKCE verification failed')).toBe(
      'a code_verifier was sent but /authorize had no code_challenge (RFC 7636 §4.6). The code link was left unused, so the right request can still exchange the code.',
    );
  });

  it('an expired code link is refused, from the instant its time is up', async () => {
    const code = newCode();
    await linked(code, {}, 60);
    const at = clock.t;
    clock.t = (Math.floor(at / 1000) + 60) * 1000 - 1;
    try {
      expect((await findCodeLink(real, code, clock.t)).status).toBe('found');
      clock.t += 1;
      const result = await apply(tokenRequest({ code, redirect_uri: ALEXA_REDIRECT }));
      expect(expectRefused(result, 'grant_expired', 'the authorization code has expired')).toBe('the code came through /callback but was exchanged after grantTtlSeconds');
      expect(result.linkId).toBe('lk_test');
    } finally {
      clock.t = at + 120_000;
    }
  });

  it('two correct requests racing: exactly one wins, the other is told the code was used a moment ago', async () => {
    const code = newCode();
    await linked(code);
    // Both read the link before either spends it.
    let reads = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    const store = gated(async (op) => {
      if (op !== 'put') return;
      if (++reads === 2) release();
      await bothRead;
    });
    const req = tokenRequest({ code, redirect_uri: ALEXA_REDIRECT });
    const results = await Promise.all([apply(req, store), apply(req, store)]);
    expect(results.filter((r) => r.error === undefined)).toHaveLength(1);
    const lost = results.find((r) => r.error !== undefined)!;
    expect(expectRefused(lost, 'code_replayed', 'the authorization code was already used')).toBe(
      'this authorization code was exchanged by a concurrent request a moment ago; a code is single-use (RFC 6749 §4.1.2, §10.5)',
    );
    expect(lost.linkId).toBe('lk_test');
  });
});

describe('when the table fails, the code is not exchanged (503, retry)', () => {
  const unavailable = (result: CodeLinkResult, message: string) => {
    expect(result.error).toMatchObject({ error: 'temporarily_unavailable', description: 'try again in a moment', status: 503, headers: { 'retry-after': '1' } });
    expect(result.notes).toEqual([{ code: 'store_unavailable', severity: 'error', message }]);
    expect(result.request.params.get('redirect_uri')).toBe(ALEXA_REDIRECT);
  };

  it('the table cannot be opened or read', async () => {
    const code = newCode();
    await linked(code);
    const req = tokenRequest({ code, redirect_uri: ALEXA_REDIRECT });
    const message = 'the state table could not be read, so the code could not be matched to its /authorize request; the code was not exchanged';
    unavailable(await applyCodeLink(req, { config: interception, store: () => Promise.reject(new StoreUnavailableError('deployment key unavailable')), now }), message);
    unavailable(await apply(req, gated(() => Promise.reject(new StoreUnavailableError('ThrottlingException')))), message);
    // Nothing was spent: the same request succeeds once the table answers.
    expect((await apply(req)).error).toBeUndefined();
  });

  it('spending the link fails: refused, or unanswered in time (then a retry may be told it was used)', async () => {
    const code = newCode();
    await linked(code);
    const req = tokenRequest({ code, redirect_uri: ALEXA_REDIRECT });
    unavailable(
      await apply(req, gated((op) => (op === 'put' ? Promise.reject(new StoreUnavailableError('ThrottlingException')) : undefined))),
      'the state table refused to mark the code link used, so the code was not exchanged; a retry can still exchange it',
    );
    unavailable(
      await apply(req, gated((op) => (op === 'put' ? Promise.reject(new StoreTimeoutError(false, 'no time left')) : undefined))),
      'the state table refused to mark the code link used, so the code was not exchanged; a retry can still exchange it',
    );
    unavailable(
      await apply(req, gated((op) => (op === 'put' ? Promise.reject(new StoreTimeoutError(true, 'abandoned')) : undefined))),
      'marking the code link used got no answer in time, so the code was not exchanged; if that write landed late, a retry is told the code was already used',
    );
    expect((await apply(req)).error).toBeUndefined();
  });

  it('errors that are not the table being unavailable propagate', async () => {
    const code = newCode();
    await linked(code);
    const req = tokenRequest({ code, redirect_uri: ALEXA_REDIRECT });
    const bug = new TypeError('bug');
    await expect(apply(req, gated(() => Promise.reject(bug)))).rejects.toBe(bug);
    await expect(apply(req, gated((op) => (op === 'put' ? Promise.reject(bug) : undefined)))).rejects.toBe(bug);
  });
});

describe('grant-store: what the table holds', () => {
  const grant: GrantPayload = {
    alexaState: 'alexa-state-0001',
    alexaRedirectUri: ALEXA_REDIRECT,
    responseType: 'code',
    clientId: 'alexa-skill',
    alexaChallenge: 'challenge-0001',
    alexaChallengeMethod: 'S256',
    providerVerifier: 'our-verifier-0001-abcdefghijklmnopqrstuvwxyz',
    providerRedirectUri: OUR_CALLBACK,
  };

  async function itemsOf(marker: string) {
    const scan = await ddb().client().send(new ScanCommand({ TableName: TABLE }));
    return scan.Items!.filter((i) => i.linkId?.S === marker);
  }

  it('a grant: keyed and sealed so the table holds neither the state nor the payload in clear; taken exactly once', async () => {
    const state = `our-state-${++n}-0123456789`;
    await putGrant(real, state, 'lk_grant_1', grant, 600, clock.t);
    const [item] = await itemsOf('lk_grant_1');
    expect(item!.pk!.S).toMatch(/^grant#[0-9a-f]{64}$/);
    expect(item!.sk!.S).toBe('grant');
    expect(Number(item!.createdAt!.N)).toBe(clock.t);
    expect(Number(item!.expiresAt!.N)).toBe(Math.floor(clock.t / 1000) + 600);
    const dump = JSON.stringify(item) + Buffer.from(item!.payload!.B!).toString('latin1');
    for (const secret of [state, grant.alexaState, grant.providerVerifier!, grant.alexaChallenge!]) expect(dump).not.toContain(secret);

    const taken = await takeGrant(real, state, clock.t);
    expect(taken).toEqual({ status: 'found', payload: grant, linkId: 'lk_grant_1', createdAt: clock.t, expiresAt: Math.floor(clock.t / 1000) + 600 });
    expect(await takeGrant(real, state, clock.t)).toEqual({ status: 'replayed', linkId: 'lk_grant_1' });
    expect(await takeGrant(real, `${state}-other`, clock.t)).toEqual({ status: 'unknown' });
  });

  it('two /callback requests with one state racing: one takes the grant, the other is told it was used', async () => {
    const state = `our-state-${++n}-race-0123456789`;
    await putGrant(real, state, 'lk_race', grant, 600, clock.t);
    // Both read the grant before either uses it.
    let reads = 0;
    let bothRead!: () => void;
    const read = new Promise<void>((r) => (bothRead = r));
    const store = gated(async (op) => {
      if (op === 'get' && ++reads === 2) bothRead();
      if (op === 'put') await read;
    });
    const outcomes = await Promise.all([takeGrant(store, state, clock.t), takeGrant(store, state, clock.t)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['found', 'replayed']);
    expect(outcomes.find((o) => o.status === 'replayed')).toEqual({ status: 'replayed', linkId: 'lk_race' });
  });

  it('the same value under another purpose is another item (a state is never read as a code)', async () => {
    const value = `shared-value-${++n}-0123456789`;
    await putGrant(real, value, 'lk_both', grant, 600, clock.t);
    expect((await findCodeLink(real, value, clock.t)).status).toBe('unknown');
    await putCodeLink(real, value, 'lk_both', { alexaRedirectUri: ALEXA_REDIRECT, clientId: 'c', providerRedirectUri: OUR_CALLBACK }, 600, clock.t);
    expect((await findCodeLink(real, value, clock.t)).status).toBe('found');
    expect((await takeGrant(real, value, clock.t)).status).toBe('found');
  });

  it('a second code link for the same code is refused (a code is written once)', async () => {
    const code = newCode();
    await linked(code);
    await expect(linked(code, { clientId: 'someone-else' })).rejects.toBeInstanceOf(ConditionFailedError);
    const found = await findCodeLink(real, code, clock.t);
    expect(found.status === 'found' && found.payload.clientId).toBe('alexa-skill');
  });

  it('a used marker replaces the payload, keeps the link id, and lives at least a minute (a replay stays a replay)', async () => {
    const itemOf = (code: string) => real.get(`code-link#${secretKey(code, 'code-link')}`, 'code-link', { includeExpired: true });
    const code = newCode();
    await linked(code, {}, 5);
    const found = await findCodeLink(real, code, clock.t);
    if (found.status !== 'found') throw new Error('expected found');
    expect(await useCodeLink(real, code, found, clock.t)).toBe(true);
    expect(await itemOf(code)).toEqual({ pk: expect.any(String), sk: 'code-link', status: 'used', linkId: 'lk_test', usedAt: clock.t, expiresAt: Math.floor(clock.t / 1000) + 60 });
    // A second use of what was found is refused: the item is no longer the one that was read.
    expect(await useCodeLink(real, code, found, clock.t)).toBe(false);
    // A link that outlives the minute keeps its own expiry.
    const long = newCode();
    await linked(long, {}, 3600);
    const f2 = await findCodeLink(real, long, clock.t);
    if (f2.status !== 'found') throw new Error('expected found');
    expect(await useCodeLink(real, long, f2, clock.t)).toBe(true);
    expect(await itemOf(long)).toMatchObject({ status: 'used', expiresAt: Math.floor(clock.t / 1000) + 3600 });
  });

  it('an item without link id or creation time still reads (as an empty id, created at 0)', async () => {
    const code = newCode();
    await real.put({ pk: `code-link#${secretKey(code, 'code-link')}`, sk: 'code-link', status: 'used', expiresAt: Math.floor(clock.t / 1000) + 60 });
    expect(await findCodeLink(real, code, clock.t)).toEqual({ status: 'replayed', linkId: '' });
    const old = newCode();
    await real.put({ pk: `code-link#${secretKey(old, 'code-link')}`, sk: 'code-link', expiresAt: Math.floor(clock.t / 1000) - 1 });
    expect(await findCodeLink(real, old, clock.t)).toEqual({ status: 'expired', linkId: '', createdAt: 0 });
  });
});
