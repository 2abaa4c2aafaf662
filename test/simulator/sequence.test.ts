/** The sequence picture (local/simulator/sequence.js) from exchange records: hops, marks, escaping. */
import { describe, expect, it } from 'vitest';
import { escapeXml, hopsFromRecords, LANES, renderSequenceSvg, type Hop } from '../../local/simulator/sequence.js';

let n = 0;
const at = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();
const rec = (route: string, s: number, extra: Record<string, unknown> = {}) => ({
  type: 'alexa-link-adapter.exchange',
  v: 1,
  time: at(s),
  requestId: `req-${++n}`,
  route,
  outcome: 'success',
  timing: { totalMs: 5, upstreamMs: 0, ownMs: 5 },
  verdicts: [],
  ...extra,
});

const authorize = (s = 0) => rec('GET /authorize', s, { linkId: 'lk_1', response: { status: 302, kind: 'redirect', to: 'provider' }, verdicts: [{ code: 'authorize_redirected', severity: 'info', message: '' }] });
const callback = (s = 1, extra = {}) => rec('GET /callback', s, { linkId: 'lk_1', response: { status: 302, kind: 'redirect', to: 'alexa' }, ...extra });
const token = (s: number, grantType: string, extra: Record<string, unknown> = {}) =>
  rec('POST /token', s, { grantType, upstream: { outcome: 'answered', status: 200, format: 'json', latencyMs: 12 }, response: { status: 200 }, tokens: { refreshTokenInFp: grantType === 'refresh_token' ? 'fp:rt1' : undefined }, ...extra });

const labels = (hops: Hop[]) => hops.map((h) => `${h.from}>${h.to} ${h.label} [${h.status}]`);

describe('hopsFromRecords', () => {
  it('a healthy interception link: authorize, login, callback, return, code exchange, refresh, replay from the grace cache', () => {
    const records = [
      token(5, 'refresh_token', { refresh: { role: 'grace' }, upstream: { outcome: 'not_called' } }),
      authorize(0),
      callback(1),
      token(3, 'authorization_code'),
      token(4, 'refresh_token'),
    ];
    const hops = hopsFromRecords(records, { mode: 'interception', authorizeSent: true, returned: { ok: true, label: 'code, same state' } });
    expect(labels(hops)).toEqual([
      'Browser>Adapter GET /authorize [ok]',
      'Adapter>Browser 302 → provider login [ok]',
      'Browser>Provider login page, sign in [ok]',
      'Provider>Browser 302 → /callback [ok]',
      'Browser>Adapter GET /callback [ok]',
      'Adapter>Browser 302 → Alexa [ok]',
      'Browser>Alexa redirect URL: code, same state [ok]',
      'Alexa>Adapter POST /token (code) [ok]',
      'Adapter>Provider POST token endpoint [ok]',
      'Provider>Adapter HTTP 200 json · 12 ms [ok]',
      'Adapter>Alexa 200 JSON [ok]',
      'Alexa>Adapter POST /token (refresh) [ok]',
      'Adapter>Provider POST token endpoint [ok]',
      'Provider>Adapter HTTP 200 json · 12 ms [ok]',
      'Adapter>Alexa 200 JSON [ok]',
      'Alexa>Adapter POST /token (replay) [ok]',
      'Adapter>Alexa 200 JSON (grace cache) [ok]',
    ]);
  });

  it('a changed state: the callback page is the failing hop and the browser never reaches Alexa', () => {
    const cb = callback(1, { linkId: 'lk_2', outcome: 'rejected', response: { status: 400, kind: 'page' }, verdicts: [{ code: 'state_mismatch', severity: 'error', message: 'x' }] });
    const hops = hopsFromRecords([authorize(0), cb], { mode: 'interception', authorizeSent: true });
    expect(labels(hops).slice(-2)).toEqual(['Browser>Adapter GET /callback [ok]', 'Adapter>Browser 400 page: state_mismatch [fail]']);
    expect(hops.some((h) => h.to === 'Alexa')).toBe(false);
  });

  it('marks from the page decide a repaired provider answer and a failed answer to Alexa', () => {
    const form = token(3, 'authorization_code', { upstream: { outcome: 'answered', status: 201, format: 'form', latencyMs: 3 } });
    const slow = token(4, 'authorization_code', { outcome: 'upstream_error', upstream: { outcome: 'timeout', latencyMs: 4001 }, response: { status: 503, error: 'temporarily_unavailable' } });
    const hops = hopsFromRecords([form, slow], { marks: { [form.requestId]: { alexa: 'pass', provider: 'repaired' }, [slow.requestId]: { alexa: 'fail', provider: 'fail' } } });
    expect(labels(hops)).toEqual([
      'Alexa>Adapter POST /token (code) [ok]',
      'Adapter>Provider POST token endpoint [ok]',
      'Provider>Adapter HTTP 201 form · 3 ms [repaired]',
      'Adapter>Alexa 200 JSON [ok]',
      'Alexa>Adapter POST /token (code) [ok]',
      'Adapter>Provider POST token endpoint [ok]',
      'Provider>Adapter timeout after 4001 ms [fail]',
      'Adapter>Alexa 503 temporarily_unavailable [fail]',
    ]);
  });

  it('passthrough: the browser goes to the provider itself; a failed return is red; the probe is a what-if', () => {
    const hops = hopsFromRecords([], { mode: 'passthrough', authorizeSent: true, returned: { ok: false, label: 'state unchanged ✗' }, probe: { ok: false, label: 'HTTP 200' } });
    expect(labels(hops)).toEqual([
      'Browser>Provider GET authorize, sign in [ok]',
      'Provider>Browser 302 → Alexa [fail]',
      'Browser>Alexa redirect URL: state unchanged ✗ [fail]',
      'Alexa>Provider same refresh, no adapter [probe]',
      'Provider>Alexa HTTP 200 [repaired]',
    ]);
  });
});

