/**
 * `diagnose` names the right cause where the code alone would mislead, each case through the real
 * token handler (local/adapter.ts) against a real server on loopback:
 *
 * - a code that succeeded earlier in the same link is "exchanged twice at T1 and T2", not "expired,
 *   already used, or redirect_uri differs" with a fix about redirect URLs;
 * - `GET /token` gets a fix about the method (the Access Token URI opened in a browser), not one
 *   about the Access Token URI's path;
 * - a provider that cannot be reached is named by its cause (connection refused, host name not
 *   resolving, connection reset, https to a plain-HTTP port, a self-signed certificate), each with
 *   the setting to check.
 *
 * The authorization-leg cases (a replayed state after a completed callback: "the page was reloaded
 * or the back button used") run through the authorization handlers in diagnose-flows.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRecordLine, type LogRecord } from '../../cli/records';
import { diagnose, type Finding } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import { ALEXA_REDIRECT_URI, alexaTokenRequest, startTestAdapter, type TokenCall } from '../support/fake-alexa';
import { startFakeServer } from '../support/fake-server';
import { answer, type ProviderAnswer } from './provider-answer';

const CLIENT = { clientId: 'case-client', clientSecret: 'case-secret' };
const codeExchange = (code: string): TokenCall => ({ scheme: 'basic', ...CLIENT, params: { grant_type: 'authorization_code', code, redirect_uri: ALEXA_REDIRECT_URI } });

/** Alexa's requests against the adapter, whose provider is at `tokenUrl`; the records as CloudWatch carries them. */
async function recordsOf(tokenUrl: string, calls: TokenCall[]): Promise<LogRecord[]> {
  const adapter = await startTestAdapter({ provider: 'generic', tokenUrl });
  try {
    for (const call of calls) await alexaTokenRequest(adapter.url, call);
    return adapter.records.map((r) => parseRecordLine(JSON.stringify(r))!);
  } finally {
    await adapter.close();
  }
}

/** The same, against a scripted provider answering `answers` in order. */
async function withProvider(answers: ProviderAnswer[], calls: TokenCall[]): Promise<LogRecord[]> {
  let n = 0;
  const provider = await startFakeServer((_req, res) => answer(res, answers[Math.min(n++, answers.length - 1)]!));
  try {
    return await recordsOf(provider.tokenUrl, calls);
  } finally {
    await provider.close();
  }
}

function onlyFinding(records: LogRecord[]): Finding {
  const d = diagnose(groupTimelines(records));
  expect(d.findings).toHaveLength(1);
  return d.findings[0]!;
}

const listening = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

