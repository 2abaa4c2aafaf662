/** `--config FILE`: the adapter object or a whole cdk.json, validated with errors naming file and field. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambda/core/config';
import { loadConfigFile } from '../../local/config-file';

const dir = mkdtempSync(join(tmpdir(), 'config-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const file = (content: unknown) => {
  const p = join(dir, `c${n++}.json`);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
};
const problem = (path: string): string => {
  try {
    loadConfigFile(path);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(path);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfigFile', () => {
  it('reads the adapter configuration object, with defaults applied', () => {
    const loaded = loadConfigFile(file({ provider: 'github', tokenUrl: 'http://127.0.0.1:3001/login/oauth/access_token' }));
    expect(loaded.shape).toBe('adapter object');
    expect(loaded.config).toMatchObject({ provider: 'github', upstreamTimeoutMs: 4000, clientCredentials: 'passthrough', logRetentionDays: 30 });
  });

  it('reads context.adapter of a cdk.json (object or JSON text)', () => {
    const a = loadConfigFile(file({ app: 'x', context: { '@aws-cdk/core:flag': true, adapter: { provider: 'google', tokenUrl: 'https://oauth2.googleapis.com/token' } } }));
    expect(a.shape).toBe('cdk.json context.adapter');
    expect(a.config.provider).toBe('google');
    const b = loadConfigFile(file({ context: { adapter: JSON.stringify({ provider: 'generic', tokenUrl: 'https://id.example/token' }) } }));
    expect(b.config.tokenUrl).toBe('https://id.example/token');
  });

  it('names the file and each bad field', () => {
    const msg = problem(file({ provider: 'github', tokenUrl: 'ftp://x', throttleRateLimit: 0, nope: 1 }));
    expect(msg).toMatch(/- tokenUrl: /);
    expect(msg).toMatch(/- throttleRateLimit: /);
    expect(msg).toMatch(/- nope: unknown field/);
    expect(problem(file({ context: { adapter: { tokenUrl: 'https://x.example/t' } } }))).toMatch(/cdk\.json, context\.adapter[\s\S]*- provider: /);
    expect(problem(file({ provider: 'acme', tokenUrl: 'https://x.example/t' }))).toMatch(/- provider: unknown profile "acme"/);
  });

  it('a JSON syntax error: line, column, the line and a caret (a config file, a cdk.json, context.adapter as text)', () => {
    expect(problem(file('{\n  "provider": "github"\n  "tokenUrl": "https://x.example/t"\n}'))).toContain(
      `  - not valid JSON: line 3, column 3: unexpected '"'; expected ',' or '}' after a property value\n        "tokenUrl": "https://x.example/t"\n        ^`,
    );
    expect(problem(file('{\n  "app": "npx tsx bin/app.ts",\n  "context": {\n    "adapter": {"provider": "github",}\n  }\n}'))).toMatch(
      /- not valid JSON: line 4, column 38: a comma before \} \(JSON allows no trailing comma\)/,
    );
    expect(problem(file({ context: { adapter: '{"provider": "github" "tokenUrl": "x"}' } }))).toMatch(/- context\.adapter \(JSON text\): not valid JSON: line 1, column 23: /);
  });

  it('explains unreadable files', () => {
    expect(problem(join(dir, 'missing.json'))).toMatch(/no such file/);
    expect(problem(file('{ provider: github }'))).toMatch(/not valid JSON/);
    expect(problem(file([1]))).toMatch(/must be a JSON object/);
    expect(problem(file({ app: 'x', context: {} }))).toMatch(/context\.adapter: missing/);
  });
});
