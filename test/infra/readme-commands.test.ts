/**
 * The README's configuration commands, as printed: the custom-domain deploy (run as `cdk synth` through
 * the real CDK CLI, with a profile whose default region is another), the error it prints without the
 * region, the nested and JSON `-c` overrides, and the IAM policy the CLI prints.
 * (.ci/package-check runs the construct-user section; test/local/signals.test.ts the background
 * `npm start` and `kill $!`.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliPolicy } from '../../cli/iam-policy';
import { loadConfigFromApp } from '../../lib/config-from-app';
import { ROOT, testApp } from './helpers';

// The README and the reference pages it links to (docs/configuration.md, docs/diagnosing.md).
const README = ['README.md', 'docs/configuration.md', 'docs/diagnosing.md'].map((f) => readFileSync(join(ROOT, f), 'utf8')).join('\n');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The fenced block right after `marker` (an HTML comment or a line of text). */
function blockAfter(marker: string): string {
  const at = README.indexOf(marker);
  expect(at, marker).toBeGreaterThan(-1);
  const m = /```\w*\n([\s\S]*?)```/.exec(README.slice(at));
  return m![1]!;
}

/** A POSIX shell command line as words: quotes, backslash-newline continuations. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  const text = line.replace(/\\\n\s*/g, ' ');
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** `-c key=value` pairs of a command as a context object. */
const contextOf = (words: string[]) =>
  Object.fromEntries(words.flatMap((w, i) => (w === '-c' ? [[words[i + 1]!.slice(0, words[i + 1]!.indexOf('=')), words[i + 1]!.slice(words[i + 1]!.indexOf('=') + 1)]] : [])));

describe('README: custom domain', () => {
  const words = shellWords(blockAfter('<!-- custom-domain -->').trim());
  const env = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split('=') as [string, string]));
  const args = words.slice(words.indexOf('npx') + 3);

  it('is printed as a deploy to the certificate\'s region', () => {
    expect(words.slice(words.indexOf('npx'), words.indexOf('npx') + 3)).toEqual(['npx', 'cdk', 'deploy']);
    expect(env).toEqual({ AWS_REGION: 'eu-west-1' });
  });

  it('synthesizes as printed (cdk synth for deploy) even when the profile\'s default region is another', () => {
    const out = mkdtempSync(join(tmpdir(), 'readme-domain-'));
    dirs.push(out);
    const r = spawnSync(join(ROOT, 'node_modules/.bin/cdk'), ['synth', '-q', '-o', out, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env, AWS_DEFAULT_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: '', AWS_PROFILE: '' },
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const template = JSON.parse(readFileSync(join(out, 'AlexaLinkAdapter.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const domain = Object.values(template.Resources).find((x) => x.Type === 'AWS::ApiGatewayV2::DomainName')!;
    expect(domain.Properties).toMatchObject({ DomainName: 'link.example.com', DomainNameConfigurations: [{ CertificateArn: contextOf(args)['adapter.certificateArn'] }] });
  }, 150_000);

  it('without the region, stops with the message the README prints', () => {
    const printed = blockAfter('Without `AWS_REGION`').trim();
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, CDK_DEFAULT_REGION: 'us-east-1', CDK_OUTDIR: mkdtempSync(join(tmpdir(), 'readme-region-')), CDK_CONTEXT_JSON: JSON.stringify({ ...contextOf(args), 'aws:cdk:bundling-stacks': [] }) },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(printed);
  }, 90_000);
});

describe('README: command-line overrides', () => {
  const lines = blockAfter('Command-line overrides reach any field').replace(/\\\n\s*/g, ' ').trim().split('\n');

  it.each(lines)('%s', (line) => {
    const config = loadConfigFromApp(testApp(contextOf(shellWords(line))));
    expect(config.smartHome).toMatchObject({ skillId: 'amzn1.ask.skill.0a1b2c3d', alexaClientId: 'amzn1.application-oa2-client.abc' });
  });
});

describe('README: the CLI\'s IAM policy', () => {
  it('is what iam-policy prints for the command shown', () => {
    const at = README.indexOf('`npx alexa-link-adapter iam-policy --stack AlexaLinkAdapter --region eu-west-1 --account 123456789012`');
    expect(at).toBeGreaterThan(-1);
    const printed = JSON.parse(/```json\n([\s\S]*?)```/.exec(README.slice(at))![1]!) as unknown;
    expect(printed).toEqual(cliPolicy({ stack: 'AlexaLinkAdapter', region: 'eu-west-1', account: '123456789012' }));
  });
});
