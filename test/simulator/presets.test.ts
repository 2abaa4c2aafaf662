/**
 * The link simulator's server side against the demo provider, without a browser: each failure
 * preset turns the expected step and check red (or "repaired") and names the expected cause, from
 * records the real handlers wrote; a healthy link is green. The browser tests repeat this in chromium.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS } from '../../local/simulator/presets';
import type { RunView } from '../../local/simulator/run-view';
import { hopsFromRecords, renderSequenceSvg } from '../../local/simulator/sequence.js';
import { linkWithoutBrowser, startSimulatorStack, type SimulatorStack } from '../support/simulator-stack';

let stack: SimulatorStack;
beforeAll(async () => {
  stack = await startSimulatorStack();
});
afterAll(async () => {
  await stack?.close();
});

const settings = (preset: string, extra: Record<string, unknown> = {}) => ({ clientId: 'demo-client', clientSecret: 'demo-secret', scheme: 'basic', scope: 'repo', preset, ...extra });
/** One link per preset, shared by the tests that look at it. */
const runs = new Map<string, Promise<RunView>>();
const run = (preset: string) => {
  if (!runs.has(preset)) runs.set(preset, linkWithoutBrowser(stack.simulator, settings(preset)));
  return runs.get(preset)!;
};
const step = (v: RunView, id: string) => v.steps.find((s) => s.id === id)!;
const checkOf = (v: RunView, id: string) => v.steps.flatMap((s) => s.checks.map((c) => ({ ...c, step: s.id }))).filter((c) => c.id === id);

describe('a healthy link (preset "none")', () => {
  it('every step and every check passes, diagnose finds nothing, no secret reaches the view', async () => {
    const v = await linkWithoutBrowser(stack.simulator, settings('none', { pkce: true }));
    expect(v.status).toBe('done');
    expect(v.verdict.status).toBe('pass');
    expect(v.steps.map((s) => [s.id, s.status])).toEqual([
      ['authorize', 'pass'],
      ['login', 'pass'],
      ['return', 'pass'],
      ['token', 'pass'],
      ['refresh', 'pass'],
      ['replay', 'pass'],
    ]);
    expect(v.steps.flatMap((s) => s.checks.filter((c) => c.status !== 'pass').map((c) => `${s.id}:${c.id}:${c.status}`))).toEqual([]);
    expect(v.steps.flatMap((s) => s.checks.map((c) => c.id))).toEqual(expect.arrayContaining(['state_unchanged', 'alexa_redirect', 'token_answer', 'token_type', 'expires_in', 'refresh_token', 'refresh_works', 'replay_works']));
    expect(v.findings).toEqual([]);
    expect(v.records.map((r) => r.route)).toEqual(['GET /authorize', 'GET /callback', 'POST /token', 'POST /token', 'POST /token']);
    expect(step(v, 'replay').verdicts.map((x) => x.code)).toContain('refresh_grace_served');
    // PKCE as Alexa sends it, and the authorize record says so.
    expect(step(v, 'authorize').request!.params.map((p) => p.name)).toEqual(['client_id', 'response_type', 'state', 'scope', 'redirect_uri', 'code_challenge', 'code_challenge_method']);
    expect(v.records[0]).toMatchObject({ pkce: { alexa: 'S256', provider: 'S256' } });
    // Secrets only as fingerprints: the secret, and no raw code or token anywhere in the view.
    const json = JSON.stringify(v);
    expect(json).not.toContain('demo-secret');
    expect(json).not.toMatch(/gh[ur]_[A-Za-z0-9_-]{20,}/);
    expect(step(v, 'token').request!.params.find((p) => p.name === 'code')).toMatchObject({ secret: true, value: expect.stringMatching(/^fp:/) });
    // The picture from these records: no failing hop.
    const svg = renderSequenceSvg(hopsFromRecords(v.records, v.picture));
    expect(svg).not.toContain('first-fail');
  });

  it('credentials in the request body, as the console\'s other scheme sends them', async () => {
    const v = await linkWithoutBrowser(stack.simulator, settings('none', { scheme: 'body' }));
    expect(v.verdict.status).toBe('pass');
    expect(step(v, 'token').request!.params.map((p) => p.name)).toEqual(['grant_type', 'code', 'redirect_uri', 'client_id', 'client_secret']);
    expect(v.records.find((r) => r.route === 'POST /token')).toMatchObject({ clientAuth: 'body' });
  });
});