describe('renderSequenceSvg', () => {
  const hops: Hop[] = [
    { from: 'Browser', to: 'Adapter', label: 'GET /callback', status: 'ok', requestId: 'r1' },
    { from: 'Adapter', to: 'Browser', label: '400 page: state_mismatch', status: 'fail', requestId: 'r1' },
    { from: 'Alexa', to: 'Adapter', label: 'later failure', status: 'fail' },
  ];

  it('draws the four lanes and one arrow per hop, and marks only the first failing hop', () => {
    const svg = renderSequenceSvg(hops, { title: 'Link' });
    for (const lane of LANES) expect(svg).toContain(`>${lane}</text>`);
    expect(svg.match(/<g class="hop /g)).toHaveLength(3);
    expect(svg.match(/first-fail/g)).toHaveLength(1);
    expect(svg).toMatch(/<g class="hop fail first-fail" data-hop="2" data-request-id="r1">/);
    expect(svg.match(/class="fail-mark"/g)).toHaveLength(1);
    expect(svg).toContain('<title id="seq-title">Link: fails at hop 2, Adapter to Browser</title>');
    expect(svg).toContain('2. Adapter to Browser: 400 page: state_mismatch (fail)');
    expect(svg).toContain('marker-end="url(#arrow-fail)"');
    // Arrows point the right way: Adapter (x 185) to Browser (x 55).
    expect(svg).toMatch(/data-hop="2"[^>]*><line x1="182" y1="\d+" x2="58"/);
  });

  it('a link without a failure has no mark and a plain title; the picture grows with the hops', () => {
    const ok = hops.slice(0, 1);
    const svg = renderSequenceSvg(ok);
    expect(svg).not.toContain('first-fail');
    expect(svg).toContain('<title id="seq-title">Sequence of the link</title>');
    const h = (s: string) => Number(/viewBox="0 0 480 (\d+)"/.exec(s)![1]);
    expect(h(renderSequenceSvg(hops))).toBeGreaterThan(h(svg));
  });

  it('escapes every text it draws (labels, request ids, title)', () => {
    const evil = '<script>alert(1)</script>"&\'';
    const svg = renderSequenceSvg([{ from: 'Browser', to: 'Alexa', label: evil, status: 'fail', requestId: evil }], { title: evil });
    expect(svg).not.toContain('<script>');
    expect(svg).toContain(escapeXml('<script>alert(1)</script>"&\''));
    expect(escapeXml('<a href="x">&\'</a>')).toBe('&#60;a href=&#34;x&#34;&#62;&#38;&#39;&#60;/a&#62;');
  });

  it('clips long labels and keeps them inside the picture', () => {
    const svg = renderSequenceSvg([{ from: 'Provider', to: 'Alexa', label: 'x'.repeat(80), status: 'ok' }]);
    const m = /<text x="([\d.]+)" y="\d+" text-anchor="middle" fill="#1f1f1f">(x+…)<\/text>/.exec(svg)!;
    expect(m[2]).toHaveLength(34);
    expect(Number(m[1]) + 34 * 3.3).toBeLessThanOrEqual(480);
  });
});
