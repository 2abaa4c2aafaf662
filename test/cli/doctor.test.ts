/**
 * `doctor`: configuration checked by the synth schema, the token endpoint probed through the real
 * token handler (fake GitHub / RFC 6749 / misbehaving providers on loopback), TTL and refresh-token
 * checks from records, and the Domain List helper on a login page served on loopback or saved.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalHosts } from '../../cli/domain-list';
import { BUILT_IN_PROFILES } from '../../lambda/core/profiles';
import { listen, type RunningServer } from '../../local/adapter';
import { ALEXA_REDIRECT_URI } from '../support/fake-alexa';
import { startFakeGeneric, type FakeGeneric } from '../support/fake-generic';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github';
import { startFakeMisbehaving, type FakeMisbehaving } from '../support/fake-misbehaving';
import { jsonl, runCli, scenarioFixtures } from './cli-support';

const dir = mkdtempSync(join(tmpdir(), 'ala-doctor-'));
const configFile = (name: string, adapter: Record<string, unknown>) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ app: 'npx tsx bin/app.ts', context: { adapter } }));
  return path;
};

let github: FakeGitHub;
let generic: FakeGeneric;
let bad: FakeMisbehaving;
let page: RunningServer;

const LOGIN_PAGE = `<!doctype html><html><head>
<base href="/login/">
<link rel="preconnect" href="https://fonts.googleapis.com">
<link rel=stylesheet href="https://cdn.sample.com/app.css?v=3">
<link rel="icon" href="/favicon.ico">
<style>@import "https://styles.sample.com/extra.css"; body{background:url('https://img.sample.com/bg.png')} @font-face{src:url(https://fonts.gstatic.com/s/roboto.woff2)}</style>
<script src="//static.sample.com/app.js"></script>
<script>fetch("https://not-a-reference.example/api")</script>
<!-- <script src="https://commented-out.example/x.js"></script> -->
</head><body>
<img src="logo.png" srcset="https://images.sample.com/logo@2x.png 2x, logo@1x.png 1x">
<div style="background-image: url(&quot;https://bg.sample.com/a.jpg&quot;)"></div>
<iframe src="https://www.google.com/recaptcha/api2/anchor"></iframe>
<form method="post" action="https://oauth.sample.com/login"><input name="u"><button formaction="https://sso.sample.com/alt">SSO</button></form>
<a href="https://help.sample.com/">help</a>
<img src="data:image/png;base64,AAAA">
</body></html>`;

const EXPECTED_HOSTS = [
  'bg.sample.com', 'cdn.sample.com', 'fonts.googleapis.com', 'fonts.gstatic.com', 'images.sample.com', 'img.sample.com',
  'oauth.sample.com', 'sso.sample.com', 'static.sample.com', 'styles.sample.com', 'www.google.com',
];

beforeAll(async () => {
  github = await startFakeGitHub({ clientId: 'gh-client', clientSecret: 'gh-secret', redirectUri: ALEXA_REDIRECT_URI });
  generic = await startFakeGeneric({ clients: { 'generic-client': 'generic-secret' }, redirectUri: ALEXA_REDIRECT_URI });
  bad = await startFakeMisbehaving();
  page = await listen(
    createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(LOGIN_PAGE);
    }),
    0,
    '127.0.0.1',
  );
});
afterAll(async () => {
  await Promise.all([github?.close(), generic?.close(), bad?.close(), page?.close()]);
});

describe('doctor: configuration and the token endpoint probe', () => {
  it('GitHub (errors with HTTP 200): reachable, in budget, OAuth error shape recognised; exit 0', async () => {
    const cfg = configFile('github.json', { provider: 'github', tokenUrl: github.tokenUrl });
    const r = await runCli(['doctor', '--config', cfg]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^PASS {2}configuration: .*github\.json \(cdk\.json context\.adapter\): provider github/);
    expect(lines[1]).toBe(`PASS  token endpoint reachable: ${github.tokenUrl} answered HTTP 200 (json)`);
    expect(lines[2]).toMatch(/^PASS {2}answer within budget: \d+ ms \(budget 4000 ms, Alexa 4500 ms\)$/);
    expect(lines[3]).toContain('PASS  OAuth error shape: the provider refused the invalid code as an OAuth token endpoint should');
    expect(lines[3]).toContain('errors come with HTTP 200 (translated)');
    // The probe went through the real handler with the profile's request shape (GitHub: body credentials).
    expect(github.last().body).toMatchObject({ code: 'alexa-link-adapter-doctor-invalid-code', client_id: 'alexa-link-adapter-doctor' });
  });

  it('RFC 6749 provider: §5.2 JSON error', async () => {
    const cfg = configFile('generic.json', { provider: 'generic', tokenUrl: generic.tokenUrl });
    const r = await runCli(['doctor', '--config', cfg, '--client-id', 'generic-client']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PASS {2}OAuth error shape: .*\(invalid_(grant|client), HTTP 40\d json\)/);
  });

  it('a whole custom profile (no extends) is probed, not refused (issue 10 item 8)', async () => {
    const { id: _id, displayName: _d, ...whole } = BUILT_IN_PROFILES.generic!;
    const cfg = configFile('whole.json', { provider: 'acme', tokenUrl: generic.tokenUrl, profile: whole });
    const r = await runCli(['doctor', '--config', cfg, '--client-id', 'generic-client']);
    expect(r.stdout).toMatch(/^PASS {2}configuration: .*provider acme/);
    expect(r.stdout).toContain(`PASS  token endpoint reachable: ${generic.tokenUrl}`);
    expect(r.stdout).toMatch(/PASS {2}OAuth error shape: .*\(invalid_(grant|client), HTTP 40\d json\)/);
    expect(r.code).toBe(0);
  });

  it('an HTML page at tokenUrl fails the shape check; exit 1', async () => {
    bad.mode = { kind: 'html' };
    const r = await runCli(['doctor', '--config', configFile('html.json', { provider: 'generic', tokenUrl: bad.tokenUrl })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  OAuth error shape: upstream_html');
  });

  it('a provider that hangs fails reachability within the budget', async () => {
    bad.mode = { kind: 'hang' };
    const r = await runCli(['doctor', '--config', configFile('hang.json', { provider: 'generic', tokenUrl: bad.tokenUrl, upstreamTimeoutMs: 150 })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  token endpoint reachable: ${bad.tokenUrl.replace(/\/token$/, '')}/token did not answer within upstreamTimeoutMs (150 ms)`);
  });

  it('an invalid configuration names each field, as synth does', async () => {
    const r = await runCli(['doctor', '--config', configFile('broken.json', { provider: 'github', tokenUrl: 'http://example.com/token', upstreamTimeoutMs: 9000 })]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('FAIL  configuration: invalid adapter configuration');
    expect(r.stdout).toContain('tokenUrl: must use https');
    expect(r.stdout).toContain('upstreamTimeoutMs:');
  });

  it('--local records: TTL and refresh-token presence from real exchanges', async () => {
    const fixtures = await scenarioFixtures();
    const file = join(dir, 'records.jsonl');
    writeFileSync(file, jsonl(fixtures.flatMap((f) => f.records)));
    const r = await runCli(['doctor', '--config', configFile('g2.json', { provider: 'github', tokenUrl: github.tokenUrl }), '--no-probe', '--local', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FAIL  access token lifetime: expires_in 300 s is under Alexa's 6-minute minimum");
    expect(r.stdout).toMatch(/FAIL {2}refresh token: 1 of \d+ code exchanges returned no refresh_token/);
  });
});

describe('doctor --login-page: the Domain List helper', () => {
  it('from a URL: every external host, exactly, with what loads from it', async () => {
    const cfg = configFile('gh3.json', { provider: 'github', tokenUrl: github.tokenUrl });
    const r = await runCli(['doctor', '--config', cfg, '--no-probe', '--login-page', `${page.url}/login`]);
    expect(r.code).toBe(0);
    const listed = [...r.stdout.matchAll(/^ {2}(\S+\.\S+) {2,}/gm)].map((m) => m[1]);
    expect(listed).toEqual(EXPECTED_HOSTS);
    expect(r.stdout).toContain(`(the page's own host 127.0.0.1 needs no entry)`);
    expect(r.stdout).toContain('11 of at most 15 entries. Enter each host exactly: oauth.sample.com is not covered by sample.com.');
    expect(r.stdout).toMatch(/oauth\.sample\.com +form action/);
    expect(r.stdout).toMatch(/fonts\.gstatic\.com +css/);
  });

  it('from a saved file with --page-url; over 15 hosts fails with the console limit', async () => {
    const many = Array.from({ length: 16 }, (_, i) => `<img src="https://h${i}.example.net/a.png">`).join('');
    const file = join(dir, 'login.html');
    writeFileSync(file, `<html><body>${many}<img src="/local.png"></body></html>`);
    const cfg = configFile('gh4.json', { provider: 'github', tokenUrl: github.tokenUrl });
    const r = await runCli(['doctor', '--config', cfg, '--no-probe', '--login-page', file, '--page-url', 'https://login.example.net/']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('16 hosts: the console accepts at most 15');
  });

  it('externalHosts: anchors, inline scripts, comments and data: URLs are not loaded content', () => {
    const res = externalHosts(LOGIN_PAGE, 'https://login.sample.com/authorize');
    expect(res.entries).toEqual(EXPECTED_HOSTS);
    expect(res.entries).not.toContain('help.sample.com');
    expect(res.entries).not.toContain('commented-out.example');
    expect(res.entries).not.toContain('sample.com');
  });
});