describe.each(PRESETS.filter((p) => p.expect))('preset $id', (preset) => {
  it(`turns ${preset.expect!.step} / ${preset.expect!.check} red and names ${preset.expect!.rule ?? preset.expect!.verdict}`, async () => {
    const e = preset.expect!;
    const v = await run(preset.id);
    expect(v.settings.preset?.id).toBe(preset.id);
    const s = step(v, e.step);
    expect(s.checks.find((c) => c.id === e.check)?.status, JSON.stringify(s.checks)).toBe('fail');
    if (e.repaired) {
      // The adapter repaired it: Alexa's own checks all pass, the step says "repaired".
      expect(s.status).toBe('repaired');
      expect(v.verdict.status).toBe('pass');
      expect(v.steps.every((x) => x.status !== 'fail')).toBe(true);
    } else {
      expect(s.status).toBe('fail');
      expect(v.verdict.status).toBe('fail');
      // Only this failure's step and the steps it blocks are red.
      expect(v.steps.find((x) => x.status === 'fail')!.id).toBe(e.step === 'return' ? 'login' : e.step);
    }
    if (e.rule) {
      const all = [...v.findings, ...v.handled];
      expect(all.map((f) => f.rule)).toContain(e.rule);
      expect(v.steps.flatMap((x) => x.findings.map((f) => f.rule))).toContain(e.rule);
    }
    if (e.verdict) expect(s.verdicts.map((x) => x.code)).toContain(e.verdict);
    const svg = renderSequenceSvg(hopsFromRecords(v.records, v.picture));
    if (!e.repaired) expect(svg).toContain('first-fail');
    else expect(svg).toMatch(/class="hop repaired"/);
  });
});

describe('checks stand on what was observed', () => {
  it('wrong secret: the provider\'s refusal reaches Alexa as 401 invalid_client, with the fix naming the console field', async () => {
    const v = await run('wrong_secret');
    expect(step(v, 'token').answer).toMatchObject({ status: 401 });
    expect(checkOf(v, 'token_answer')[0]!.detail).toMatch(/HTTP 401, not 200; error=invalid_client/);
    expect(v.findings.find((f) => f.rule === 'client_auth_mismatch')!.fix).toMatch(/Your Secret/);
    // Not reached after the failed exchange.
    expect(step(v, 'refresh').status).toBe('skip');
  });

  it('slow: Alexa gets the adapter\'s 503 inside 4.5 s, and the record says the provider timed out', async () => {
    const v = await run('slow');
    const answer = step(v, 'token').answer!;
    expect(answer.status).toBe(503);
    expect(answer.elapsedMs).toBeLessThan(4500);
    expect(step(v, 'token').verdicts.map((x) => x.code)).toContain('upstream_timeout');
  });

  it('changed state: the browser stops at the adapter\'s page; the return and the token leg never happen', async () => {
    const v = await run('changed_state');
    expect(v.status).toBe('stopped');
    expect(step(v, 'login').verdicts.map((x) => x.code)).toEqual(['state_mismatch']);
    expect(checkOf(v, 'state_unchanged')[0]!.detail).toMatch(/never came back to Alexa: the adapter's \/callback answered an error page \(state_mismatch\)/);
    expect(step(v, 'token').status).toBe('skip');
  });
});

describe('the user denies at the provider', () => {
  it('the return carries error=access_denied: Alexa stops, diagnose names provider_denied', async () => {
    const deny = async (url: URL) => {
      const form = new URLSearchParams(url.searchParams);
      form.set('action', 'deny');
      const res = await fetch(`${url.origin}${url.pathname}`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
      return res.headers.get('location')!;
    };
    const v = await linkWithoutBrowser(stack.simulator, settings('none'), deny);
    expect(v.status).toBe('done');
    expect(step(v, 'login').status).toBe('fail');
    expect(checkOf(v, 'alexa_redirect')[0]).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^came back with error=access_denied/) });
    expect(checkOf(v, 'state_unchanged')[0]!.status).toBe('pass');
    expect(step(v, 'token').status).toBe('skip');
    expect(v.findings.map((f) => f.rule)).toEqual(['provider_denied']);
  });
});