describe('a code exchanged twice', () => {
  it('the provider refuses the second exchange: "exchanged twice at T1 and T2", the fix about what sent it again', async () => {
    const recs = await withProvider(
      [
        { status: 200, json: { access_token: 'at-twice', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-twice' } },
        { status: 400, json: { error: 'invalid_grant', error_description: 'code already used' } },
      ],
      [codeExchange('code-twice'), codeExchange('code-twice')],
    );
    expect(recs.map((r) => r.outcome)).toEqual(['success', 'provider_error']);
    const f = onlyFinding(recs);
    expect(f.rule).toBe('code_rejected');
    expect(f.title).toBe('The same authorization code was exchanged twice');
    expect(f.cause).toContain(`was exchanged twice: at ${recs[0]!.time} it succeeded`);
    expect(f.cause).toContain(`at ${recs[1]!.time}`);
    expect(f.cause).toContain('the provider refused it (invalid_grant)');
    expect(f.cause).not.toContain('redirect_uri differs');
    expect(f.fix).toContain('find what else sent this code to the Access Token URI');
    expect(f.fix).not.toMatch(/Alexa Redirect URLs/);
    expect(f.evidence.join('\n')).toContain(`first exchange: ${recs[0]!.time}`);
    expect(f.basis).toContain('RFC 6749 §4.1.2');
  });

  it('a code refused without an earlier exchange keeps the general cause and the redirect-URL fix', async () => {
    const recs = await withProvider([{ status: 400, json: { error: 'invalid_grant' } }], [codeExchange('code-once')]);
    const f = onlyFinding(recs);
    expect([f.rule, f.title]).toEqual(['code_rejected', 'The authorization code was refused']);
    expect(f.cause).toContain('redirect_uri differs');
    expect(f.fix).toContain('"Alexa Redirect URLs"');
  });
});

describe('GET /token', () => {
  it('gets a fix about the method: the Access Token URI was opened as a web page', async () => {
    const recs = await withProvider([{ status: 200, json: { access_token: 'at-get', token_type: 'Bearer' } }], [{ scheme: 'none', params: {}, method: 'GET' }]);
    expect(recs[0]).toMatchObject({ route: 'POST /token', method: 'GET', response: { status: 405 } });
    const f = onlyFinding(recs);
    expect(f.rule).toBe('token_method');
    expect(f.cause).toContain('GET /token reached the Access Token URI');
    expect(f.cause).toContain('accepts only POST');
    expect(f.fix).toContain('"Your Web Authorization URI" must be the stack\'s AuthorizationUri output');
    expect(f.fix).not.toContain('ending in /token');
    expect(f.basis).toContain('RFC 6749 §3.2');
  });

  it('a wrong path still gets the fix about the Access Token URI path', async () => {
    const recs = await withProvider([{ status: 200, json: { access_token: 'at-path', token_type: 'Bearer' } }], [{ ...codeExchange('code-path'), path: '/oauth/token2' }]);
    const f = onlyFinding(recs);
    expect(f.rule).toBe('wrong_access_token_uri');
    expect(f.fix).toContain('ending in /token');
  });
});

describe('a provider that cannot be reached is named by its cause', () => {
  const servers: Server[] = [];
  let certDir: string;
  beforeAll(() => {
    certDir = mkdtempSync(join(tmpdir(), 'ala-cert-'));
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    rmSync(certDir, { recursive: true, force: true });
  });

  const unreachable = async (tokenUrl: string) => {
    const recs = await recordsOf(tokenUrl, [codeExchange('code-net')]);
    expect(recs[0]).toMatchObject({ outcome: 'upstream_error', upstream: { outcome: 'network_error' }, response: { status: 503, error: 'temporarily_unavailable' } });
    const f = onlyFinding(recs);
    expect(f.rule).toBe('provider_unreachable');
    expect(f.cause).not.toContain('TypeError');
    return { record: recs[0]!, finding: f };
  };

  it('connection refused (nothing listening): ECONNREFUSED, check the port and that the server runs', async () => {
    const closed = createNetServer();
    const port = await listening(closed);
    await new Promise((r) => closed.close(r));
    const { record, finding } = await unreachable(`http://127.0.0.1:${port}/token`);
    expect(record.upstream).toMatchObject({ networkError: 'ECONNREFUSED' });
    expect(finding.cause).toContain(`The connection to http://127.0.0.1:${port}/token was refused: nothing accepts connections on that host and port`);
    expect(finding.cause).toContain('(ECONNREFUSED)');
    expect(finding.fix).toContain('Check the scheme and port in tokenUrl');
  });

  it('a host name that does not resolve: ENOTFOUND (EAI_AGAIN without a resolver), check the name in tokenUrl', async () => {
    const { record, finding } = await unreachable('https://token-endpoint.invalid/token');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(record.upstream && (record.upstream as { networkError: string }).networkError);
    expect(finding.cause).toMatch(/the host name (does not resolve|could not be resolved)/);
    expect(finding.fix).toContain('host name in tokenUrl');
  });

  it('the connection reset by the provider: closed before an answer came, look at its firewall and logs', async () => {
    const resetting = createNetServer((socket) => socket.resetAndDestroy());
    servers.push(resetting);
    const port = await listening(resetting);
    const { record, finding } = await unreachable(`http://127.0.0.1:${port}/token`);
    expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain((record.upstream as { networkError: string }).networkError);
    expect(finding.cause).toContain('was closed by the other side before an answer came');
    expect(finding.fix).toContain('firewall');
  });

  it('https to a port that speaks plain HTTP: the TLS handshake fails, use the scheme the port speaks', async () => {
    const plain = await startFakeServer((_req, res) => answer(res, { status: 200, json: {} }));
    try {
      const { record, finding } = await unreachable(plain.tokenUrl.replace('http://', 'https://'));
      expect(['ERR_SSL_WRONG_VERSION_NUMBER', 'EPROTO']).toContain((record.upstream as { networkError: string }).networkError);
      expect(finding.cause).toContain('failed in the TLS handshake');
      expect(finding.fix).toContain('scheme');
      expect(finding.basis).toContain('"the account linking URL must be a HTTPS URL, with a certificate from an Amazon approved CA authority"');
    } finally {
      await plain.close();
    }
  });

  it('a self-signed certificate: not trusted, the provider needs a certificate from a public CA', async () => {
    // A throwaway certificate for 127.0.0.1, made for this test only (openssl: .ci/run installs it where missing).
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    const tls = createHttpsServer({ key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) }, (_req, res) => answer(res, { status: 200, json: {} }));
    servers.push(tls as unknown as Server);
    const port = await listening(tls as unknown as Server);
    const { record, finding } = await unreachable(`https://127.0.0.1:${port}/token`);
    expect(record.upstream).toMatchObject({ networkError: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    expect(finding.cause).toContain("was not trusted: the provider's TLS certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT)");
    expect(finding.fix).toContain('a certificate from a public certificate authority');
    expect(finding.basis).toContain('Alexa Account Linking Debugging Tips');
  });

  it('an endpoint that answered earlier in the same link: the failure is named as intermittent', async () => {
    let down = false;
    const flaky = await startFakeServer((_req, res, raw) => {
      if (down) {
        raw.socket.resetAndDestroy();
        return;
      }
      answer(res, { status: 200, json: { access_token: 'at-flaky', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-flaky' } });
    });
    try {
      const adapter = await startTestAdapter({ provider: 'generic', tokenUrl: flaky.tokenUrl });
      try {
        await alexaTokenRequest(adapter.url, codeExchange('code-flaky'));
        down = true;
        await alexaTokenRequest(adapter.url, { scheme: 'basic', ...CLIENT, params: { grant_type: 'refresh_token', refresh_token: 'rt-flaky' } });
        const recs = adapter.records.map((r) => parseRecordLine(JSON.stringify(r))!);
        const f = onlyFinding(recs);
        expect(f.rule).toBe('provider_unreachable');
        expect(f.cause).toContain(`The same endpoint answered at ${recs[0]!.time}`);
      } finally {
        await adapter.close();
      }
    } finally {
      await flaky.close();
    }
  });
});
