/**
 * The link simulator's return URL is allowed in local mode only: a deployment's redirect allowlist
 * is exactly Alexa's. Proven on the deployed path: the configuration as synthesized into the
 * authorize function's ADAPTER_CONFIG, run by the real esbuild bundle's Lambda entry point.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseAdapterConfig, parseRuntimeConfig } from '../../lambda/core/config';
import { AlexaLinkAdapterStack } from '../../lib/adapter-stack';
import { BASE_INPUT, config, ENV, testApp } from './helpers';

const SIMULATOR_RETURN = 'http://127.0.0.1:3004/api/skill/link/M2AAAAAAAAAAAA';

describe('deployments never accept the local simulator as a redirect target', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('the configuration has no field for it: cdk.json and ADAPTER_CONFIG refuse one', () => {
    for (const field of ['localReturnOrigin', 'simulatorOrigin']) {
      expect(() => parseAdapterConfig({ ...BASE_INPUT, mode: 'interception', [field]: 'http://127.0.0.1:3004' }, 'cdk.json')).toThrow(ConfigError);
      expect(() => parseRuntimeConfig({ ...BASE_INPUT, mode: 'interception', [field]: 'http://127.0.0.1:3004' }, 'ADAPTER_CONFIG')).toThrow(/unknown field/);
    }
    // extraRedirectHosts cannot name it either (lowercase DNS names only; the check pins https and no port anyway).
    expect(() => parseAdapterConfig({ ...BASE_INPUT, mode: 'interception', extraRedirectHosts: ['127.0.0.1'] })).toThrow(/extraRedirectHosts/);
    expect(() => parseAdapterConfig({ ...BASE_INPUT, mode: 'interception', extraRedirectHosts: ['localhost'] })).toThrow(/extraRedirectHosts/);
  });

  it('the bundled authorize Lambda, with the synthesized ADAPTER_CONFIG, refuses the simulator URL with a 400 page', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'adapter-local-return-'));
    dirs.push(outdir);
    const app = testApp({}, { bundle: true, outdir });
    const stack = new AlexaLinkAdapterStack(app, 'AlexaLinkAdapter', { config: config({ mode: 'interception' }), env: ENV });
    const assembly = app.synth();
    const artifact = assembly.getStackArtifact(stack.artifactId);
    type Fn = { Type: string; Properties: { Description: string; Code: { S3Key: string }; Environment: { Variables: Record<string, unknown> } } };
    const fn = Object.values(artifact.template.Resources as Record<string, Fn>).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description.includes('/authorize'))!;
    const adapterConfig = fn.Properties.Environment.Variables.ADAPTER_CONFIG as string;
    expect(adapterConfig).not.toMatch(/127\.0\.0\.1|localhost|simulator|localReturn/);
    const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
    const manifest = JSON.parse(readFileSync(join(assembly.directory, `${stack.artifactId}.assets.json`), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const bundle = join(assembly.directory, manifest.files[hash]!.source.path, 'index.js');

    const saved = { ADAPTER_CONFIG: process.env.ADAPTER_CONFIG, TABLE_NAME: process.env.TABLE_NAME };
    process.env.ADAPTER_CONFIG = adapterConfig;
    delete process.env.TABLE_NAME;
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      const { handler } = createRequire(import.meta.url)(bundle) as { handler: (e: unknown, c: unknown) => Promise<{ statusCode: number; headers: Record<string, string>; body: string }> };
      const call = (redirect: string) =>
        handler(
          {
            version: '2.0',
            routeKey: 'GET /authorize',
            rawPath: '/authorize',
            rawQueryString: new URLSearchParams({ client_id: 'c', response_type: 'code', state: 's', redirect_uri: redirect }).toString(),
            headers: { host: 'abc.execute-api.eu-west-1.amazonaws.com', 'x-forwarded-proto': 'https' },
            requestContext: { requestId: 'r1', http: { method: 'GET', path: '/authorize' } },
            isBase64Encoded: false,
          },
          { awsRequestId: 'r1' },
        );
      for (const uri of [SIMULATOR_RETURN, 'http://localhost:3004/api/skill/link/M2AAAAAAAAAAAA', 'https://127.0.0.1:3004/api/skill/link/M2AAAAAAAAAAAA']) {
        lines.length = 0;
        const res = await call(uri);
        expect(res.statusCode, uri).toBe(400);
        expect(res.headers.location).toBeUndefined();
        const record = JSON.parse(lines.join('').trim().split('\n').at(-1)!) as { verdicts: { code: string }[] };
        expect(record.verdicts.map((v) => v.code)).toEqual(['redirect_uri_not_alexa']);
      }
    } finally {
      write.mockRestore();
      process.env.ADAPTER_CONFIG = saved.ADAPTER_CONFIG;
      if (saved.ADAPTER_CONFIG === undefined) delete process.env.ADAPTER_CONFIG;
      if (saved.TABLE_NAME !== undefined) process.env.TABLE_NAME = saved.TABLE_NAME;
    }
  });
});
